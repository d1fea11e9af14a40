import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startRedisCluster, type RedisCluster } from '../helpers/redisDeployments';
import { LOGIN, LOGOUT, ME, registered, startTestApp, UPDATE_ME, type TestApp } from '../helpers/testApp';

/**
 * The whole service against a real Redis Cluster of three masters, each with a replica
 * (REDIS_CLUSTER_URLS), started and stopped here. Each user's keys share a hash tag, so every multi-key
 * command and script stays on one slot, while different users' keys spread over the nodes.
 */
let cluster: RedisCluster;
let masters: number[];
let t: TestApp;
beforeAll(async () => {
  // Three masters, each with a replica that takes over when its master dies.
  cluster = await startRedisCluster(3, 1);
  masters = [];
  for (const port of cluster.ports) if ((await cli(port, 'role')).startsWith('master')) masters.push(port);
  // REDIS_URL is set to empty (unset) so that the cluster is the only Redis configured; two seed nodes.
  t = await startTestApp({ env: { REDIS_URL: '', REDIS_CLUSTER_URLS: cluster.urls.slice(0, 2).join(',') } });
}, 90_000);
afterAll(async () => {
  await t?.close();
  await cluster?.stop();
});

const LOGOUT_EVERYWHERE = 'mutation { logoutEverywhere }';

/** How many of this test's keys each master holds (replicas hold copies). */
async function keysPerMaster(): Promise<number[]> {
  return Promise.all(
    masters.map(async (port) => (await cli(port, '--scan', '--pattern', `${t.redisPrefix}*`)).split('\n').filter(Boolean).length),
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
    const perMaster = await keysPerMaster();
    expect(perMaster.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);

    const { user } = users[0];
    const keys = (await Promise.all(masters.map((port) => cli(port, '--scan', '--pattern', `${t.redisPrefix}*{${user.id}}*`))))
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
    const counters = (await Promise.all(masters.map((port) => cli(port, '--scan', '--pattern', `${t.redisPrefix}rl:*`))))
      .join('\n')
      .split('\n')
      .filter(Boolean);
    expect(counters.length).toBeGreaterThan(0);
  });

  // Last: it changes the cluster.
  it('rides out a dead master: its users get 503 (never 500), the others are served, then its replica takes over', async () => {
    const users = await Promise.all(Array.from({ length: 12 }, () => registered(t.gql)));
    const masterOf = async (userId: string) => {
      for (const port of masters) {
        if ((await cli(port, '--scan', '--pattern', `${t.redisPrefix}at:{${userId}}:*`)).trim()) return port;
      }
      throw new Error('token not found on any master');
    };
    const homes = await Promise.all(users.map(({ user }) => masterOf(user.id)));
    const victim = homes[0];
    const onVictim = users.filter((_, i) => homes[i] === victim);
    const elsewhere = users.filter((_, i) => homes[i] !== victim);
    expect(elsewhere.length).toBeGreaterThan(0);

    const nodes = (await cli(victim, 'cluster', 'nodes')).trim().split('\n').map((line) => line.split(' '));
    const victimId = nodes.find((fields) => fields[2].includes('myself'))![0];
    const replica = Number(/:(\d+)@/.exec(nodes.find((fields) => fields[3] === victimId)![1])![1]);
    // The replica must have the tokens before its master dies (replication is asynchronous).
    for (const { user } of onVictim) {
      await waitUntil(async () => (await cli(replica, '--scan', '--pattern', `${t.redisPrefix}at:{${user.id}}:*`)).trim() !== '');
    }
    // Hold the failover back, and let the other masters serve their slots meanwhile, so that the
    // service must work with one master dead: a fresh connection has to come up without it.
    await cli(replica, 'config', 'set', 'cluster-replica-no-failover', 'yes');
    for (const port of cluster.ports) await cli(port, 'config', 'set', 'cluster-require-full-coverage', 'no');

    await cluster.killNode(victim);
    const expectUnavailable = (res: Awaited<ReturnType<typeof t.gql>>) => {
      expect(res.status).toBe(503);
      expect(res.body.errors![0].extensions!.code).toBe('SERVICE_UNAVAILABLE');
      expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|ECONN|CLUSTERDOWN|offline/i);
    };
    await waitUntil(async () => {
      const res = await t.gql(ME, {}, onVictim[0].token);
      expectUnavailable(res);
      return t.logs.some((line) => line.includes('redis connection replaced'));
    });
    for (const { token, user } of elsewhere.slice(0, 3)) {
      await waitUntil(async () => (await t.gql(ME, {}, token)).status === 200);
      expect((await t.gql(ME, {}, token)).body.data.me.id).toBe(user.id);
    }
    expect(t.logs.some((line) => line.includes('"level":"error"') && line.includes('redis'))).toBe(true);

    // Now the replica takes over; the dead master's users are served again.
    await cli(replica, 'config', 'set', 'cluster-replica-no-failover', 'no');
    await waitUntil(async () => {
      const res = await t.gql(ME, {}, onVictim[0].token);
      if (res.status === 200) return true;
      expectUnavailable(res);
      return false;
    }, 30_000);
    for (const { token, user } of [...onVictim, ...elsewhere.slice(0, 3)]) {
      expect((await t.gql(ME, {}, token)).body.data.me.id).toBe(user.id);
    }
    // Writes reach the promoted replica too: logging out everywhere still works for that user.
    expect((await t.gql(LOGOUT_EVERYWHERE, {}, onVictim[0].token)).body.data.logoutEverywhere).toBe(true);
    expect((await t.gql(ME, {}, onVictim[0].token)).status).toBe(401);
  }, 90_000);
});

/** Polls until `check` is true; fails (with the service's Redis log lines) after `timeoutMs`. */
async function waitUntil(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`condition not reached in ${timeoutMs} ms; redis log lines:\n${t.logs.filter((l) => /redis/i.test(l)).slice(-10).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
