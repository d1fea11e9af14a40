import { afterEach, describe, expect, it } from 'vitest';
import { LOGIN, REFRESH, REGISTER, newUser, registered, startTestApp, type TestApp } from '../helpers/testApp';

const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

/** A fresh instance (own Redis prefix, so own counters) with low limits. */
async function limited(env: Record<string, string> = {}) {
  const app = await startTestApp({
    env: {
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '3',
      RATE_LIMIT_LOGIN_PER_IP: '10',
      RATE_LIMIT_REGISTER_PER_IP: '100',
      RATE_LIMIT_RESET_PER_IP: '2',
      RATE_LIMIT_REFRESH_PER_IP: '100',
      ...env,
    },
  });
  apps.push(app);
  return app;
}

async function attempt(app: TestApp, email: string, password: string, headers: Record<string, string> = {}) {
  const res = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: LOGIN, variables: { email, password } }),
  });
  const body = (await res.json()) as any;
  return { status: res.status, retryAfter: res.headers.get('retry-after'), result: body.data.login };
}

describe('login brute-force limits', () => {
  it('blocks an account after too many failures, even for the right password, with retryAfter and Retry-After', async () => {
    const app = await limited();
    const { input } = await registered(app.gql);
    for (let i = 0; i < 3; i++) expect((await attempt(app, input.email, 'wrong guess')).result.__typename).toBe('InvalidCredentialsError');
    const before = app.app.hashPool.completed;
    const blocked = await attempt(app, input.email.toUpperCase(), input.password);
    expect(blocked.result).toMatchObject({ __typename: 'RateLimitedError', code: 'RATE_LIMITED' });
    expect(blocked.result.retryAfter).toBeGreaterThan(0);
    expect(blocked.result.retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(Number(blocked.retryAfter)).toBe(blocked.result.retryAfter);
    // Refused before any password check: no bcrypt work was spent on it.
    expect(app.app.hashPool.completed).toBe(before);
  });

  it('clears the account counter on success', async () => {
    const app = await limited();
    const { input } = await registered(app.gql);
    for (let round = 0; round < 3; round++) {
      await attempt(app, input.email, 'wrong guess');
      await attempt(app, input.email, 'wrong guess');
      expect((await attempt(app, input.email, input.password)).result.__typename).toBe('AuthSuccess');
    }
  });

  it('limits unknown emails exactly like known ones', async () => {
    const app = await limited();
    const { input } = await registered(app.gql);
    const unknown = `nobody.${Date.now()}@example.com`;
    const known: string[] = [];
    const missing: string[] = [];
    for (let i = 0; i < 4; i++) {
      known.push((await attempt(app, input.email, 'wrong guess')).result.__typename);
      missing.push((await attempt(app, unknown, 'wrong guess')).result.__typename);
    }
    expect(missing).toEqual(known);
    expect(known).toEqual(['InvalidCredentialsError', 'InvalidCredentialsError', 'InvalidCredentialsError', 'RateLimitedError']);
  });

  it('limits one client address across accounts, and a spoofed X-Forwarded-For changes nothing', async () => {
    const app = await limited();
    const results: string[] = [];
    for (let i = 0; i < 12; i++) {
      const spoofed = { 'x-forwarded-for': `198.51.100.${i}` };
      results.push((await attempt(app, `someone${i}@example.com`, 'guess', spoofed)).result.__typename);
    }
    expect(results.slice(0, 10).every((r) => r === 'InvalidCredentialsError')).toBe(true);
    expect(results.slice(10)).toEqual(['RateLimitedError', 'RateLimitedError']);
  });

  it('counts per real client when a trusted proxy forwards the address', async () => {
    const app = await limited({ TRUST_PROXY_HOPS: '1' });
    for (let i = 0; i < 12; i++) {
      const client = { 'x-forwarded-for': `198.51.100.${i}` };
      expect((await attempt(app, `someone${i}@example.com`, 'guess', client)).result.__typename).toBe('InvalidCredentialsError');
    }
  });

  it('counts concurrent attempts atomically', async () => {
    const app = await limited();
    const { input } = await registered(app.gql);
    const results = await Promise.all(Array.from({ length: 10 }, () => attempt(app, input.email, 'wrong guess')));
    expect(results.filter((r) => r.result.__typename === 'InvalidCredentialsError')).toHaveLength(3);
    expect(results.filter((r) => r.result.__typename === 'RateLimitedError')).toHaveLength(7);
  });
});

describe('other limits', () => {
  it('limits registrations, reset requests and refreshes per client address', async () => {
    const app = await limited({ RATE_LIMIT_REGISTER_PER_IP: '2', RATE_LIMIT_REFRESH_PER_IP: '2' });
    const first = await registered(app.gql);
    await registered(app.gql);
    expect((await app.gql(REGISTER, { input: newUser() })).body.data.register.__typename).toBe('RateLimitedError');

    const reset = 'mutation { requestPasswordReset(email: "someone@example.com") }';
    expect((await app.gql(reset)).body.data.requestPasswordReset).toBe(true);
    expect((await app.gql(reset)).body.data.requestPasswordReset).toBe(true);
    const blocked = await app.gql(reset);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(blocked.body.errors![0].extensions!.code).toBe('RATE_LIMITED');

    let token = first.refreshToken;
    for (let i = 0; i < 2; i++) token = (await app.gql(REFRESH, { refreshToken: token })).body.data.refreshToken.refreshToken;
    expect((await app.gql(REFRESH, { refreshToken: token })).body.data.refreshToken.__typename).toBe('RateLimitedError');
  });
});
