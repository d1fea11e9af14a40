import { afterAll, describe, expect, it } from 'vitest';
import { migrationsList } from '../../migrations';
import { findMigrationDrift } from '../../scripts/migration-drift';
import { ADMIN_DATABASE_URL } from '../helpers/services';
import { createTestDatabase, gqlClient, registered, startTestApp, type TestApp } from '../helpers/testApp';

describe('migrations', () => {
  it('are complete: after applying them, the entities need no further change', async () => {
    expect(await findMigrationDrift(ADMIN_DATABASE_URL)).toEqual([]);
  });

  it('creates the database named in DATABASE_URL when it does not exist yet, even when instances race', async () => {
    const name = `auth_test_new_${Date.now()}`;
    const url = new URL(ADMIN_DATABASE_URL);
    url.pathname = `/${name}`;
    const { Client } = await import('pg');
    const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    try {
      // Several instances at once, as after a fresh deploy: one creates it, none fails.
      const apps = await Promise.all([1, 2, 3].map(() => startTestApp({ env: { DATABASE_URL: url.toString() } })));
      try {
        for (const app of apps) await registered(app.gql);
      } finally {
        for (const app of apps) await app.close();
      }
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  describe('several instances starting at once on a fresh database', () => {
    const apps: TestApp[] = [];
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    afterAll(async () => {
      for (const app of apps) await app.close();
      await db?.drop();
    });

    it('migrate exactly once (advisory lock) and all serve', async () => {
      db = await createTestDatabase();
      apps.push(...(await Promise.all([1, 2, 3].map(() => startTestApp({ db })))));
      const { rows } = await db.query('select name from mikro_orm_migrations');
      expect(rows.map((r: { name: string }) => r.name)).toEqual(migrationsList.map((m) => m.name));
      const applied = apps.flatMap((a) => a.logs.filter((l) => l.includes('"migrations applied"')));
      expect(applied).toHaveLength(1);
      for (const app of apps) await registered(gqlClient(app.url));
    });
  });
});
