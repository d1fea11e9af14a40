import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { DependencyBreaker } from '../DependencyBreaker';
import { isConnectivityFailure } from '../dependencyFailures';
import type { Logger } from '../logger';
import { buildOrmOptions, usesEmbeddedDatabase, type DatabaseSettings } from './ormOptions';

// An arbitrary constant shared by every instance: the advisory lock that serialises migrations.
const MIGRATION_LOCK_ID = 7_210_402_113;

/**
 * Opens the database for serving, with pending migrations applied first.
 *
 * On PostgreSQL, migrations run over a connection of their own (no query time limit) while holding a
 * transaction-scoped advisory lock: several instances may start at once; the first migrates, the others
 * wait and then find nothing left to do. Embedded PGlite is single-process by construction, has one
 * connection, and no time limits, so it migrates over the serving connection.
 */
export async function openMigratedDatabase(
  settings: DatabaseSettings,
  logger: Logger,
  /** Fails the serving pool's requests fast while PostgreSQL is down (not used for embedded PGlite). */
  breaker?: DependencyBreaker,
  /**
   * `require`: migrate nothing, and refuse a database that is not at this version's schema (an
   * operator's command run from another version than the instances serving it must not migrate them).
   */
  migrations: 'apply' | 'require' = 'apply',
): Promise<MikroORM> {
  if (migrations === 'require') {
    const orm = await MikroORM.init(buildOrmOptions(settings, logger));
    try {
      const pending = await orm.getMigrator().getPendingMigrations();
      if (pending.length > 0) {
        throw new Error(
          `the database is not at this version's schema (${pending.length} migration(s) pending): run the command from the version that serves it, or start this version's service first`,
        );
      }
    } catch (error) {
      await orm.close(true);
      throw error;
    }
    return orm;
  }
  if (usesEmbeddedDatabase(settings)) {
    const orm = await MikroORM.init(buildOrmOptions(settings, logger));
    try {
      await applyMigrations(orm, logger);
    } catch (error) {
      await orm.close(true);
      throw error;
    }
    return orm;
  }

  await createDatabaseIfMissing(settings.databaseUrl!, settings.dependencyTimeoutMs);
  const migrating = await MikroORM.init(buildOrmOptions(settings, logger, 'migrate'));
  try {
    await migrating.em
      .getConnection()
      .getKnex()
      .transaction(async (trx) => {
        await trx.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_ID]);
        await applyMigrations(migrating, logger);
      });
  } finally {
    await migrating.close(true);
  }
  const orm = await MikroORM.init(buildOrmOptions(settings, logger, 'serve', breaker));
  if (breaker) guardPool(orm, breaker);
  return orm;
}

/**
 * Every query and transaction of the serving pool starts by acquiring a connection: while the breaker
 * is open, that fails at once. A connection that cannot be made, or a wait for one that runs out (every
 * connection stuck on an unanswered query), trips it.
 */
function guardPool(orm: MikroORM, breaker: DependencyBreaker): void {
  const client = orm.em.getConnection().getKnex().client as { acquireConnection(): Promise<unknown> };
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = async () => {
    breaker.check();
    try {
      return await acquire();
    } catch (error) {
      if (error instanceof Error && isConnectivityFailure(error)) breaker.trip(error.message);
      throw error;
    }
  };
}

/** The breaker's probe: a connection of its own (the pool's may be stuck), one trivial query. */
export async function probeDatabase(databaseUrl: string, timeoutMs: number): Promise<void> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // A failed connection also reports here; the awaited calls below carry the failure.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    // end() waits for the server to close the connection, which a stuck server never does.
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      client.end().then(() => true, () => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!ended) (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }
}

/**
 * Creates the database named in DATABASE_URL if it does not exist yet (needs the CREATEDB right, as on
 * a developer's local server). Several instances may race to create it: "already exists" is success.
 */
async function createDatabaseIfMissing(databaseUrl: string, timeoutMs: number): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) return;
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString(), connectionTimeoutMillis: timeoutMs });
  try {
    await admin.connect();
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount === 0) await admin.query(`create database "${name.replace(/"/g, '""')}"`);
  } catch {
    // A lost race (42P04 duplicate_database, or 23505 when two CREATE DATABASE statements meet on the
    // catalog index) means the database now exists. Any other failure (no CREATEDB right, no "postgres"
    // database) is left for the real connection to report, should the database in fact be missing.
  } finally {
    await admin.end().catch(() => undefined);
  }
}

async function applyMigrations(orm: MikroORM, logger: Logger): Promise<void> {
  const applied = await orm.getMigrator().up();
  if (applied.length > 0) logger.info('migrations applied', { migrations: applied.map((m) => m.name) });
}
