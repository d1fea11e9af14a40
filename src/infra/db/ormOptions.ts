import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Migrator } from '@mikro-orm/migrations';
import type { EntityClass } from '@mikro-orm/core';
import { PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { PGliteDriver } from 'mikro-orm-pglite';
import type { Config } from '../../config';
import type { Logger } from '../logger';
import type { DependencyBreaker } from '../DependencyBreaker';
import { isConnectivityFailure } from '../dependencyFailures';
import { migrationsList } from '../../../migrations';

// Resolved from this file so the same options work from the sources (`<root>/migrations`, `.ts`) and
// from the build (`dist/migrations`, `.js`).
const MIGRATIONS_DIR = path.resolve(__dirname, '../../../migrations');

export type DatabaseSettings = Pick<Config, 'databaseUrl' | 'dataDir' | 'dbPoolMax' | 'dependencyTimeoutMs'> & {
  /** Every entity of the service (src/entities.ts): the database layer does not know the features. */
  readonly entities: readonly EntityClass<object>[];
};

export function usesEmbeddedDatabase(settings: Pick<Config, 'databaseUrl'>): boolean {
  return settings.databaseUrl === undefined;
}

/**
 * One set of MikroORM options for the app, the CLI, the checks and the tests. `purpose: 'migrate'` is
 * for the short-lived connection that applies migrations: no query time limit (a migration may take
 * long, and so may waiting for another instance's migration lock).
 */
export function buildOrmOptions(
  settings: DatabaseSettings,
  logger?: Logger,
  purpose: 'serve' | 'migrate' = 'serve',
  /** For the serving pool: told of connection failures, and its trips retire the pooled connections. */
  breaker?: DependencyBreaker,
): Options {
  const common: Options = {
    entities: [...settings.entities],
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
    // The database is created (if missing) by openMigratedDatabase, race-safely; not by MikroORM.init.
    ensureDatabase: false,
    // Queries are not logged: they would carry email addresses and password hashes.
    debug: false,
    allowGlobalContext: false,
  };

  if (usesEmbeddedDatabase(settings)) {
    const dir = embeddedDatabaseDir(settings.dataDir);
    return {
      ...common,
      driver: PGliteDriver as unknown as typeof PostgreSqlDriver,
      dbName: 'postgres',
      driverOptions: {
        connection: { pglite: () => new PGlite(dir) },
        // One connection only: a request that cannot get it fails like on PostgreSQL, not after 60 s.
        acquireConnectionTimeout: settings.dependencyTimeoutMs,
      },
    };
  }

  return {
    ...common,
    driver: PostgreSqlDriver,
    clientUrl: settings.databaseUrl,
    pool: {
      min: 0,
      max: purpose === 'serve' ? settings.dbPoolMax : 2,
      afterCreate: (connection: PgConnection, done: (error: Error | null, connection: PgConnection) => void) => {
        watchConnection(connection, breaker);
        done(null, connection);
      },
      // A connection made before the dependency was last seen down may be half-open (the network
      // dropped it without a word): it is replaced rather than handed to a request to time out on.
      ...(breaker && { validate: (connection: PgConnection) => connection[GENERATION] === breaker.generation }),
    },
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
      connection: {
        connectionTimeoutMillis: settings.dependencyTimeoutMs,
        // A query gets twice the dependency timeout. The client-side limit also covers a connection
        // that stops answering (a black-holed network): the server-side one alone would never fire.
        ...(purpose === 'serve' && {
          statement_timeout: 2 * settings.dependencyTimeoutMs,
          query_timeout: 2 * settings.dependencyTimeoutMs,
        }),
        keepAlive: true,
      },
    },
  };
}

/**
 * The folder PGlite keeps its files in: `DATA_DIR/pglite`, a folder of its own, because initdb refuses a
 * folder that holds anything else (the `lost+found` of a fresh volume, the mail outbox). A DATA_DIR made
 * by the earlier layout, with PGlite's files directly in it (its `PG_VERSION` there), is used as it is.
 * Creates the folder (PGlite does not create parents), and refuses one that holds files but no database
 * with a message that says so, instead of initdb's bare exit status.
 */
export function embeddedDatabaseDir(dataDir: string): string {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return dataDir;
  const dir = path.join(dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(path.join(dir, 'PG_VERSION')) && readdirSync(dir).length > 0) {
    throw new Error(`${dir} holds files but no embedded database (no PG_VERSION in it): empty or remove it, or set another DATA_DIR`);
  }
  return dir;
}

const GENERATION = Symbol('breaker generation');

/** The parts of a `pg` client that `watchConnection` touches. */
interface PgConnection {
  query: (...args: unknown[]) => unknown;
  on(event: 'error', listener: (error: Error) => void): void;
  connection?: { stream?: { destroy(): void } };
  [GENERATION]?: number;
}

/**
 * Two things every pooled connection does on failure:
 * - After `query_timeout` fires, pg fails the query but keeps the connection, with the unanswered query
 *   still in flight: back in the pool, every later query on it would time out too. So a connection whose
 *   query timed out is destroyed; pg then reports it ended, knex marks it disposed and the pool replaces it.
 * - A failure that means PostgreSQL cannot be reached (no answer, a dropped connection, a shutdown)
 *   trips the breaker, so the next requests fail at once instead of each waiting for its own timeout.
 */
function watchConnection(client: PgConnection, breaker: DependencyBreaker | undefined): void {
  if (breaker) client[GENERATION] = breaker.generation;
  const query = client.query.bind(client);
  client.query = (...args: unknown[]) => {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: Error | null, ...rest: unknown[]) => {
        if (error?.message === 'Query read timeout') client.connection?.stream?.destroy();
        if (error && isConnectivityFailure(error)) breaker?.trip(error.message);
        return callback(error, ...rest);
      };
    }
    return query(...args);
  };
  // An idle connection whose socket fails (the server went away) says so only here.
  client.on('error', (error) => breaker?.trip(error.message));
}
