/**
 * Counts attempts per key in fixed windows. `hit` records one attempt and says whether it is still
 * within the limit, atomically: concurrent attempts cannot slip past the limit together (the count
 * is taken, then compared; there is no check-then-increment gap).
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowSeconds: number): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
  /** Whether a key is already at its limit, without counting an attempt. */
  peek(key: string, limit: number): Promise<{ allowed: boolean; retryAfterSeconds: number }>;
  /** Forgets a key's attempts (a successful login clears the account's failures). */
  reset(key: string): Promise<void>;
}
