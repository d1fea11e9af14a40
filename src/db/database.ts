import { MikroORM } from '@mikro-orm/postgresql';
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

  const migrating = await MikroORM.init(buildOrmOptions(settings, logger, 'migrate'));
  try {
    // Creates the database named in DATABASE_URL if it does not exist yet (needs the CREATEDB right,
    // as on a developer's local server). Two instances may race to create it: the loser retries.
    const generator = migrating.getSchemaGenerator();
    await generator.ensureDatabase().catch(() => generator.ensureDatabase());
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

async function applyMigrations(orm: MikroORM, logger: Logger): Promise<void> {
  const applied = await orm.getMigrator().up();
  if (applied.length > 0) logger.info('migrations applied', { migrations: applied.map((m) => m.name) });
}
