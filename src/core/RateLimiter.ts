import type { RedisClient } from '../infra/redis/connect';

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

/** Runs one command on the shared Redis connection, failing closed (see RedisTokenAllowlist.run). */
export type RedisRunner = <T>(command: (client: RedisClient) => Promise<T>) => Promise<T>;

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly run: RedisRunner,
    private readonly prefix: string,
  ) {}

  async hit(key: string, limit: number, windowSeconds: number) {
    const full = `${this.prefix}rl:${key}`;
    const [count, , ttl] = (await this.run((client) =>
      client.multi().incr(full).pExpire(full, windowSeconds * 1000, 'NX').pTTL(full).exec(),
    )) as unknown as [number, number, number];
    return { allowed: Number(count) <= limit, retryAfterSeconds: Math.max(1, Math.ceil(Number(ttl) / 1000)) };
  }

  async peek(key: string, limit: number) {
    const full = `${this.prefix}rl:${key}`;
    const [count, ttl] = (await this.run((client) => client.multi().get(full).pTTL(full).exec())) as unknown as [
      string | null,
      number,
    ];
    return { allowed: Number(count ?? 0) < limit, retryAfterSeconds: Math.max(1, Math.ceil(Number(ttl) / 1000)) };
  }

  async reset(key: string) {
    await this.run((client) => client.del(`${this.prefix}rl:${key}`));
  }
}

/** Zero-config development: counters in this process. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, limit: number, windowSeconds: number) {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) this.windows.set(key, (window = { count: 0, endsAt: now + windowSeconds * 1000 }));
    window.count += 1;
    if (this.windows.size > 100_000) this.sweep(now);
    return { allowed: window.count <= limit, retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)) };
  }

  async peek(key: string, limit: number) {
    const now = this.now();
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now) return { allowed: true, retryAfterSeconds: 0 };
    return { allowed: window.count < limit, retryAfterSeconds: Math.max(1, Math.ceil((window.endsAt - now) / 1000)) };
  }

  async reset(key: string) {
    this.windows.delete(key);
  }

  private sweep(now: number) {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

/** No limits (RATE_LIMITS=off, for development). */
export const noRateLimits: RateLimiter = {
  hit: async () => ({ allowed: true, retryAfterSeconds: 0 }),
  peek: async () => ({ allowed: true, retryAfterSeconds: 0 }),
  reset: async () => undefined,
};
