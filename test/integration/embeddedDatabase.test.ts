import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase } from '../../src/infra/db/database';
import { ENTITIES } from '../../src/entities';
import { silentLogger } from '../../src/infra/logger';
import { runServiceToExit } from '../helpers/spawnService';

const dir = mkdtempSync(path.join(tmpdir(), 'auth-embedded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = (dataDir: string) => ({ databaseUrl: undefined, dataDir, dbPoolMax: 2, dependencyTimeoutMs: 5000, entities: ENTITIES });

describe('the embedded database folder', () => {
  it('keeps using a DATA_DIR of the earlier layout (PGlite files directly in it), where they are', async () => {
    const legacy = path.join(dir, 'legacy');
    const made = new PGlite(legacy);
    await made.exec("create table kept (note text); insert into kept values ('from before')");
    await made.close();

    const orm = await openMigratedDatabase(settings(legacy), silentLogger);
    try {
      expect(await orm.em.fork().execute('select note from kept')).toEqual([{ note: 'from before' }]);
      expect(await orm.em.fork().execute('select count(*)::int as n from users')).toEqual([{ n: 0 }]);
    } finally {
      await orm.close(true);
    }
    expect(existsSync(path.join(legacy, 'pglite'))).toBe(false);
  }, 60_000);

  it('refuses a database folder that holds other files, saying so instead of "[object Object]"', async () => {
    const dataDir = path.join(dir, 'occupied');
    mkdirSync(path.join(dataDir, 'pglite'), { recursive: true });
    writeFileSync(path.join(dataDir, 'pglite', 'notes.txt'), 'not a database');
    const { code, output } = await runServiceToExit({ DATA_DIR: dataDir }, dir);
    expect(code).toBe(1);
    expect(output).toContain(`Failed to start: ${path.join(dataDir, 'pglite')} holds files but no embedded database`);
    expect(output).not.toContain('[object Object]');
  }, 30_000);
});
