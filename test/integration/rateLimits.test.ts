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

  it('an address over its limit is refused before any account counter moves (no mass lockout)', async () => {
    const app = await limited({ TRUST_PROXY_HOPS: '1' });
    const victim = await registered(app.gql);
    const attacker = { 'x-forwarded-for': '203.0.113.66' };
    for (let i = 0; i < 10; i++) await attempt(app, `someone${i}@example.com`, 'guess', attacker);
    for (let i = 0; i < 20; i++) {
      expect((await attempt(app, victim.input.email, 'guess', attacker)).result.__typename).toBe('RateLimitedError');
    }
    const owner = { 'x-forwarded-for': '198.51.100.7' };
    expect((await attempt(app, victim.input.email, victim.input.password, owner)).result.__typename).toBe('AuthSuccess');
  });

  it('does not spend the address budget on successful logins', async () => {
    const app = await limited();
    const { input } = await registered(app.gql);
    for (let i = 0; i < 15; i++) expect((await attempt(app, input.email, input.password)).result.__typename).toBe('AuthSuccess');
  });

  it('a password reset ends the account lockout', async () => {
    const app = await limited({ RATE_LIMIT_RESET_PER_IP: '10' });
    const { input } = await registered(app.gql);
    for (let i = 0; i < 4; i++) await attempt(app, input.email, 'wrong guess');
    expect((await attempt(app, input.email, input.password)).result.__typename).toBe('RateLimitedError');
    await app.gql(`mutation { requestPasswordReset(email: "${input.email}") }`);
    // The link is read from the outbox log line, as a developer would.
    await expect.poll(() => app.logs.some((l) => l.includes('reset-password?token=')), { timeout: 5000 }).toBe(true);
    const line = app.logs.find((l) => l.includes('reset-password?token='))!;
    const token = /reset-password\?token=([A-Za-z0-9_-]{43})/.exec(line)![1];
    const reset = await app.gql(`mutation($t: String!) { resetPassword(token: $t, newPassword: "a completely new passphrase") { __typename } }`, { t: token });
    expect(reset.body.data.resetPassword.__typename).toBe('AccountUpdated');
    expect((await attempt(app, input.email, 'a completely new passphrase')).result.__typename).toBe('AuthSuccess');
  });

  it('limits guesses of the current password by a signed-in session, and made-up reset links cost no bcrypt', async () => {
    const app = await limited();
    const { token } = await registered(app.gql);
    const change = () =>
      app.gql(`mutation { changePassword(currentPassword: "not it", newPassword: "whatever new passphrase") { __typename } }`, {}, token);
    for (let i = 0; i < 3; i++) expect((await change()).body.data.changePassword.__typename).toBe('InvalidCredentialsError');
    expect((await change()).body.data.changePassword.__typename).toBe('RateLimitedError');
    const del = await app.gql(`mutation { deleteAccount(currentPassword: "not it") { __typename } }`, {}, token);
    expect(del.body.data.deleteAccount.__typename).toBe('RateLimitedError');

    const before = app.app.hashPool.completed;
    const made = await app.gql(`mutation { resetPassword(token: "${'A'.repeat(43)}", newPassword: "a completely new passphrase") { __typename } }`);
    expect(made.body.data.resetPassword.__typename).toBe('InvalidTokenError');
    expect(app.app.hashPool.completed).toBe(before);
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

    // Successful refreshes do not count (a NAT full of honest clients); failed ones do.
    let token = first.refreshToken;
    for (let i = 0; i < 4; i++) token = (await app.gql(REFRESH, { refreshToken: token })).body.data.refreshToken.refreshToken;
    for (let i = 0; i < 2; i++) {
      expect((await app.gql(REFRESH, { refreshToken: `rt_${'x'.repeat(43)}` })).body.data.refreshToken.__typename).toBe(
        'InvalidRefreshTokenError',
      );
    }
    expect((await app.gql(REFRESH, { refreshToken: token })).body.data.refreshToken.__typename).toBe('RateLimitedError');
  });
});
