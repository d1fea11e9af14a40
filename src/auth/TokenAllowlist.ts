/**
 * Where live access tokens are recorded. A token is valid only while its entry exists: `revokeSession`
 * and `revokeAllForUser` make tokens dead at once, and entries expire on their own with
 * their token.
 *
 * Implementations: `RedisTokenAllowlist` (shared by every instance) and `MemoryTokenAllowlist`
 * (zero-config development, one process only). Both throw `ServiceUnavailableError` when the store
 * cannot answer in time, so callers fail closed.
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
  /** Answers when the store is reachable (for readiness checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
