import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startRedisCluster, type RedisCluster } from '../helpers/redisDeployments';
import { LOGIN, LOGOUT, ME, registered, startTestApp, UPDATE_ME, type TestApp } from '../helpers/testApp';

/**
 * The whole service against a real three-node Redis Cluster (REDIS_CLUSTER_URLS), started and stopped
 * here. Each user's keys share a hash tag, so every multi-key command and script stays on one slot,
 * while different users' keys spread over the nodes.
 */
let cluster: RedisCluster;
let t: TestApp;
beforeAll(async () => {
  cluster = await startRedisCluster(3);
  // REDIS_URL is set to empty (unset) so that the cluster is the only Redis configured.
  t = await startTestApp({ env: { REDIS_URL: '', REDIS_CLUSTER_URLS: cluster.urls.slice(0, 2).join(',') } });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await cluster?.stop();
});

const LOGOUT_EVERYWHERE = 'mutation { logoutEverywhere }';

/** Which node holds each of this test's keys, counted per node. */
async function keysPerNode(): Promise<number[]> {
  return Promise.all(
    cluster.ports.map(async (port) => (await cli(port, '--scan', '--pattern', `${t.redisPrefix}*`)).split('\n').filter(Boolean).length),
  );
}

describe('on a Redis Cluster', () => {
  it('is ready, and serves register, login, me and updateMe', async () => {
    const ready = await fetch(t.url.replace('/graphql', '/readyz'));
    expect(ready.status).toBe(200);
    const { token, input, user } = await registered(t.gql);
    expect((await t.gql(ME, {}, token)).body.data.me.id).toBe(user.id);
    expect((await t.gql(UPDATE_ME, { input: { firstName: 'Grace' } }, token)).body.data.updateMe.__typename).toBe('UpdateMeSuccess');
    expect((await t.gql(ME, {}, token)).body.data.me.firstName).toBe('Grace');
    const login = (await t.gql(LOGIN, { email: input.email, password: input.password })).body.data.login;
    expect(login.__typename).toBe('AuthSuccess');
    expect((await t.gql(ME, {}, login.accessToken)).status).toBe(200);
  });

  it('spreads users over the nodes, and keeps each user\'s keys in one slot', async () => {
    const users = await Promise.all(Array.from({ length: 12 }, () => registered(t.gql)));
    const perNode = await keysPerNode();
    expect(perNode.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);

    const { user } = users[0];
    const keys = (await Promise.all(cluster.ports.map((port) => cli(port, '--scan', '--pattern', `${t.redisPrefix}*{${user.id}}*`))))
      .join('\n')
      .split('\n')
      .filter(Boolean);
    expect(keys.length).toBeGreaterThanOrEqual(2); // the token and the user's token index at least
    const slots = new Set(await Promise.all(keys.map(async (key) => (await cli(cluster.ports[0], 'cluster', 'keyslot', key)).trim())));
    expect(slots.size).toBe(1);
  });

  it('logs out one session, then every session of a user, through the per-user token index', async () => {
    const { token, input } = await registered(t.gql);
    const sessions = [token];
    for (let i = 0; i < 3; i++) {
      sessions.push((await t.gql(LOGIN, { email: input.email, password: input.password })).body.data.login.accessToken);
    }
    for (const access of sessions) expect((await t.gql(ME, {}, access)).status).toBe(200);

    expect((await t.gql(LOGOUT, {}, sessions[3])).body.data.logout).toBe(true);
    expect((await t.gql(ME, {}, sessions[3])).status).toBe(401);
    expect((await t.gql(ME, {}, sessions[0])).status).toBe(200);

    expect((await t.gql(LOGOUT_EVERYWHERE, {}, sessions[0])).body.data.logoutEverywhere).toBe(true);
    for (const access of sessions) expect((await t.gql(ME, {}, access)).status).toBe(401);
  });

  it('counts failed logins in the cluster (attempt limits work there too)', async () => {
    const { input } = await registered(t.gql);
    const wrong = await t.gql(LOGIN, { email: input.email, password: 'not the password at all' });
    expect(wrong.body.data.login.__typename).toBe('InvalidCredentialsError');
    const counters = (await Promise.all(cluster.ports.map((port) => cli(port, '--scan', '--pattern', `${t.redisPrefix}rl:*`))))
      .join('\n')
      .split('\n')
      .filter(Boolean);
    expect(counters.length).toBeGreaterThan(0);
  });

  // Last: it breaks the cluster.
  it('fails closed for the users whose slot is on a dead node, and keeps serving the others', async () => {
    const users = await Promise.all(Array.from({ length: 12 }, () => registered(t.gql)));
    const nodeOf = async (userId: string) => {
      for (const port of cluster.ports) {
        if ((await cli(port, '--scan', '--pattern', `${t.redisPrefix}at:{${userId}}:*`)).trim()) return port;
      }
      throw new Error('token not found on any node');
    };
    const homes = await Promise.all(users.map(({ user }) => nodeOf(user.id)));
    const victim = homes[0];
    const onVictim = users.filter((_, i) => homes[i] === victim);
    const elsewhere = users.filter((_, i) => homes[i] !== victim);
    expect(elsewhere.length).toBeGreaterThan(0);

    await cluster.killNode(victim);
    const down = await t.gql(ME, {}, onVictim[0].token);
    expect(down.status).toBe(503);
    expect(down.body.errors![0].extensions!.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(down.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|cluster/i);
    for (const { token, user } of elsewhere.slice(0, 3)) {
      expect((await t.gql(ME, {}, token)).body.data.me.id).toBe(user.id);
    }
  });
});
