import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { PGliteDriver } from 'mikro-orm-pglite';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { entities } from '../entities';
import { migrationsList } from '../../migrations';

// Resolved from this file so the same options work from the sources (`<root>/migrations`, `.ts`) and
// from the build (`dist/migrations`, `.js`).
const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

export type DatabaseSettings = Pick<Config, 'databaseUrl' | 'dataDir' | 'dbPoolMax' | 'dependencyTimeoutMs'>;

export function usesEmbeddedDatabase(settings: DatabaseSettings): boolean {
  return settings.databaseUrl === undefined;
}

/** One set of MikroORM options for the app, the CLI, the checks and the tests. */
export function buildOrmOptions(settings: DatabaseSettings, logger?: Logger): Options {
  const common: Options = {
    entities,
    extensions: [Migrator],
    // Explicit column types everywhere: no reflection package, no runner-specific metadata.
    discovery: { warnWhenNoEntities: true },
    migrations: {
      // New migrations are written to the sources; the ones to run come from the static list.
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      migrationsList,
      // The snapshot is what `migration:create` diffs the entities against. Only the CLI config turns
      // it on: otherwise every start that applies a migration would rewrite the committed file.
      snapshot: false,
      // One snapshot name whatever the database is called.
      snapshotName: '.snapshot',
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      // Applied migrations are logged by us, as JSON like every other line.
      silent: true,
    },
    preferTs: __filename.endsWith('.ts'),
    // Queries are not logged: they would carry email addresses and password hashes.
    debug: false,
    allowGlobalContext: false,
  };

  if (usesEmbeddedDatabase(settings)) {
    // PGlite does not create parent folders itself.
    mkdirSync(settings.dataDir, { recursive: true });
    return {
      ...common,
      driver: PGliteDriver as unknown as typeof PostgreSqlDriver,
      dbName: 'postgres',
      driverOptions: { connection: { pglite: () => new PGlite(settings.dataDir) } },
    };
  }

  return {
    ...common,
    driver: PostgreSqlDriver,
    clientUrl: settings.databaseUrl,
    pool: { min: 0, max: settings.dbPoolMax },
    driverOptions: {
      // Fail a request within the dependency timeout when PostgreSQL is unreachable, instead of knex's
      // default of waiting 60 s for a connection.
      acquireConnectionTimeout: settings.dependencyTimeoutMs,
      // knex would otherwise put the whole SQL with its bound values (hashes, emails) in error messages.
      compileSqlOnError: false,
      // knex writes connection warnings with console.log; send them through our JSON logger instead.
      ...(logger && {
        log: {
          warn: (message: unknown) => logger.warn('database', { detail: String(message) }),
          error: (message: unknown) => logger.error('database', { detail: String(message) }),
          debug: () => undefined,
          deprecate: () => undefined,
        },
      }),
      connection: { connectionTimeoutMillis: settings.dependencyTimeoutMs, statement_timeout: 10_000 },
    },
  };
}
