/**
 * Short-lived state shared by every instance: pending second-factor tickets, passkey challenges, the
 * state and PKCE values of a sign-in at another provider, used one-time codes. Everything expires on
 * its own; nothing here outlives its TTL, so nothing needs cleaning.
 *
 * Implementations: `RedisEphemeralStore` (shared by every instance) and `MemoryEphemeralStore`
 * (zero-config development, one process). Both fail closed: a store that cannot answer throws.
 */
export interface EphemeralStore {
  /** Stores a value for `ttlSeconds`, replacing any value under the key. */
  put(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** The value, without consuming it; null once taken, deleted or expired. */
  get(key: string): Promise<string | null>;
  /**
   * Reads and deletes in one step: of any number of concurrent takes, on any instances, exactly one
   * gets the value. What makes a challenge or a ticket single-use.
   */
  take(key: string): Promise<string | null>;
  /** Stores a value only if the key holds none; true when this call stored it (first use wins). */
  claim(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Adds one to a counter that expires `ttlSeconds` after its first increment; returns the new count. */
  increment(key: string, ttlSeconds: number): Promise<number>;
  delete(key: string): Promise<void>;
}
