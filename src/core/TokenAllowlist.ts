/**
 * Where live access tokens are recorded. A token is valid only while its entry exists: `revokeSession`
 * and `revokeAllForUser` make tokens dead at once, and entries expire on their own with their token.
 *
 * Implementations: `RedisTokenAllowlist` (shared by every instance) and `MemoryTokenAllowlist`
 * (zero-config development, one process only). Both fail closed (DependencyUnavailableError) when
 * the store cannot answer in time.
 */
export interface TokenAllowlist {
  /** Records a token of a session until `expiresAt`. Resolves only once the store has it. */
  add(userId: string, sessionId: string, jti: string, expiresAt: Date): Promise<void>;
  /** True while the token is recorded for this user and not expired. */
  isLive(userId: string, jti: string): Promise<boolean>;
  /** Revokes every live token of one session; returns how many were live. */
  revokeSession(userId: string, sessionId: string): Promise<number>;
  /** Revokes every live token of the user in one call; returns how many were live. */
  revokeAllForUser(userId: string): Promise<number>;
}

/** What the profile cache holds for a user: the profile as stored, and the cache's generation. */
export interface CachedProfile {
  /** As stored by `fill`, or null when there is none. */
  readonly profile: string | null;
  /** The cache's state when this was read; handed back to `fill` (opaque). */
  readonly generation: string | null;
}

/**
 * The profile `me` answers with, cached next to the user's tokens (in Redis: same hash tag, so read in
 * the same round trip as the allowlist check). Correct across updates and instances: `forget` runs after
 * every committed change of the user, and a profile read before a change is never stored after it
 * (`fill` writes only if no `forget` ran since `read`).
 */
export interface ProfileStore {
  read(userId: string): Promise<CachedProfile>;
  fill(userId: string, generation: string | null, profile: string, ttlSeconds: number): Promise<void>;
  forget(userId: string): Promise<void>;
}
