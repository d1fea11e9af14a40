import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from './context';

/**
 * What happens to an account, as a fact other modules can react to. Published inside the transaction
 * that makes it true, so what reacts inside it (a security log entry, a notice in the mail outbox)
 * commits or rolls back with it; what reacts after commit (dropping a cached profile) runs only once
 * it is true. No event carries a password, a token or a hash.
 */
export type AccountEvent =
  | { readonly type: 'registered'; readonly userId: string; readonly email: string }
  | { readonly type: 'signed-in'; readonly userId: string; readonly sessionId: string; readonly methods: readonly string[] }
  /** A wrong credential for an account that exists (unknown accounts have nothing to record it on). */
  | { readonly type: 'sign-in-failed'; readonly userId: string }
  | { readonly type: 'password-changed'; readonly userId: string; readonly email: string }
  /**
   * `reclaimed`: the address had not been confirmed, so this reset is the first proof that the account
   * is its owner's. Whoever registered it may not have been (an attacker can register someone else's
   * address first and wait): every way in that signs in by itself (a passkey, a linked identity) added
   * before is removed with this event, each by the module that keeps it.
   */
  | { readonly type: 'password-reset'; readonly userId: string; readonly email: string; readonly reclaimed: boolean }
  | { readonly type: 'email-change-requested'; readonly userId: string; readonly email: string; readonly newEmail: string }
  | { readonly type: 'email-changed'; readonly userId: string; readonly oldEmail: string; readonly newEmail: string }
  | { readonly type: 'email-verified'; readonly userId: string }
  | { readonly type: 'profile-updated'; readonly userId: string }
  | { readonly type: 'session-revoked'; readonly userId: string; readonly sessionId: string }
  | { readonly type: 'signed-out-everywhere'; readonly userId: string }
  /** An operator removed the account's second factors and ended its sessions (`npm run admin`). */
  | { readonly type: 'second-factors-reset'; readonly userId: string; readonly email: string }
  | { readonly type: 'account-deleted'; readonly userId: string; readonly email: string }
  /**
   * Something happened to a way of signing in (an authenticator app, a passkey, a linked identity):
   * `kind` is declared by the feature that owns it (core/credentialEvents.ts).
   */
  | { readonly type: 'credential'; readonly userId: string; readonly email: string; readonly kind: string };

export type AccountEventType = AccountEvent['type'];

/** Where and when an event happened: from the request that caused it. */
export interface EventOrigin {
  readonly at: Date;
  readonly context: ServiceContext;
  /** The session of the request, when it came from a signed-in user. */
  readonly sessionId?: string;
}

/** A message for the mail outbox: written with the transaction, sent after it commits. */
export interface OutgoingMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** A message carrying a link is of no use once the link has expired: it is not sent after that. */
  readonly linkTtlSeconds?: number;
}

/** One database transaction, with what may be done in it besides queries. */
export interface Tx {
  readonly em: EntityManager;
  readonly origin: EventOrigin;
  /** Records an event: in-transaction listeners run now, after-commit ones once it commits. */
  publish(event: AccountEvent): Promise<void>;
  /** Puts a message in the mail outbox, in this transaction. */
  mail(message: OutgoingMail): void;
  /**
   * A step to run once the work is done, just before commit: writes to Redis (revoking tokens), which
   * cannot roll back, so they come after every database write that could still fail. If one fails,
   * the transaction rolls back.
   */
  beforeCommit(step: () => Promise<unknown>): void;
}

/** What a module does when an event happens. */
export interface EventListener {
  /** Runs inside the transaction; a failure rolls the change back. */
  inTransaction?(tx: Tx, event: AccountEvent): Promise<void>;
  /** Runs after commit; best effort (a failure is logged, the change stands). */
  afterCommit?(event: AccountEvent, origin: EventOrigin): Promise<void>;
}

/**
 * The listener of a module that keeps ways into accounts that sign in by themselves (passkeys, linked
 * identities): when a password reset reclaims an account, `forget` removes the user's, in the reset's
 * transaction, and `kind` (a credential event without a notice) records it when there were any.
 * Second factors stay: a reset is never a way around one, and one alone lets no one in.
 */
export function forgetWhenReclaimed(forget: (em: EntityManager, userId: string) => Promise<number>, kind: string): EventListener {
  return {
    inTransaction: async (tx, event) => {
      if (event.type !== 'password-reset' || !event.reclaimed) return;
      // The security log says what went (a credential event of the module's kind, with no notice of its
      // own: the reset's notice says it).
      if ((await forget(tx.em, event.userId)) > 0) await tx.publish({ type: 'credential', userId: event.userId, email: event.email, kind });
    },
  };
}
