import { randomBytes } from 'node:crypto';
import type { CachedProfile, ProfileStore } from '../../core/TokenAllowlist';
import type { ResilientRedis } from './ResilientRedis';

/**
 * Stores a profile only while the generation is still the one the reader saw before it read the
 * database. `forget` moves the generation on after every committed change, so a profile read before a
 * change can never be stored after it (the race a plain "delete on write" leaves open).
 */
const FILL_SCRIPT = `
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`;

/** How long a generation outlives the change that set it: far longer than any read that began before. */
const GENERATION_TTL_SECONDS = 3600;

/**
 * The profile cache in Redis. Keys share the user's hash tag with the allowlist's, so `me`'s two reads
 * (is the token live? what is the profile?) go to one cluster node, in one round trip (node-redis
 * pipelines commands sent together):
 *   <prefix>profile:{<userId>}      the profile (JSON), for PROFILE_CACHE_TTL
 *   <prefix>profile:{<userId>}:gen  a random value replaced by every `forget`
 */
export class RedisProfileStore implements ProfileStore {
  constructor(
    private readonly redis: ResilientRedis,
    private readonly prefix: string,
  ) {}

  async read(userId: string): Promise<CachedProfile> {
    const [profile, generation] = await this.redis.run((client) => client.mGet([this.profileKey(userId), this.generationKey(userId)]));
    return { profile, generation };
  }

  async fill(userId: string, generation: string | null, profile: string, ttlSeconds: number): Promise<void> {
    await this.redis.run((client) =>
      client.eval(FILL_SCRIPT, {
        keys: [this.profileKey(userId), this.generationKey(userId)],
        arguments: [generation ?? '', profile, String(ttlSeconds)],
      }),
    );
  }

  async forget(userId: string): Promise<void> {
    await this.redis.run((client) =>
      client
        .multi()
        .set(this.generationKey(userId), randomBytes(12).toString('base64url'), { expiration: { type: 'EX', value: GENERATION_TTL_SECONDS } })
        .del(this.profileKey(userId))
        .exec(),
    );
  }

  private profileKey(userId: string): string {
    return `${this.prefix}profile:{${userId}}`;
  }

  private generationKey(userId: string): string {
    return `${this.prefix}profile:{${userId}}:gen`;
  }
}
