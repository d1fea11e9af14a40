import type { RateLimiter } from '../../core/RateLimiter';
import type { RedisClient } from './connect';
import type { ResilientRedis } from './ResilientRedis';

/** Attempt counters in Redis (`<prefix>rl:<rule>:<key>`), shared by every instance. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: ResilientRedis,
    private readonly prefix: string,
  ) {}

  private run<T>(command: (client: RedisClient) => Promise<T>): Promise<T> {
    return this.redis.run(command);
  }

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
