import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  LOGIN,
  LOGOUT,
  ME,
  newUser,
  REGISTER,
  registered,
  startTestApp,
  UPDATE_ME,
  type TestApp,
} from '../helpers/testApp';
import { REDIS_URL } from '../helpers/services';
import { TcpProxy } from '../helpers/TcpProxy';

/** Nothing a client sees may carry a stack trace, SQL, or driver/host text. */
function expectNoLeak(text: string) {
  expect(text).not.toMatch(/stack|\bat [\w.]+ \(|select |insert |update "|ECONN|127\.0\.0\.1|redis|postgres|knex|mikro/i);
}

describe('when Redis is unreachable', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  beforeAll(async () => {
    const target = new URL(REDIS_URL);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const port = await proxy.start();
    t = await startTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, NODE_ENV: 'production', DEPENDENCY_TIMEOUT_MS: '1500' } });
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.stop();
  });

  for (const mode of ['down', 'hang'] as const) {
    it(`fails closed with SERVICE_UNAVAILABLE within ~2 s when Redis is ${mode}, then recovers`, async () => {
      const { token, input } = await registered(t.gql);
      proxy.setMode(mode);
      try {
        for (const [query, variables] of [
          [ME, {}],
          [UPDATE_ME, { input: { firstName: 'Eve' } }],
          [LOGOUT, {}],
        ] as const) {
          const started = Date.now();
          const res = await t.gql(query, variables, token);
          expect(Date.now() - started).toBeLessThan(2500);
          expect(res.status).toBe(503);
          expect(res.body.errors![0].extensions!.code).toBe('SERVICE_UNAVAILABLE');
          expectNoLeak(res.text);
        }

        // Login checks the password but issues no token it could not record.
        const started = Date.now();
        const login = await t.gql(LOGIN, { email: input.email, password: input.password });
        expect(Date.now() - started).toBeLessThan(2500);
        expect(login.body.errors![0].extensions!.code).toBe('SERVICE_UNAVAILABLE');
        expect(login.text).not.toContain('accessToken');
        expectNoLeak(login.text);

        // Registration rolls back: the account is not left behind without its token.
        const fresh = newUser();
        const reg = await t.gql(REGISTER, { input: fresh });
        expect(reg.body.errors![0].extensions!.code).toBe('SERVICE_UNAVAILABLE');
        const { rows } = await t.db.query('select count(*)::int as n from users where email = $1', [fresh.email]);
        expect(rows[0].n).toBe(0);
        // The profile was not changed by the refused updateMe.
        const { rows: names } = await t.db.query('select first_name from users where email = $1', [input.email]);
        expect(names[0].first_name).toBe('Ada');
      } finally {
        proxy.setMode('up');
      }

      // Back: the old token works again (it was never revoked) and new logins succeed.
      await expect
        .poll(async () => (await t.gql(ME, {}, token)).body.data?.me?.email, { timeout: 10_000, interval: 200 })
        .toBe(input.email);
      expect((await t.gql(LOGIN, { email: input.email, password: input.password })).body.data.login.__typename).toBe('AuthSuccess');
    });
  }
});

describe('health and readiness', () => {
  it('/healthz stays 200 while /readyz says which dependency is down, without versions or addresses', async () => {
    const target = new URL(REDIS_URL);
    const redisProxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const redisPort = await redisProxy.start();
    const db = await createTestDatabase();
    const dbTarget = new URL(db.url);
    const pgProxy = new TcpProxy({ host: dbTarget.hostname, port: Number(dbTarget.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.host = `127.0.0.1:${await pgProxy.start()}`;
    const app = await startTestApp({
      db,
      env: { REDIS_URL: `redis://127.0.0.1:${redisPort}`, DATABASE_URL: viaProxy.toString(), DEPENDENCY_TIMEOUT_MS: '1000' },
    });
    const get = async (path: string) => {
      const res = await fetch(app.url.replace('/graphql', path));
      return { status: res.status, text: await res.text() };
    };
    try {
      expect(await get('/healthz')).toEqual({ status: 200, text: '{"status":"ok"}' });
      expect(await get('/readyz')).toEqual({
        status: 200,
        text: '{"status":"ready","checks":{"database":"up","tokenStore":"up"}}',
      });

      redisProxy.setMode('down');
      expect((await get('/healthz')).status).toBe(200);
      const noRedis = await get('/readyz');
      expect(noRedis.status).toBe(503);
      expect(JSON.parse(noRedis.text)).toEqual({ status: 'unavailable', checks: { database: 'up', tokenStore: 'down' } });

      redisProxy.setMode('up');
      pgProxy.setMode('down');
      const noDatabase = await get('/readyz');
      expect(noDatabase.status).toBe(503);
      expect(JSON.parse(noDatabase.text).checks.database).toBe('down');
      expect(noDatabase.text).not.toMatch(/127\.0\.0\.1|postgres|redis:|version/i);
      expect((await get('/healthz')).status).toBe(200);

      pgProxy.setMode('up');
      await expect.poll(async () => (await get('/readyz')).status, { timeout: 10_000, interval: 200 }).toBe(200);
    } finally {
      await app.close();
      await redisProxy.stop();
      await pgProxy.stop();
      await db.drop();
    }
  });
});

describe('when PostgreSQL is unreachable', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  beforeAll(async () => {
    const db = await createTestDatabase();
    const target = new URL(db.url);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const port = await proxy.start();
    const viaProxy = new URL(db.url);
    viaProxy.host = `127.0.0.1:${port}`;
    t = await startTestApp({ env: { DATABASE_URL: viaProxy.toString(), NODE_ENV: 'production', DEPENDENCY_TIMEOUT_MS: '1500' }, db });
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.stop();
    await t?.db.drop();
  });

  for (const mode of ['down', 'hang'] as const) {
    it(`answers SERVICE_UNAVAILABLE cleanly when PostgreSQL is ${mode}, stays up, and recovers`, async () => {
      const { token, input } = await registered(t.gql);
      proxy.setMode(mode);
      try {
        for (const [query, variables, auth] of [
          [ME, {}, token],
          [LOGIN, { email: input.email, password: input.password }, undefined],
          [REGISTER, { input: newUser() }, undefined],
          [UPDATE_ME, { input: { firstName: 'Eve' } }, token],
        ] as const) {
          const started = Date.now();
          const res = await t.gql(query, variables, auth);
          expect(Date.now() - started).toBeLessThan(5000);
          expect(res.body.errors![0].extensions!.code).toBe('SERVICE_UNAVAILABLE');
          expect(res.status).toBe(503);
          expectNoLeak(res.text);
        }
      } finally {
        proxy.setMode('up');
      }
      await expect
        .poll(async () => (await t.gql(ME, {}, token)).body.data?.me?.email, { timeout: 15_000, interval: 250 })
        .toBe(input.email);
      expect((await t.gql(LOGIN, { email: input.email, password: input.password })).body.data.login.__typename).toBe('AuthSuccess');
    });
  }
});

describe('when Redis is down at start', () => {
  it('still comes up, fails closed, and serves once Redis is back', async () => {
    const target = new URL(REDIS_URL);
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const port = await proxy.start();
    proxy.setMode('down');
    const t = await startTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, DEPENDENCY_TIMEOUT_MS: '1000' } });
    try {
      const input = newUser();
      const refused = await t.gql(REGISTER, { input });
      expect(refused.body.errors![0].extensions!.code).toBe('SERVICE_UNAVAILABLE');
      proxy.setMode('up');
      await expect
        .poll(async () => (await t.gql(REGISTER, { input })).body.data?.register?.__typename, { timeout: 15_000, interval: 250 })
        .toBe('AuthSuccess');
    } finally {
      await t.close();
      await proxy.stop();
    }
  });
});

describe('circuit breakers', () => {
  /** The dependency timeout of these instances: a request that waits for it is not failing fast. */
  const TIMEOUT_MS = 1500;

  async function breakerCase(
    dependency: 'redis' | 'database',
    mode: 'down' | 'hang',
    start: () => Promise<{ t: TestApp; proxy: TcpProxy; cleanup(): Promise<void> }>,
  ) {
    const { t, proxy, cleanup } = await start();
    try {
      const { token } = await registered(t.gql);
      const needsIt = () => t.gql(UPDATE_ME, { input: { firstName: 'Grace' } }, token);
      expect((await needsIt()).body.data.updateMe.__typename).toBe('UpdateMeSuccess');

      proxy.setMode(mode);
      // The first request finds out (within the timeout), and trips the breaker.
      expect((await needsIt()).status).toBe(503);
      const durations: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        const res = await needsIt();
        durations.push(performance.now() - started);
        expect(res.status).toBe(503);
        expect(res.body.errors![0].extensions!.code).toBe('SERVICE_UNAVAILABLE');
        expect(res.headers.get('retry-after')).toBe('1');
        expectNoLeak(res.text);
      }
      // Without the breaker each of these waited the whole timeout (or more).
      expect(Math.max(...durations)).toBeLessThan(TIMEOUT_MS / 3);
      const metrics = await (await fetch(t.url.replace('/graphql', '/metrics'))).text();
      expect(metrics).toContain(`auth_dependency_up{dependency="${dependency}"} 0`);
      const downLines = t.logs.filter((line) => line.includes('dependency down: failing fast until it answers'));
      expect(downLines.length).toBe(1);
      expect(JSON.parse(downLines[0]).dependency).toBe(dependency);

      proxy.setMode('up');
      const back = performance.now();
      await expect
        .poll(async () => (await needsIt()).body.data?.updateMe?.__typename, { timeout: 10_000, interval: 50 })
        .toBe('UpdateMeSuccess');
      return performance.now() - back;
    } finally {
      proxy.setMode('up');
      await cleanup();
    }
  }

  const viaRedisProxy = async () => {
    const target = new URL(REDIS_URL);
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const port = await proxy.start();
    const t = await startTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, DEPENDENCY_TIMEOUT_MS: String(TIMEOUT_MS) } });
    return { t, proxy, cleanup: async () => (await t.close(), await proxy.stop()) };
  };
  const viaDatabaseProxy = async () => {
    const db = await createTestDatabase();
    const target = new URL(db.url);
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.host = `127.0.0.1:${await proxy.start()}`;
    const t = await startTestApp({ db, env: { DATABASE_URL: viaProxy.toString(), DEPENDENCY_TIMEOUT_MS: String(TIMEOUT_MS) } });
    return { t, proxy, cleanup: async () => (await t.close(), await proxy.stop(), await db.drop()) };
  };

  it('Redis down: after the first failure requests fail at once with Retry-After, and serve again within a second of its return', async () => {
    expect(await breakerCase('redis', 'down', viaRedisProxy)).toBeLessThan(1000);
  });

  it('Redis hanging: the same, and a fresh connection replaces the stuck one', async () => {
    expect(await breakerCase('redis', 'hang', viaRedisProxy)).toBeLessThan(TIMEOUT_MS + 1000);
  });

  it('PostgreSQL down: after the first failure requests fail at once, and serve again within a second of its return', async () => {
    expect(await breakerCase('database', 'down', viaDatabaseProxy)).toBeLessThan(1000);
  });

  it('PostgreSQL hanging: the same; pooled connections from before the outage are replaced, not waited on', async () => {
    expect(await breakerCase('database', 'hang', viaDatabaseProxy)).toBeLessThan(TIMEOUT_MS + 1000);
  });
});
