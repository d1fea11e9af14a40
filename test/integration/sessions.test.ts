import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteRedisPrefix,
  LOGIN,
  LOGOUT,
  ME,
  REFRESH,
  registered,
  startTestApp,
  type Gql,
  type TestApp,
} from '../helpers/testApp';

// An injectable clock: idle, absolute and grace limits are tested without sleeping.
let offsetMs = 0;
const later = (seconds: number) => (offsetMs += seconds * 1000);

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    now: () => Date.now() + offsetMs,
    env: { SESSION_IDLE_TTL: '10m', SESSION_ABSOLUTE_TTL: '1h', REFRESH_GRACE_PERIOD: '10s', ACCESS_TOKEN_TTL: '1h' },
  });
});
afterAll(() => t?.close());

const SESSIONS = /* GraphQL */ `query { sessions { id createdAt lastUsedAt expiresAt userAgent ipAddress current } }`;
const REVOKE = /* GraphQL */ `
  mutation($id: ID!) { revokeSession(id: $id) { __typename ... on RevokeSessionSuccess { sessionId } ... on ErrorResult { code } } }
`;
const CHANGE_PASSWORD = /* GraphQL */ `
  mutation($current: String!, $next: String!) {
    changePassword(currentPassword: $current, newPassword: $next) {
      __typename
      ... on ChangePasswordSuccess { endedSessions user { id } }
      ... on ErrorResult { code }
      ... on InvalidInputError { fields { field } }
    }
  }
`;

const refresh = async (refreshToken: string) => (await t.gql(REFRESH, { refreshToken })).body.data.refreshToken;
const meStatus = async (token: string) => (await t.gql(ME, {}, token)).status;
const login = async (gql: Gql, email: string, password: string) => (await gql(LOGIN, { email, password })).body.data.login;
const sidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid as string;

describe('sessions and refresh tokens', () => {
  it('register and login open a session with an opaque refresh token, stored only as its SHA-256 hash', async () => {
    const { token, refreshToken, user } = await registered(t.gql);
    expect(refreshToken).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
    const { rows } = await t.db.query(
      'select r.token_hash from refresh_tokens r join sessions s on s.id = r.session_id where s.user_id = $1',
      [user.id],
    );
    expect(rows).toEqual([{ token_hash: createHash('sha256').update(refreshToken).digest('hex') }]);
    expect(JSON.stringify(await t.db.query('select * from refresh_tokens'))).not.toContain(refreshToken);
    expect(sidOf(token)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rotates: a refresh returns a new pair, and the new access token works', async () => {
    const { refreshToken, user } = await registered(t.gql);
    const next = await refresh(refreshToken);
    expect(next.__typename).toBe('AuthSuccess');
    expect(next.refreshToken).not.toBe(refreshToken);
    expect(next.user.id).toBe(user.id);
    expect(await meStatus(next.accessToken)).toBe(200);
    expect((await refresh(next.refreshToken)).__typename).toBe('AuthSuccess');
  });

  it('detects reuse: an old refresh token presented after the grace window ends the whole session', async () => {
    const { refreshToken, token } = await registered(t.gql);
    const next = await refresh(refreshToken);
    later(11);
    const replay = await refresh(refreshToken);
    expect(replay).toEqual({
      __typename: 'RefreshTokenReusedError',
      code: 'REFRESH_TOKEN_REUSED',
      message: expect.stringContaining('already used'),
    });
    // Every token of the session is dead: both access tokens and the legitimate successor.
    expect(await meStatus(token)).toBe(401);
    expect(await meStatus(next.accessToken)).toBe(401);
    expect((await refresh(next.refreshToken)).__typename).toBe('InvalidRefreshTokenError');
  });

  it('detects reuse of a token two rotations old even inside the grace window', async () => {
    const { refreshToken } = await registered(t.gql);
    const second = await refresh(refreshToken);
    const third = await refresh(second.refreshToken);
    expect((await refresh(refreshToken)).__typename).toBe('RefreshTokenReusedError');
    expect((await refresh(third.refreshToken)).__typename).toBe('InvalidRefreshTokenError');
  });

  it('gives 10 concurrent refreshes of one token the same successor: one chain, nobody logged out', async () => {
    const { refreshToken, user } = await registered(t.gql);
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(refreshToken)));
    for (const result of results) expect(result.__typename).toBe('AuthSuccess');
    expect(new Set(results.map((r) => r.refreshToken)).size).toBe(1);
    for (const result of results) expect(await meStatus(result.accessToken)).toBe(200);
    // The chain goes on from that one successor.
    expect((await refresh(results[0].refreshToken)).__typename).toBe('AuthSuccess');
    const { rows } = await t.db.query(
      `select r.generation from refresh_tokens r join sessions s on s.id = r.session_id
       where s.user_id = $1 order by r.generation`,
      [user.id],
    );
    expect(rows.map((r: { generation: number }) => r.generation)).toEqual([0, 1, 2]);
  });

  it('ends a session left idle longer than SESSION_IDLE_TTL', async () => {
    const { refreshToken } = await registered(t.gql);
    const first = await refresh(refreshToken);
    later(9 * 60);
    const second = await refresh(first.refreshToken);
    expect(second.__typename).toBe('AuthSuccess');
    later(10 * 60 + 1);
    expect((await refresh(second.refreshToken)).__typename).toBe('InvalidRefreshTokenError');
  });

  it('ends a session SESSION_ABSOLUTE_TTL after sign-in, however active', async () => {
    const { refreshToken } = await registered(t.gql);
    let current = refreshToken;
    for (let i = 0; i < 6; i++) {
      later(9 * 60);
      const next = await refresh(current);
      expect(next.__typename, `refresh ${i}`).toBe('AuthSuccess');
      current = next.refreshToken;
    }
    later(9 * 60); // 63 minutes after sign-in
    expect((await refresh(current)).__typename).toBe('InvalidRefreshTokenError');
  });

  it('refreshes many sessions at once without exhausting a small connection pool', async () => {
    const small = await startTestApp({ db: t.db, redisPrefix: t.redisPrefix, env: { DB_POOL_MAX: '2' } });
    try {
      const devices = await Promise.all(Array.from({ length: 6 }, () => registered(small.gql)));
      const results = await Promise.all(
        devices.map(async (d) => (await small.gql(REFRESH, { refreshToken: d.refreshToken })).body.data?.refreshToken?.__typename),
      );
      expect(results).toEqual(Array(6).fill('AuthSuccess'));
    } finally {
      await small.close();
    }
  });

  it('never takes a refresh token as an access token, nor an access token as a refresh token', async () => {
    const { token, refreshToken } = await registered(t.gql);
    expect(await meStatus(refreshToken)).toBe(401);
    expect((await refresh(token)).__typename).toBe('InvalidRefreshTokenError');
    expect((await refresh('rt_' + 'A'.repeat(43))).__typename).toBe('InvalidRefreshTokenError');
  });

  it('survives a Redis flush: old access tokens fail closed, refresh still works', async () => {
    const { token, refreshToken } = await registered(t.gql);
    await deleteRedisPrefix(t.redisPrefix);
    expect(await meStatus(token)).toBe(401);
    const next = await refresh(refreshToken);
    expect(next.__typename).toBe('AuthSuccess');
    expect(await meStatus(next.accessToken)).toBe(200);
  });
});

describe('seeing and ending sessions', () => {
  async function twoDevices() {
    const { input, token: laptop, refreshToken: laptopRefresh } = await registered(t.gql);
    const phone = await login(t.gql, input.email, input.password);
    return { input, laptop, laptopRefresh, phone: phone.accessToken as string, phoneRefresh: phone.refreshToken as string };
  }

  it('lists the live sessions, marking the current one', async () => {
    const { laptop, phone } = await twoDevices();
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${phone}`, 'user-agent': 'PhoneApp/1.0' },
      body: JSON.stringify({ query: SESSIONS }),
    });
    const sessions = ((await res.json()) as any).data.sessions;
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s: { current: boolean }) => s.current).map((s: { id: string }) => s.id)).toEqual([sidOf(phone)]);
    expect(sessions.map((s: { id: string }) => s.id).sort()).toEqual([sidOf(laptop), sidOf(phone)].sort());
    expect(sessions[0].ipAddress).toMatch(/127\.0\.0\.1/);
    expect(sessions[0].userAgent).toBeTruthy();
  });

  it('logout ends this device only; the other keeps working', async () => {
    const { laptop, laptopRefresh, phone, phoneRefresh } = await twoDevices();
    expect((await t.gql(LOGOUT, {}, laptop)).body.data.logout).toBe(true);
    expect(await meStatus(laptop)).toBe(401);
    expect((await refresh(laptopRefresh)).__typename).toBe('InvalidRefreshTokenError');
    expect(await meStatus(phone)).toBe(200);
    expect((await refresh(phoneRefresh)).__typename).toBe('AuthSuccess');
  });

  it('logoutEverywhere ends every device', async () => {
    const { laptop, laptopRefresh, phone, phoneRefresh } = await twoDevices();
    expect((await t.gql('mutation { logoutEverywhere }', {}, laptop)).body.data.logoutEverywhere).toBe(true);
    for (const token of [laptop, phone]) expect(await meStatus(token)).toBe(401);
    for (const token of [laptopRefresh, phoneRefresh]) expect((await refresh(token)).__typename).toBe('InvalidRefreshTokenError');
  });

  it('revokeSession ends another device at once; unknown or foreign ids are SESSION_NOT_FOUND', async () => {
    const { laptop, phone, phoneRefresh } = await twoDevices();
    const stranger = await registered(t.gql);
    const ended = await t.gql(REVOKE, { id: sidOf(phone) }, laptop);
    expect(ended.body.data.revokeSession).toEqual({ __typename: 'RevokeSessionSuccess', sessionId: sidOf(phone) });
    expect(await meStatus(phone)).toBe(401);
    expect((await refresh(phoneRefresh)).__typename).toBe('InvalidRefreshTokenError');
    expect(await meStatus(laptop)).toBe(200);

    for (const id of [sidOf(phone), sidOf(stranger.token), '00000000-0000-4000-8000-000000000000']) {
      const res = await t.gql(REVOKE, { id }, laptop);
      expect(res.body.data.revokeSession, id).toEqual({ __typename: 'SessionNotFoundError', code: 'SESSION_NOT_FOUND' });
    }
    expect(await meStatus(stranger.token)).toBe(200);
  });

  it('revokeOtherSessions keeps only this one', async () => {
    const { input, laptop, phone } = await twoDevices();
    const tablet = (await login(t.gql, input.email, input.password)).accessToken;
    expect((await t.gql('mutation { revokeOtherSessions }', {}, laptop)).body.data.revokeOtherSessions).toBe(2);
    expect(await meStatus(laptop)).toBe(200);
    for (const token of [phone, tablet]) expect(await meStatus(token)).toBe(401);
    expect((await t.gql(SESSIONS, {}, laptop)).body.data.sessions).toHaveLength(1);
  });
});

describe('changePassword', () => {
  it('needs the current password and applies the password rules', async () => {
    const { input, token } = await registered(t.gql);
    const wrong = await t.gql(CHANGE_PASSWORD, { current: 'not my password', next: 'a brand new password' }, token);
    expect(wrong.body.data.changePassword).toEqual({ __typename: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS' });
    const weak = await t.gql(CHANGE_PASSWORD, { current: input.password, next: 'short' }, token);
    expect(weak.body.data.changePassword.fields).toEqual([{ field: 'newPassword' }]);
    expect((await login(t.gql, input.email, input.password)).__typename).toBe('AuthSuccess');
  });

  it('changes it, ends every other session, and keeps this one', async () => {
    const { input, token, refreshToken } = await registered(t.gql);
    const other = await login(t.gql, input.email, input.password);
    const res = await t.gql(CHANGE_PASSWORD, { current: input.password, next: 'a brand new password' }, token);
    expect(res.body.data.changePassword).toMatchObject({ __typename: 'ChangePasswordSuccess', endedSessions: 1 });

    expect(await meStatus(other.accessToken)).toBe(401);
    expect((await refresh(other.refreshToken)).__typename).toBe('InvalidRefreshTokenError');
    expect(await meStatus(token)).toBe(200);
    expect((await refresh(refreshToken)).__typename).toBe('AuthSuccess');

    expect((await login(t.gql, input.email, input.password)).__typename).toBe('InvalidCredentialsError');
    expect((await login(t.gql, input.email, 'a brand new password')).__typename).toBe('AuthSuccess');
  });
});

describe('races with a password change', () => {
  it('two concurrent changes from the same old password: exactly one wins', async () => {
    const { input, token } = await registered(t.gql);
    const other = (await login(t.gql, input.email, input.password)).accessToken;
    const [a, b] = await Promise.all([
      t.gql(CHANGE_PASSWORD, { current: input.password, next: 'password of the owner' }, token),
      t.gql(CHANGE_PASSWORD, { current: input.password, next: 'password of the other' }, other),
    ]);
    const outcomes = [a, b].map((r) => r.body.data.changePassword.__typename).sort();
    expect(outcomes).toEqual(['ChangePasswordSuccess', 'InvalidCredentialsError']);
    const winner = a.body.data.changePassword.__typename === 'ChangePasswordSuccess' ? 'password of the owner' : 'password of the other';
    const loser = winner === 'password of the owner' ? 'password of the other' : 'password of the owner';
    expect((await login(t.gql, input.email, winner)).__typename).toBe('AuthSuccess');
    expect((await login(t.gql, input.email, loser)).__typename).toBe('InvalidCredentialsError');
  });

  it('no session opened with the old password outlives the change', async () => {
    // A slower hash keeps logins in flight while the change commits, which is the race. (Its own
    // instance also runs on the real clock, unlike `t`, whose clock earlier tests moved on.)
    const slow = await startTestApp({ db: t.db, redisPrefix: t.redisPrefix, env: { BCRYPT_COST: '8' } });
    try {
      const { input, token } = await registered(slow.gql);
      const [change, ...logins] = await Promise.all([
        slow.gql(CHANGE_PASSWORD, { current: input.password, next: 'the new password' }, token),
        ...Array.from({ length: 12 }, () => slow.gql(LOGIN, { email: input.email, password: input.password })),
      ]);
      expect(change.body.data.changePassword.__typename).toBe('ChangePasswordSuccess');
      for (const res of logins) {
        const result = res.body.data.login;
        if (result.__typename === 'AuthSuccess') expect((await slow.gql(ME, {}, result.accessToken)).status).toBe(401);
        else expect(result.__typename).toBe('InvalidCredentialsError');
      }
      const live = (await slow.gql(SESSIONS, {}, token)).body.data.sessions;
      expect(live.map((s: { id: string }) => s.id)).toEqual([sidOf(token)]);
    } finally {
      await slow.close();
    }
  });
});

describe('refresh across a REFRESH_TOKEN_SECRET change', () => {
  it('refuses a grace-window replay whose successor was derived with another secret, without ending the session', async () => {
    const otherSecret = await startTestApp({
      db: t.db,
      redisPrefix: t.redisPrefix,
      now: () => Date.now() + offsetMs,
      env: { REFRESH_TOKEN_SECRET: 'a-different-refresh-secret-0123456789abcdef', SESSION_IDLE_TTL: '10m', SESSION_ABSOLUTE_TTL: '1h' },
    });
    try {
      const { refreshToken } = await registered(t.gql);
      const next = await refresh(refreshToken);
      const replay = (await otherSecret.gql(REFRESH, { refreshToken })).body.data.refreshToken;
      expect(replay.__typename).toBe('InvalidRefreshTokenError');
      expect(await meStatus(next.accessToken)).toBe(200);
      expect((await refresh(next.refreshToken)).__typename).toBe('AuthSuccess');
    } finally {
      await otherSecret.close();
    }
  });
});

describe('session details and upkeep', () => {
  it('records the user agent and the client address through trusted proxies at sign-in', async () => {
    const proxied = await startTestApp({ db: t.db, redisPrefix: t.redisPrefix, env: { TRUST_PROXY_HOPS: '1' } });
    try {
      const { input } = await registered(proxied.gql);
      const res = await fetch(proxied.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'PhoneApp/1.0',
          'x-forwarded-for': '6.6.6.6, 203.0.113.7',
        },
        body: JSON.stringify({ query: LOGIN, variables: { email: input.email, password: input.password } }),
      });
      const phone = ((await res.json()) as any).data.login.accessToken;
      const sessions = (await proxied.gql(SESSIONS, {}, phone)).body.data.sessions;
      expect(sessions.find((s: { current: boolean }) => s.current)).toMatchObject({ userAgent: 'PhoneApp/1.0', ipAddress: '203.0.113.7' });
    } finally {
      await proxied.close();
    }
  });

  it('answers SESSION_NOT_FOUND for an id that is not a session id at all', async () => {
    const { token } = await registered(t.gql);
    expect((await t.gql(REVOKE, { id: 'not-a-uuid' }, token)).body.data.revokeSession.code).toBe('SESSION_NOT_FOUND');
  });

  it('prunes sessions a day after they ended, with their refresh tokens', async () => {
    const { token, user } = await registered(t.gql);
    await t.gql(LOGOUT, {}, token);
    const count = async (sql: string) => (await t.db.query(sql, [user.id])).rows[0].n as number;
    const sessionsSql = 'select count(*)::int as n from sessions where user_id = $1';
    const tokensSql = 'select count(*)::int as n from refresh_tokens r join sessions s on s.id = r.session_id where s.user_id = $1';
    expect(await count(sessionsSql)).toBe(1);
    await t.app.runTasks();
    expect(await count(sessionsSql)).toBe(1);
    later(25 * 3600);
    await t.app.runTasks();
    expect(await count(sessionsSql)).toBe(0);
    expect(await count(tokensSql)).toBe(0);
  });
});
