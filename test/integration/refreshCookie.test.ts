import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN, newUser, REGISTER, registered, startTestApp, type TestApp } from '../helpers/testApp';

const APP = 'http://127.0.0.1:5173';
const REFRESH_BY_COOKIE = /* GraphQL */ `
  mutation { refreshToken { __typename ... on AuthSuccess { accessToken refreshToken refreshTokenExpiresAt } ... on ErrorResult { code } } }
`;

let t: TestApp;
beforeAll(async () => {
  // No grace period: a replayed cookie is reuse at once.
  t = await startTestApp({ env: { CORS_ORIGINS: `${APP},https://other.example`, REFRESH_GRACE_PERIOD: '0' } });
});
afterAll(() => t?.close());

interface Sent {
  status: number;
  body: any;
  setCookie: string | null;
}

/** A POST as a browser app at APP sends it with the cookie transport; `headers` override or remove (undefined). */
async function post(query: string, variables: object = {}, headers: Record<string, string | undefined> = {}): Promise<Sent> {
  const all: Record<string, string> = {};
  const given = { 'content-type': 'application/json', origin: APP, 'x-refresh-token-transport': 'cookie', ...headers };
  for (const [name, value] of Object.entries(given)) if (value !== undefined) all[name] = value;
  const res = await fetch(t.url, { method: 'POST', headers: all, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: await res.json(), setCookie: res.headers.get('set-cookie') };
}

const cookieOf = (setCookie: string | null) => `refresh_token=${/^refresh_token=([^;]*)/.exec(setCookie ?? '')![1]}`;

async function signedInBrowser() {
  const res = await post(REGISTER, { input: newUser() });
  expect(res.body.data.register.__typename).toBe('AuthSuccess');
  return { cookie: cookieOf(res.setCookie), token: res.body.data.register.accessToken as string, setCookie: res.setCookie! };
}

describe('refresh token as a cookie (X-Refresh-Token-Transport: cookie)', () => {
  it('is set httpOnly, SameSite, with a narrow path and the session lifetime, and left out of the body', async () => {
    const { setCookie } = await signedInBrowser();
    expect(setCookie).toMatch(/^refresh_token=rt_[A-Za-z0-9_-]{43}; Max-Age=(\d+); Path=\/graphql; HttpOnly; SameSite=Strict$/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(setCookie)![1]);
    expect(Math.abs(maxAge - 7 * 86400)).toBeLessThan(5);

    const user = newUser();
    await post(REGISTER, { input: user });
    const login = await post(LOGIN, { email: user.email, password: user.password });
    expect(login.body.data.login.__typename).toBe('AuthSuccess');
    expect(login.body.data.login.refreshToken).toBeNull();
    expect(login.setCookie).toMatch(/^refresh_token=rt_/);
  });

  it('is Secure everywhere but on http://localhost', async () => {
    const status = await new Promise<string | undefined>((resolve, reject) => {
      const body = JSON.stringify({ query: REGISTER, variables: { input: newUser() } });
      const url = new URL(t.url);
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST' },
        (res) => {
          res.resume();
          resolve(res.headers['set-cookie']?.[0]);
        },
      );
      req.on('error', reject);
      for (const [k, v] of Object.entries({ host: 'auth.example', 'content-type': 'application/json', 'x-refresh-token-transport': 'cookie' })) req.setHeader(k, v);
      req.end(body);
    });
    expect(status).toMatch(/; HttpOnly; Secure; SameSite=Strict$/);
  });

  it('keeps the body transport for clients that do not ask (mobile, servers): no cookie', async () => {
    const res = await post(REGISTER, { input: newUser() }, { 'x-refresh-token-transport': undefined, origin: undefined });
    expect(res.body.data.register.refreshToken).toMatch(/^rt_/);
    expect(res.setCookie).toBeNull();
  });

  it('refreshes from the cookie alone, rotating it; the retired cookie is then reuse and is cleared', async () => {
    const browser = await signedInBrowser();
    const refreshed = await post(REFRESH_BY_COOKIE, {}, { cookie: browser.cookie });
    expect(refreshed.body.data.refreshToken).toMatchObject({ __typename: 'AuthSuccess', refreshToken: null });
    expect(refreshed.setCookie).toMatch(/^refresh_token=rt_/);
    expect(cookieOf(refreshed.setCookie)).not.toBe(browser.cookie);

    const replay = await post(REFRESH_BY_COOKIE, {}, { cookie: browser.cookie });
    expect(replay.body.data.refreshToken.__typename).toBe('RefreshTokenReusedError');
    expect(replay.setCookie).toBe('refresh_token=; Max-Age=0; Path=/graphql; HttpOnly; SameSite=Strict');
  });

  it('answers a signed-out page (no cookie, no argument) with InvalidRefreshTokenError and sets nothing', async () => {
    const res = await post(REFRESH_BY_COOKIE);
    expect(res.body.data.refreshToken).toEqual({ __typename: 'InvalidRefreshTokenError', code: 'INVALID_REFRESH_TOKEN' });
    expect(res.setCookie).toBeNull();
  });

  it('refuses a cookie-only refresh without the transport header, from an unlisted origin or with no origin (CSRF), and the cookie stays good', async () => {
    const browser = await signedInBrowser();
    for (const headers of [
      { 'x-refresh-token-transport': undefined },
      { origin: 'https://evil.example' },
      { origin: undefined },
      // A simple (non-preflighted) POST never gets as far as GraphQL.
      { 'content-type': 'text/plain', 'x-refresh-token-transport': undefined },
    ]) {
      const res = await post(REFRESH_BY_COOKIE, {}, { cookie: browser.cookie, ...headers });
      expect(res.status, JSON.stringify(headers)).toBeGreaterThanOrEqual(400);
      expect(res.body.errors[0].extensions.code).toMatch(/^(FORBIDDEN|BAD_REQUEST)$/);
      expect(res.body.data?.refreshToken).toBeUndefined();
      expect(res.setCookie).toBeNull();
    }
    const forbidden = await post(REFRESH_BY_COOKIE, {}, { cookie: browser.cookie, origin: 'https://evil.example' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.errors[0].message).toContain('CORS_ORIGINS');
    // None of them used the token: it still refreshes.
    expect((await post(REFRESH_BY_COOKIE, {}, { cookie: browser.cookie })).body.data.refreshToken.__typename).toBe('AuthSuccess');
  });

  it('is never read from a GET: mutations are refused there, and queries ignore it', async () => {
    const browser = await signedInBrowser();
    const get = (query: string) =>
      fetch(`${t.url}?query=${encodeURIComponent(query)}`, {
        headers: { cookie: browser.cookie, origin: APP, 'x-refresh-token-transport': 'cookie', 'apollo-require-preflight': '1' },
      });
    const mutation = await get(REFRESH_BY_COOKIE);
    expect(mutation.status).toBe(405);
    const me = await get('{ me { id } }');
    expect(((await me.json()) as any).data.me).toBeNull();
    expect((await post(REFRESH_BY_COOKIE, {}, { cookie: browser.cookie })).body.data.refreshToken.__typename).toBe('AuthSuccess');
  });

  it('is cleared by logout, logoutEverywhere, deleteAccount and revoking the current session; the ended session cannot refresh', async () => {
    const deletion = 'mutation { deleteAccount(currentPassword: "correct horse battery staple") { __typename } }';
    for (const mutation of ['mutation { logout }', 'mutation { logoutEverywhere }', deletion, 'current']) {
      const browser = await signedInBrowser();
      let res: Sent;
      if (mutation === 'current') {
        const sessions = await fetch(t.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${browser.token}` },
          body: JSON.stringify({ query: '{ sessions { id current } }' }),
        }).then((r) => r.json() as Promise<any>);
        const id = sessions.data.sessions.find((s: any) => s.current).id;
        res = await post('mutation($id: ID!) { revokeSession(id: $id) { __typename } }', { id }, { authorization: `Bearer ${browser.token}`, cookie: browser.cookie });
      } else {
        res = await post(mutation, {}, { authorization: `Bearer ${browser.token}`, cookie: browser.cookie });
      }
      expect(res.body.errors, mutation).toBeUndefined();
      expect(res.setCookie, mutation).toMatch(/^refresh_token=; Max-Age=0; Path=\/graphql; HttpOnly/);
      const after = await post(REFRESH_BY_COOKIE, {}, { cookie: browser.cookie });
      expect(after.body.data.refreshToken.__typename).toBe('InvalidRefreshTokenError');
      expect(after.setCookie).toMatch(/Max-Age=0/);
    }
  });

  it('is not cleared when another session is revoked', async () => {
    const user = newUser();
    const other = await registered(t.gql, user);
    const browser = await post(LOGIN, { email: user.email, password: user.password });
    const token = browser.body.data.login.accessToken;
    const sessions = await post('{ sessions { id current } }', {}, { authorization: `Bearer ${token}` });
    const id = sessions.body.data.sessions.find((s: any) => !s.current).id;
    const res = await post('mutation($id: ID!) { revokeSession(id: $id) { __typename } }', { id }, { authorization: `Bearer ${token}`, cookie: cookieOf(browser.setCookie) });
    expect(res.body.data.revokeSession.__typename).toBe('RevokeSessionSuccess');
    expect(res.setCookie).toBeNull();
    expect(other.refreshToken).toMatch(/^rt_/);
  });

  it('never writes a refresh token to the log', async () => {
    await signedInBrowser();
    expect(t.logs.join('\n')).not.toMatch(/rt_[A-Za-z0-9_-]{43}/);
  });
});

describe('CORS for browser apps', () => {
  it('answers a preflight from a listed origin with credentials and every header Apollo Client and urql send', async () => {
    const headers = [
      'authorization',
      'content-type',
      'apollographql-client-name',
      'apollographql-client-version',
      'x-request-id',
      'x-refresh-token-transport',
      'apollo-require-preflight',
      'x-apollo-operation-name',
    ];
    const res = await fetch(t.url, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': headers.join(',') },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toContain('Origin');
    const allowed = res.headers.get('access-control-allow-headers')!.split(',').map((h) => h.trim());
    expect(allowed).toEqual(expect.arrayContaining(headers));
    expect(res.headers.get('access-control-allow-methods')).toContain('GET');
  });

  it('exposes X-Request-Id, Retry-After and WWW-Authenticate on responses to a listed origin', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://other.example', authorization: 'Bearer nope' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://other.example');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    const exposed = res.headers.get('access-control-expose-headers')!.toLowerCase();
    for (const name of ['x-request-id', 'retry-after', 'www-authenticate']) expect(exposed).toContain(name);
  });

  it('gives an unlisted origin nothing to go on', async () => {
    const res = await fetch(t.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toContain('Origin');
  });
});
