import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
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
export async function openMigratedDatabase(settings: DatabaseSettings, logger: Logger): Promise<MikroORM> {
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
  return MikroORM.init(buildOrmOptions(settings, logger));
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
