import { ADMIN_DATABASE_URL, canConnect, REDIS_URL } from './services';

/**
 * The integration tests need a real PostgreSQL and Redis. If either is missing the run stops here, at
 * once, saying what is missing and how to start it: no test is skipped silently.
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
  if (missing.length > 0) {
    throw new Error(`The test suite needs real services:\n  - ${missing.join('\n  - ')}`);
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
