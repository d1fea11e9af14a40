import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../helpers/services';
import { startService, type SpawnedService } from '../helpers/spawnService';
import {
  createTestDatabase,
  deleteRedisPrefix,
  gqlClient,
  LOGIN,
  LOGOUT,
  ME,
  REFRESH,
  registered,
  TEST_JWT_SECRET,
  UPDATE_ME,
} from '../helpers/testApp';

/** Two separate service processes sharing one PostgreSQL and one Redis, as behind a load balancer. */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let a: SpawnedService;
let b: SpawnedService;
const prefix = `test:${randomBytes(6).toString('hex')}:`;
const dir = mkdtempSync(path.join(tmpdir(), 'auth-multi-'));

beforeAll(async () => {
  db = await createTestDatabase();
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET: TEST_JWT_SECRET,
    REFRESH_TOKEN_SECRET: 'test-refresh-secret-0123456789abcdef0123456789',
    BCRYPT_COST: '4',
    LOG_LEVEL: 'info',
  };
  // Started one by one, so that if the second fails the first is still stopped in afterAll.
  a = await startService(env, dir);
  b = await startService(env, dir);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
  await deleteRedisPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
});

describe('two instances on one PostgreSQL and Redis', () => {
  it('serve the same users: a token from one works on the other, and so does its refresh token', async () => {
    const onA = gqlClient(a.url);
    const onB = gqlClient(b.url);
    const { token, refreshToken, input } = await registered(onA);
    expect((await onB(ME, {}, token)).body.data.me.email).toBe(input.email);
    const refreshed = (await onB(REFRESH, { refreshToken })).body.data.refreshToken;
    expect(refreshed.__typename).toBe('AuthSuccess');
    expect((await onA(ME, {}, refreshed.accessToken)).status).toBe(200);
  });

  it('see each other\'s profile changes at once, though each answers me from the shared cache', async () => {
    const onA = gqlClient(a.url);
    const onB = gqlClient(b.url);
    const { token, user } = await registered(onA);
    expect((await onA(ME, {}, token)).body.data.me.firstName).toBe('Ada');
    // The profile is now cached (filled after the response) and shared by both instances.
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    try {
      for (let i = 0; i < 100 && !(await redis.exists(`${prefix}profile:{${user.id}}`)); i++) await new Promise((r) => setTimeout(r, 20));
      expect(await redis.exists(`${prefix}profile:{${user.id}}`)).toBe(1);
    } finally {
      await redis.close();
    }
    expect((await onB(ME, {}, token)).body.data.me.firstName).toBe('Ada');
    expect((await onB(UPDATE_ME, { input: { firstName: 'Grace' } }, token)).body.data.updateMe.__typename).toBe('UpdateMeSuccess');
    expect((await onA(ME, {}, token)).body.data.me.firstName).toBe('Grace');
    expect((await onA(UPDATE_ME, { input: { firstName: 'Ada' } }, token)).body.data.updateMe.__typename).toBe('UpdateMeSuccess');
    expect((await onB(ME, {}, token)).body.data.me.firstName).toBe('Ada');
  });

  it('honour a logout made on the other at once', async () => {
    const onA = gqlClient(a.url);
    const onB = gqlClient(b.url);
    const { input } = await registered(onA);
    const session = (await onB(LOGIN, { email: input.email, password: input.password })).body.data.login;
    expect((await onA(ME, {}, session.accessToken)).status).toBe(200);
    expect((await onB(LOGOUT, {}, session.accessToken)).body.data.logout).toBe(true);
    expect((await onA(ME, {}, session.accessToken)).status).toBe(401);
    expect((await onA(REFRESH, { refreshToken: session.refreshToken })).body.data.refreshToken.__typename).toBe(
      'InvalidRefreshTokenError',
    );
  });
});
