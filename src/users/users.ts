import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ViewerGoneError } from '../core/errors';
import { User } from './User';

/** Reads the user under a row lock, serialising every change of this account until commit. */
export function lockUser(em: EntityManager, userId: string): Promise<User | null> {
  return em.findOne(User, { id: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
}

/** The viewer's user row; a live token whose user is gone counts as an invalid token. */
export async function viewerUser(em: EntityManager, userId: string, lock = false): Promise<User> {
  const user = lock ? await lockUser(em, userId) : await em.findOne(User, { id: userId });
  if (!user) throw new ViewerGoneError();
  return user;
}
