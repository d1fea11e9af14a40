import { afterAll, describe, expect, it } from 'vitest';
import { findMigrationDrift } from '../../scripts/migration-drift';
import { ADMIN_DATABASE_URL } from '../helpers/services';
import { createTestDatabase, gqlClient, registered, startTestApp, type TestApp } from '../helpers/testApp';

describe('migrations', () => {
  it('are complete: after applying them, the entities need no further change', async () => {
    expect(await findMigrationDrift(ADMIN_DATABASE_URL)).toEqual([]);
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
      expect(rows).toHaveLength(1);
      const applied = apps.flatMap((a) => a.logs.filter((l) => l.includes('"migrations applied"')));
      expect(applied).toHaveLength(1);
      for (const app of apps) await registered(gqlClient(app.url));
    });
  });
});
