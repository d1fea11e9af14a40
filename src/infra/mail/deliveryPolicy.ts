/**
 * When a message that failed to send is tried again, and when it is given up: pure, so the rules are
 * unit-tested without a database or a mail server.
 */

/** The longest wait between two attempts, however many failed before. */
export const MAX_RETRY_DELAY_MS = 5 * 60_000;

export interface FailedAttempt {
  /** Attempts made so far, this one included. */
  attempts: number;
  expiresAt: Date;
}

export type AfterFailure = { kind: 'retry'; at: Date } | { kind: 'give-up' };

/**
 * Exponential back-off from `retryBaseMs` (base, 2x, 4x ... capped at five minutes), until the
 * message expires: a message is never dropped for having failed often, only for being too old to be
 * of use (its link expired, or MAIL_MAX_AGE passed).
 */
export function afterFailure(message: FailedAttempt, now: Date, retryBaseMs: number): AfterFailure {
  const delay = Math.min(retryBaseMs * 2 ** Math.min(message.attempts - 1, 30), MAX_RETRY_DELAY_MS);
  const at = new Date(now.getTime() + delay);
  if (now.getTime() >= message.expiresAt.getTime()) return { kind: 'give-up' };
  // A retry after the deadline would only be given up: try once more at the deadline instead.
  return { kind: 'retry', at: at.getTime() > message.expiresAt.getTime() ? message.expiresAt : at };
}

/** A message's deadline: its link's expiry when it carries one, never later than the maximum age. */
export function expiryOf(createdAt: Date, maxAgeSeconds: number, linkTtlSeconds?: number): Date {
  const age = Math.min(maxAgeSeconds, linkTtlSeconds ?? Infinity);
  return new Date(createdAt.getTime() + age * 1000);
}
