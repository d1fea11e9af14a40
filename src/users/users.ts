import type { EntityManager } from '@mikro-orm/postgresql';
import { ViewerGoneError } from '../core/errors';
import { User } from './User';

/**
 * Reads the user under a row lock, serialising every change of this account until commit.
 *
 * `FOR NO KEY UPDATE`, not `FOR UPDATE`: it excludes every other lockUser and a sign-in's `FOR SHARE`,
 * but not the `FOR KEY SHARE` that PostgreSQL takes for a foreign key to the row. With `FOR UPDATE`,
 * a flow holding another row (a session being ended) and inserting something that references the user
 * (a security log entry) deadlocks with one holding the user and waiting for that row. Deleting the
 * user row still waits for every such reference, as it must.
 */
export function lockUser(em: EntityManager, userId: string): Promise<User | null> {
  return lockUserWhere(em, 'id', userId);
}

/** `lockUser` for the account with this (normalised) address, found and locked in one statement. */
export function lockUserByEmail(em: EntityManager, email: string): Promise<User | null> {
  return lockUserWhere(em, 'email', email);
}

async function lockUserWhere(em: EntityManager, column: 'id' | 'email', value: string): Promise<User | null> {
  // One round trip: the locked row, mapped (and refreshed in the identity map) as findOne would.
  const [row] = await em.execute<Array<Record<string, unknown>>>(`select * from users where ${column} = ? for no key update`, [value]);
  return row ? em.map(User, row) : null;
}

/** The viewer's user row; a live token whose user is gone counts as an invalid token. */
export async function viewerUser(em: EntityManager, userId: string, lock = false): Promise<User> {
  const user = lock ? await lockUser(em, userId) : await em.findOne(User, { id: userId });
  if (!user) throw new ViewerGoneError();
  return user;
}
