import type { Config } from '../config';
import type { EphemeralStore } from '../core/EphemeralStore';
import type { RateLimiter } from '../core/RateLimiter';
import type { ProfileStore, TokenAllowlist } from '../core/TokenAllowlist';
import type { Logger } from './logger';
import { MemoryEphemeralStore } from './memory/MemoryEphemeralStore';
import { MemoryProfileStore } from './memory/MemoryProfileStore';
import { MemoryRateLimiter } from './memory/MemoryRateLimiter';
import { MemoryTokenAllowlist } from './memory/MemoryTokenAllowlist';
import { connectRedis } from './redis/connect';
import { RedisEphemeralStore } from './redis/RedisEphemeralStore';
import { RedisProfileStore } from './redis/RedisProfileStore';
import { RedisRateLimiter } from './redis/RedisRateLimiter';
import { RedisTokenAllowlist } from './redis/RedisTokenAllowlist';
import { ResilientRedis } from './redis/ResilientRedis';

/** Everything short-lived the service keeps: in Redis, shared by every instance, or in this process. */
export interface Stores {
  readonly allowlist: TokenAllowlist;
  readonly profiles: ProfileStore;
  readonly counters: RateLimiter;
  readonly ephemeral: EphemeralStore;
  /** The one Redis connection, when there is Redis. */
  readonly redis?: ResilientRedis;
  /** Answers when the store can be used (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The stores on Redis when it is configured. If Redis is down at start the service still comes up;
 * what needs it fails closed (SERVICE_UNAVAILABLE) until the client reconnects in the background.
 * Without Redis (zero-config development): the same stores in this process, for one instance only.
 */
export function openStores(config: Config, logger: Logger, now: () => number): Stores {
  if (config.redis) {
    const { redis: target, dependencyTimeoutMs, redisKeyPrefix: prefix } = config;
    const redis = new ResilientRedis(() => connectRedis(target, dependencyTimeoutMs, logger), dependencyTimeoutMs, logger);
    return {
      allowlist: new RedisTokenAllowlist(redis, prefix, now),
      profiles: new RedisProfileStore(redis, prefix),
      counters: new RedisRateLimiter(redis, prefix),
      ephemeral: new RedisEphemeralStore(redis, prefix),
      redis,
      ping: () => redis.ping(),
      close: () => redis.close(),
    };
  }
  logger.warn('REDIS_URL is not set: using an in-process token store; tokens live in this process only, do not run more than one instance');
  const allowlist = new MemoryTokenAllowlist(now);
  const ephemeral = new MemoryEphemeralStore(now);
  return {
    allowlist,
    profiles: new MemoryProfileStore(now),
    counters: new MemoryRateLimiter(now),
    ephemeral,
    ping: async () => undefined,
    close: async () => {
      await allowlist.close();
      ephemeral.close();
    },
  };
}
