import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { ADMIN_DATABASE_URL, canConnect, CHROMIUM_PATH, REDIS_URL } from './services';

/**
 * The integration tests need a real PostgreSQL and Redis, the Redis binaries and Chromium. If any is missing the
 * run stops here, at once, saying what is missing and how to get it: no test is skipped silently.
 */
export default async function globalSetup(): Promise<void> {
  const missing: string[] = [];
  if (!(await canConnect(ADMIN_DATABASE_URL))) {
    missing.push(
      `PostgreSQL is not reachable at ${redact(ADMIN_DATABASE_URL)} (set TEST_DATABASE_URL, or start it: ` +
        `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)`,
    );
  }
  if (!(await canConnect(REDIS_URL))) {
    missing.push(
      `Redis is not reachable at ${redact(REDIS_URL)} (set TEST_REDIS_URL, or start it: ` +
        `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no)`,
    );
  }
  // The Redis Cluster and Sentinel tests start their own servers from these binaries.
  for (const binary of ['redis-server', 'redis-cli']) {
    if (!onPath(binary)) {
      missing.push(`${binary} is not on PATH (the Redis Cluster and Sentinel tests start their own; Debian: apt install redis-server)`);
    }
  }
  // The browser test drives examples/web in it.
  if (!existsSync(CHROMIUM_PATH)) {
    missing.push(`Chromium is not installed at ${CHROMIUM_PATH} (the browser test needs it; Debian: apt-get install -y chromium; or set CHROMIUM_PATH)`);
  }
  if (missing.length > 0) {
    throw new Error(`The test suite needs real services:\n  - ${missing.join('\n  - ')}`);
  }
  await dropStaleTestDatabases();
}

/**
 * Each test file makes its own database and drops it; a run that was killed cannot. Databases named
 * auth_test_<unix time>_... older than two hours are such leftovers (no run lasts that long).
 */
async function dropStaleTestDatabases(): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>("select datname from pg_database where datname like 'auth\\_test\\_%'");
    const cutoff = Date.now() / 1000 - 2 * 3600;
    for (const { datname } of rows) {
      const created = Number(/^auth_test_(?:drift_)?(\d{10})_/.exec(datname)?.[1]);
      if (created < cutoff) await admin.query(`drop database if exists "${datname}" with (force)`);
    }
  } finally {
    await admin.end();
  }
}

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && existsSync(path.join(dir, binary)));
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
