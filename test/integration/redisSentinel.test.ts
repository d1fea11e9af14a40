import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startRedisSentinel, type RedisSentinel } from '../helpers/redisDeployments';
import { LOGOUT, ME, registered, startTestApp, UPDATE_ME, type TestApp } from '../helpers/testApp';

/**
 * The service finding its Redis master through a real Sentinel (REDIS_SENTINEL_URLS). The master
 * requires a password and the Sentinel none, as often deployed: each gets its own credentials.
 */
const MASTER_PASSWORD = 'master-secret-for-tests';
let sentinel: RedisSentinel;
let t: TestApp;
beforeAll(async () => {
  sentinel = await startRedisSentinel({ masterPassword: MASTER_PASSWORD });
  t = await startTestApp({
    env: {
      REDIS_URL: '',
      REDIS_SENTINEL_URLS: sentinel.sentinelUrl,
      REDIS_SENTINEL_MASTER: sentinel.masterName,
      REDIS_SENTINEL_MASTER_PASSWORD: MASTER_PASSWORD,
    },
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await sentinel?.stop();
});

describe('through Redis Sentinel', () => {
  it('keeps tokens on the master Sentinel names: register, me, updateMe, logout', async () => {
    expect((await fetch(t.url.replace('/graphql', '/readyz'))).status).toBe(200);
    const { token, user } = await registered(t.gql);
    expect((await t.gql(ME, {}, token)).body.data.me.id).toBe(user.id);
    const onMaster = await cli(sentinel.masterPort, '-a', MASTER_PASSWORD, '--no-auth-warning', '--scan', '--pattern', `${t.redisPrefix}at:{${user.id}}:*`);
    expect(onMaster.trim()).not.toBe('');
    expect((await t.gql(UPDATE_ME, { input: { lastName: 'Hopper' } }, token)).body.data.updateMe.__typename).toBe('UpdateMeSuccess');
    expect((await t.gql(ME, {}, token)).body.data.me.lastName).toBe('Hopper');
    expect((await t.gql(LOGOUT, {}, token)).body.data.logout).toBe(true);
    expect((await t.gql(ME, {}, token)).status).toBe(401);
  });
});
