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
  return lockedUser(em, 'id', userId, 'no key update');
}

/** `lockUser` for the account with this (normalised) address, found and locked in one statement. */
export function lockUserByEmail(em: EntityManager, email: string): Promise<User | null> {
  return lockedUser(em, 'email', email, 'no key update');
}

/**
 * The user's row under a shared lock, for a sign-in about to open a session: it waits for a change
 * holding `lockUser` and keeps one from starting until commit, while other sign-ins share it. Taken
 * before the credential's row, the order every change locks them in (the other way round deadlocks).
 */
export function shareLockUser(em: EntityManager, userId: string): Promise<User | null> {
  return lockedUser(em, 'id', userId, 'share');
}

async function lockedUser(em: EntityManager, column: 'id' | 'email', value: string, mode: 'no key update' | 'share'): Promise<User | null> {
  // One round trip: the locked row, mapped (and refreshed in the identity map) as findOne would.
  const [row] = await em.execute<Array<Record<string, unknown>>>(`select * from users where ${column} = ? for ${mode}`, [value]);
  return row ? em.map(User, row) : null;
}

/** The viewer's user row; a live token whose user is gone counts as an invalid token. */
export async function viewerUser(em: EntityManager, userId: string, lock = false): Promise<User> {
  const user = lock ? await lockUser(em, userId) : await em.findOne(User, { id: userId });
  if (!user) throw new ViewerGoneError();
  return user;
}
