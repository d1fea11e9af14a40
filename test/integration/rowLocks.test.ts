import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ENTITIES } from '../../src/entities';
import { openMigratedDatabase } from '../../src/infra/db/database';
import { silentLogger } from '../../src/infra/logger';
import { lockUser } from '../../src/users/users';
import { createTestDatabase, registered, startTestApp, type TestApp } from '../helpers/testApp';

/**
 * What the account's row lock (`lockUser`) must and must not block. It serialises the changes of one
 * account, but must let rows that merely reference the account be written meanwhile (a security log
 * entry, a session): a flow holding another row and writing such a reference, against one holding the
 * account and waiting for that row, would otherwise deadlock (seen: logout against logoutEverywhere).
 */
let t: TestApp;
let orm: MikroORM;
let other: Client;
beforeAll(async () => {
  t = await startTestApp({ db: await createTestDatabase() });
  orm = await openMigratedDatabase({ databaseUrl: t.db.url, dataDir: '', dbPoolMax: 2, dependencyTimeoutMs: 5000, entities: ENTITIES }, silentLogger);
  other = new Client({ connectionString: t.db.url, statement_timeout: 1500 });
  await other.connect();
});
afterAll(async () => {
  await other?.end();
  await orm?.close(true);
  await t?.close();
  await t?.db.drop();
});

describe('lockUser', () => {
  it("lets others write rows that reference the account, and keeps out other lockers and sign-ins' share locks", async () => {
    const { user } = await registered(t.gql);
    await orm.em.fork().transactional(async (em) => {
      expect((await lockUser(em, user.id))?.id).toBe(user.id);
      // A reference to the account is written at once (its foreign key takes FOR KEY SHARE).
      await other.query('insert into security_events (user_id, type, created_at) values ($1, $2, now())', [user.id, 'SIGNED_IN']);
      // Another change of the account, and a sign-in's re-check, wait (here: time out).
      await expect(other.query('select id from users where id = $1 for no key update', [user.id])).rejects.toThrow(/statement timeout/);
      await expect(other.query('select id from users where id = $1 for share', [user.id])).rejects.toThrow(/statement timeout/);
    });
    expect(await lockUser(orm.em.fork(), '00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});
