import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { migrationsList } from '../migrations';
import { ENTITIES } from '../src/entities';
import { buildOrmOptions } from '../src/infra/db/ormOptions';

/**
 * Are the committed migrations complete? Applies every migration to a fresh, throwaway database and
 * asks MikroORM what it would still change to match the entities: the answer must be nothing. Also
 * checks that every migration file is in `migrations/index.ts`. Returns the problems found.
 */
export async function findMigrationDrift(adminUrl: string): Promise<string[]> {
  const problems: string[] = [];
  const dir = path.resolve(__dirname, '../migrations');
  const files = readdirSync(dir).filter((f) => /^Migration\d+.*\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, ''));
  const listed = new Set(migrationsList.map((m) => m.name));
  for (const file of files) if (!listed.has(file)) problems.push(`${file}.ts is not listed in migrations/index.ts`);

  const name = `auth_test_drift_${Math.floor(Date.now() / 1000)}_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let orm: MikroORM | undefined;
  try {
    await admin.query(`create database ${name}`);
    orm = await MikroORM.init(
      buildOrmOptions({ databaseUrl: url.toString(), dataDir: '', dbPoolMax: 2, dependencyTimeoutMs: 5000, entities: ENTITIES }, undefined, 'migrate'),
    );
    await orm.getMigrator().up();
    const pending = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    if (pending.trim() !== '') {
      problems.push(
        `the entities and migrations disagree; after all migrations the schema still needs:\n${pending.trim()}\n` +
          'Create a migration with `npm run migration:create` and add it to migrations/index.ts.',
      );
    }
  } finally {
    await orm?.close(true);
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
  return problems;
}

if (require.main === module) {
  const adminUrl = process.argv[2] ?? process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  findMigrationDrift(adminUrl).then(
    (problems) => {
      if (problems.length === 0) return console.log('migrations are complete: entities and migrations agree');
      console.error(problems.join('\n'));
      process.exit(1);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
