import { randomBytes } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sha256 } from '../core/digest';
import { AccountToken, type AccountTokenPurpose } from './AccountToken';
import type { User } from './User';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Single-use tokens sent by email (verify an address, reset a password, confirm a new address): 256
 * random bits, stored only as SHA-256, expiring, bound to one purpose and to the address they were sent
 * to. Issuing one of a purpose deletes the user's earlier unused ones of that purpose (a newer reset
 * link kills the older). A wrong, used and expired token look the same to the caller.
 */
export class LinkTokens {
  constructor(private readonly now: () => number) {}

  /** True for a string shaped like one of our tokens: anything else is refused before any lookup. */
  static plausible(token: string): boolean {
    return TOKEN.test(token);
  }

  /** The caller holds the user's row lock, so concurrent issues for one user cannot both survive. */
  async issue(em: EntityManager, user: User, purpose: AccountTokenPurpose, email: string, ttlSeconds: number): Promise<string> {
    await em.nativeDelete(AccountToken, { user: user.id, purpose, usedAt: null });
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    em.create(AccountToken, {
      tokenHash: sha256(token),
      user: user.id,
      purpose,
      email,
      createdAt: new Date(now),
      expiresAt: new Date(now + ttlSeconds * 1000),
    });
    await em.flush();
    return token;
  }

  /** Marks a live token of this purpose used and returns it; null for wrong, used or expired tokens. */
  async consume(em: EntityManager, token: string, purpose: AccountTokenPurpose): Promise<AccountToken | null> {
    if (!TOKEN.test(token)) return null;
    // Locked, so two concurrent uses of one token cannot both succeed.
    const found = await em.findOne(AccountToken, { tokenHash: sha256(token) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!found || found.purpose !== purpose || found.usedAt || found.expiresAt.getTime() <= this.now()) return null;
    found.usedAt = new Date(this.now());
    await em.flush();
    return found;
  }

  /** Unused tokens of these purposes die (after a password change: pending email changes and resets). */
  async revoke(em: EntityManager, userId: string, purposes: AccountTokenPurpose[]): Promise<void> {
    await em.nativeDelete(AccountToken, { user: userId, purpose: { $in: purposes }, usedAt: null });
  }

  /** Whether a token of this purpose was issued to the user since `since` (a cooldown on reset mail). */
  async issuedSince(em: EntityManager, userId: string, purpose: AccountTokenPurpose, since: Date): Promise<boolean> {
    return (await em.count(AccountToken, { user: userId, purpose, usedAt: null, createdAt: { $gt: since } })) > 0;
  }

  /** Deletes tokens that expired a day ago or more. */
  async pruneExpired(em: EntityManager): Promise<number> {
    return em.nativeDelete(AccountToken, { expiresAt: { $lt: new Date(this.now() - 86_400_000) } });
  }
}
