/**
 * Where live access tokens are recorded. A token is valid only while its entry exists: `revokeSession`
 * and `revokeAllForUser` make tokens dead at once, and entries expire on their own with
 * their token.
 *
 * Implementations: `RedisTokenAllowlist` (shared by every instance) and `MemoryTokenAllowlist`
 * (zero-config development, one process only). Both throw `ServiceUnavailableError` when the store
 * cannot answer in time, so callers fail closed.
 */
/** What `lookup` found: whether the token is live, and the user's cached profile. */
export interface ViewerLookup {
  live: boolean;
  /** The cached profile as stored by `cacheProfile`, or null when there is none. */
  profile: string | null;
  /** The cache's state when this lookup ran; handed back to `cacheProfile` (opaque). */
  generation: string | null;
}

export interface TokenAllowlist {
  /** Records a token of a session until `expiresAt`. Resolves only once the store has it. */
  add(userId: string, sessionId: string, jti: string, expiresAt: Date): Promise<void>;
  /** True while the token is recorded for this user and not expired. */
  isLive(userId: string, jti: string): Promise<boolean>;
  /**
   * `isLive` and the user's cached profile together, so that `me` is one round trip. The store keeps
   * the profile next to the user's tokens because it is read on the same requests; a store may keep
   * none (profile always null).
   */
  lookup(userId: string, jti: string): Promise<ViewerLookup>;
  /**
   * Caches a profile read from the database after a `lookup` missed, unless `forgetProfile` ran since
   * that lookup (the generation moved on): a profile read before a change is never cached after it.
   */
  cacheProfile(userId: string, generation: string | null, profile: string, ttlSeconds: number): Promise<void>;
  /** Drops the user's cached profile; called once a change to the user's row has committed. */
  forgetProfile(userId: string): Promise<void>;
  /** Revokes every live token of one session; returns how many were live. */
  revokeSession(userId: string, sessionId: string): Promise<number>;
  /** Revokes every live token of the user in one call; returns how many were live. */
  revokeAllForUser(userId: string): Promise<number>;
  /** Answers when the store is reachable (for readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
