import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { gqlClient, LOGIN, LOGOUT, ME, newUser, REFRESH, REGISTER } from '../helpers/testApp';
import { runServiceToExit, startService } from '../helpers/spawnService';

const dir = mkdtempSync(path.join(tmpdir(), 'auth-zero-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('zero-config start (no DATABASE_URL, no REDIS_URL, no JWT_SECRET)', () => {
  it('comes up on embedded PostgreSQL and the in-process token store, says so, and serves the whole flow', async () => {
    const input = newUser();
    // A freshly mounted volume: DATA_DIR already holds something. The database gets a folder of its own.
    mkdirSync(path.join(dir, 'data', 'lost+found'), { recursive: true });
    const first = await startService({ DATA_DIR: path.join(dir, 'data'), BCRYPT_COST: '4' }, dir);
    try {
      const log = first.output();
      expect(log).toContain('DATABASE_URL is not set: using embedded PostgreSQL (PGlite)');
      expect(log).toContain('REDIS_URL is not set: using an in-process token store');
      expect(log).toContain('JWT_SECRET / JWT_KEYS not set');

      const gql = gqlClient(first.url);
      const registered = await gql(REGISTER, { input });
      expect(registered.body.data.register.__typename).toBe('AuthSuccess');
      const token = registered.body.data.register.accessToken;
      expect((await gql(ME, {}, token)).body.data.me.email).toBe(input.email);
      // Refresh runs in one transaction on the embedded database's single connection.
      const refreshed = await gql(REFRESH, { refreshToken: registered.body.data.register.refreshToken });
      expect(refreshed.body.data.refreshToken.__typename).toBe('AuthSuccess');
      expect((await gql(LOGOUT, {}, token)).body.data.logout).toBe(true);
      expect((await gql(ME, {}, token)).status).toBe(401);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(existsSync(path.join(dir, 'data', 'pglite', 'PG_VERSION'))).toBe(true);

    // The embedded database persists under DATA_DIR: the account survives a restart.
    // ... and a .env file in the working directory is read.
    writeFileSync(path.join(dir, '.env'), 'JWT_ISSUER=issuer-from-dotenv\n');
    const second = await startService({ DATA_DIR: path.join(dir, 'data'), BCRYPT_COST: '4' }, dir);
    try {
      const gql = gqlClient(second.url);
      const login = await gql(LOGIN, { email: input.email, password: input.password });
      expect(login.body.data.login.__typename).toBe('AuthSuccess');
      expect(decodeJwt(login.body.data.login.accessToken).iss).toBe('issuer-from-dotenv');
      expect((await gql(REGISTER, { input })).body.data.register.__typename).toBe('EmailTakenError');
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 90_000);

  it('refuses to start with bad configuration, naming every problem', async () => {
    const { code, output } = await runServiceToExit(
      { NODE_ENV: 'production', PORT: 'eighty', BCRYPT_COST: '99', DATABASE_URL: 'mysql://secret@db/x' },
      mkdtempSync(path.join(tmpdir(), 'auth-bad-config-')),
    );
    expect(code).toBe(1);
    expect(output).toContain('JWT_SECRET (or JWT_KEYS) is required when NODE_ENV=production');
    expect(output).toContain('REDIS_URL (or REDIS_CLUSTER_URLS, or REDIS_SENTINEL_URLS) is required when NODE_ENV=production');
    expect(output).toContain('PORT must be a whole number');
    expect(output).toContain('BCRYPT_COST must be a whole number from 4 to 16');
    expect(output).toContain('DATABASE_URL must start with postgres:// or postgresql://');
    expect(output).not.toContain('secret@db');
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM stops accepting, finishes the request in flight, and exits 0', async () => {
    const service = await startService({ DATA_DIR: path.join(dir, 'drain'), BCRYPT_COST: '13', HASH_THREADS: '1' }, dir);
    const gql = gqlClient(service.url);
    // A registration at bcrypt cost 13 takes a good fraction of a second: long enough to be in flight.
    const inFlight = gql(REGISTER, { input: newUser() });
    await new Promise((r) => setTimeout(r, 150));
    const exited = service.stop();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.body.data.register.__typename).toBe('AuthSuccess');
    expect(await exited).toBe(0);
    expect(service.output()).toContain('"msg":"shutting down"');
    await expect(fetch(service.url)).rejects.toThrow();
  }, 60_000);
});
