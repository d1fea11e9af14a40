import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import { buildOrmOptions, usesEmbeddedDatabase, type DatabaseSettings } from './ormOptions';

// An arbitrary constant shared by every instance: the advisory lock that serialises migrations.
const MIGRATION_LOCK_ID = 7_210_402_113;

export async function openDatabase(settings: DatabaseSettings, logger?: Logger): Promise<MikroORM> {
  return MikroORM.init(buildOrmOptions(settings, logger));
}

/**
 * Applies pending migrations. Several instances may start at once, so on PostgreSQL the work runs while
 * holding a transaction-scoped advisory lock: the first instance migrates, the others wait and then find
 * nothing left to do. (Embedded PGlite is single-process by construction and has one connection.)
 */
export async function migrate(orm: MikroORM, settings: DatabaseSettings, logger: Logger): Promise<void> {
  const migrator = orm.getMigrator();
  const run = async () => {
    const applied = await migrator.up();
    if (applied.length > 0) logger.info('migrations applied', { migrations: applied.map((m) => m.name) });
  };
  if (usesEmbeddedDatabase(settings)) return run();

  // Creates the database named in DATABASE_URL if it does not exist yet (needs the CREATEDB right, as
  // on a developer's local server). Two instances may race to create it: the loser just retries.
  const generator = orm.getSchemaGenerator();
  await generator.ensureDatabase().catch(() => generator.ensureDatabase());

  const knex = orm.em.getConnection().getKnex();
  await knex.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_ID]);
    await run();
  });
}
