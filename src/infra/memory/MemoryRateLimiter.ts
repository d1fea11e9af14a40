import type { RateLimiter } from '../../core/RateLimiter';

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
