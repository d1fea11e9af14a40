import type { EphemeralStore } from '../../core/EphemeralStore';
import type { ResilientRedis } from './ResilientRedis';

/**
 * `EphemeralStore` in Redis, shared by every instance. Each operation is one command on one key
 * (`<prefix>eph:<key>`), atomic in Redis: GETDEL makes `take` single-use, SET NX makes `claim` first-wins.
 */
export class RedisEphemeralStore implements EphemeralStore {
  constructor(
    private readonly redis: ResilientRedis,
    private readonly prefix: string,
  ) {}

  async put(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.run((client) => client.set(this.key(key), value, { expiration: { type: 'EX', value: ttlSeconds } }));
  }

  get(key: string): Promise<string | null> {
    return this.redis.run((client) => client.get(this.key(key)));
  }

  take(key: string): Promise<string | null> {
    return this.redis.run((client) => client.getDel(this.key(key)));
  }

  async claim(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    const stored = await this.redis.run((client) =>
      client.set(this.key(key), value, { condition: 'NX', expiration: { type: 'EX', value: ttlSeconds } }),
    );
    return stored === 'OK';
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    const full = this.key(key);
    const [count] = (await this.redis.run((client) => client.multi().incr(full).expire(full, ttlSeconds, 'NX').exec())) as unknown as [number];
    return Number(count);
  }

  async delete(key: string): Promise<void> {
    await this.redis.run((client) => client.del(this.key(key)));
  }

  private key(key: string): string {
    return `${this.prefix}eph:${key}`;
  }
}
