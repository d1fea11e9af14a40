import type { TokenAllowlist } from '../../core/TokenAllowlist';

interface Entry {
  sessionId: string;
  expiresAt: number;
}

/**
 * In-process allowlist for zero-config development. It lives in this process only: tokens die on
 * restart and a second instance would not see them, which is why start-up logs a warning when used.
 */
export class MemoryTokenAllowlist implements TokenAllowlist {
  /** userId -> (jti -> entry) */
  private readonly byUser = new Map<string, Map<string, Entry>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  async add(userId: string, sessionId: string, jti: string, expiresAt: Date): Promise<void> {
    let tokens = this.byUser.get(userId);
    if (!tokens) this.byUser.set(userId, (tokens = new Map()));
    tokens.set(jti, { sessionId, expiresAt: expiresAt.getTime() });
  }

  async isLive(userId: string, jti: string): Promise<boolean> {
    const entry = this.byUser.get(userId)?.get(jti);
    return entry !== undefined && entry.expiresAt > this.now();
  }

  async revokeSession(userId: string, sessionId: string): Promise<number> {
    return this.revokeWhere(userId, (entry) => entry.sessionId === sessionId);
  }

  async revokeAllForUser(userId: string): Promise<number> {
    return this.revokeWhere(userId, () => true);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.byUser.clear();
  }

  private revokeWhere(userId: string, matches: (entry: Entry) => boolean): number {
    const tokens = this.byUser.get(userId);
    if (!tokens) return 0;
    const now = this.now();
    let live = 0;
    for (const [jti, entry] of tokens) {
      if (!matches(entry)) continue;
      if (entry.expiresAt > now) live += 1;
      tokens.delete(jti);
    }
    return live;
  }

  private sweep(): void {
    const now = this.now();
    for (const [userId, tokens] of this.byUser) {
      for (const [jti, entry] of tokens) if (entry.expiresAt <= now) tokens.delete(jti);
      if (tokens.size === 0) this.byUser.delete(userId);
    }
  }
}
