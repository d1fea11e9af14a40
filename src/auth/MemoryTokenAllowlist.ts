import type { TokenAllowlist } from './TokenAllowlist';

/**
 * In-process allowlist for zero-config development. It lives in this process only: tokens die on
 * restart and a second instance would not see them, which is why start-up logs a warning when used.
 */
export class MemoryTokenAllowlist implements TokenAllowlist {
  /** userId -> (jti -> expiry in ms) */
  private readonly byUser = new Map<string, Map<string, number>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async add(userId: string, jti: string, expiresAt: Date): Promise<void> {
    let tokens = this.byUser.get(userId);
    if (!tokens) this.byUser.set(userId, (tokens = new Map()));
    tokens.set(jti, expiresAt.getTime());
  }

  async isLive(userId: string, jti: string): Promise<boolean> {
    const expiry = this.byUser.get(userId)?.get(jti);
    return expiry !== undefined && expiry > this.now();
  }

  async revoke(userId: string, jti: string): Promise<void> {
    const tokens = this.byUser.get(userId);
    tokens?.delete(jti);
    if (tokens?.size === 0) this.byUser.delete(userId);
  }

  async revokeAllForUser(userId: string): Promise<number> {
    const tokens = this.byUser.get(userId);
    this.byUser.delete(userId);
    if (!tokens) return 0;
    const now = this.now();
    return [...tokens.values()].filter((expiry) => expiry > now).length;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.byUser.clear();
  }

  private sweep(): void {
    const now = this.now();
    for (const [userId, tokens] of this.byUser) {
      for (const [jti, expiry] of tokens) if (expiry <= now) tokens.delete(jti);
      if (tokens.size === 0) this.byUser.delete(userId);
    }
  }
}
