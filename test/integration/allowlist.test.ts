import { randomBytes, randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryTokenAllowlist } from '../../src/infra/memory/MemoryTokenAllowlist';
import { RedisTokenAllowlist } from '../../src/infra/redis/RedisTokenAllowlist';
import { connectRedis } from '../../src/infra/redis/connect';
import { ResilientRedis } from '../../src/infra/redis/ResilientRedis';
import type { TokenAllowlist } from '../../src/core/TokenAllowlist';
import { RedisProfileStore } from '../../src/infra/redis/RedisProfileStore';
import { silentLogger } from '../../src/infra/logger';
import { REDIS_URL } from '../helpers/services';
import { deleteRedisPrefix } from '../helpers/testApp';

/** One behavioural suite, run against both implementations: they must be interchangeable. */
function allowlistSuite(name: string, make: (now: () => number) => TokenAllowlist & { close?(): Promise<void> }) {
  describe(name, () => {
    let clock = Date.now();
    const store = make(() => clock);
    afterAll(() => store.close?.());
    const inMinutes = (m: number) => new Date(clock + m * 60_000);

    it('knows a token only while it is recorded, and only for its user', async () => {
      const user = randomUUID();
      const jti = randomUUID();
      expect(await store.isLive(user, jti)).toBe(false);
      await store.add(user, randomUUID(), jti, inMinutes(15));
      expect(await store.isLive(user, jti)).toBe(true);
      expect(await store.isLive(randomUUID(), jti)).toBe(false);
    });

    it('revokes the tokens of one session, and no other', async () => {
      const user = randomUUID();
      const [laptop, phone] = [randomUUID(), randomUUID()];
      const laptopTokens = [randomUUID(), randomUUID()];
      for (const jti of laptopTokens) await store.add(user, laptop, jti, inMinutes(15));
      const phoneToken = randomUUID();
      await store.add(user, phone, phoneToken, inMinutes(15));

      expect(await store.revokeSession(user, laptop)).toBe(2);
      for (const jti of laptopTokens) expect(await store.isLive(user, jti)).toBe(false);
      expect(await store.isLive(user, phoneToken)).toBe(true);
      expect(await store.revokeSession(user, laptop)).toBe(0);
    });

    it('revokes every token of one user in one call, and no one else\'s', async () => {
      const [alice, bob] = [randomUUID(), randomUUID()];
      const aliceTokens = [randomUUID(), randomUUID(), randomUUID()];
      for (const jti of aliceTokens) await store.add(alice, randomUUID(), jti, inMinutes(15));
      const bobToken = randomUUID();
      await store.add(bob, randomUUID(), bobToken, inMinutes(15));

      expect(await store.revokeAllForUser(alice)).toBe(3);
      for (const jti of aliceTokens) expect(await store.isLive(alice, jti)).toBe(false);
      expect(await store.isLive(bob, bobToken)).toBe(true);
      expect(await store.revokeAllForUser(alice)).toBe(0);
    });
  });
}

allowlistSuite('MemoryTokenAllowlist', (now) => new MemoryTokenAllowlist(now));

const prefix = `test:${randomBytes(6).toString('hex')}:`;
const connection = new ResilientRedis(() => connectRedis({ kind: 'standalone', url: REDIS_URL }, 2000, silentLogger), 2000, silentLogger);
afterAll(() => connection.close());
allowlistSuite('RedisTokenAllowlist', (now) => new RedisTokenAllowlist(connection, prefix, now));

describe('RedisTokenAllowlist storage', () => {
  const store = new RedisTokenAllowlist(connection, prefix);
  const redis = createClient({ url: REDIS_URL });
  afterAll(async () => {
    if (redis.isOpen) await redis.close();
    await deleteRedisPrefix(prefix);
  });

  it('expires each entry with its token, keeps the index alive as long as its longest token, and prunes it', async () => {
    await redis.connect();
    const user = randomUUID();
    const now = Date.now();
    await store.add(user, 'session', 'short', new Date(now + 60_000));
    await store.add(user, 'session', 'long', new Date(now + 600_000));
    await store.add(user, 'session', 'middle', new Date(now + 300_000));

    const shortTtl = await redis.pTTL(`${prefix}at:{${user}}:short`);
    expect(shortTtl).toBeGreaterThan(55_000);
    expect(shortTtl).toBeLessThanOrEqual(60_000);
    const indexTtl = await redis.pTTL(`${prefix}user:{${user}}:at`);
    expect(indexTtl).toBeGreaterThan(595_000);
    expect(indexTtl).toBeLessThanOrEqual(600_000);

    // A token that already expired is pruned from the index on the next add.
    const expiredUser = randomUUID();
    await redis.zAdd(`${prefix}user:{${expiredUser}}:at`, { score: now - 1000, value: 'session/stale' });
    await store.add(expiredUser, 'session', 'fresh', new Date(now + 60_000));
    expect(await redis.zRange(`${prefix}user:{${expiredUser}}:at`, 0, -1)).toEqual(['session/fresh']);
  });

  it('caches a profile next to the user\'s tokens; a profile read before a change is never cached after it', async () => {
    const profiles = new RedisProfileStore(connection, prefix);
    const user = randomUUID();
    await store.add(user, 'session', 'jti', new Date(Date.now() + 60_000));
    // Asked together, as `me` asks: both answer from the one connection.
    const [live, first] = await Promise.all([store.isLive(user, 'jti'), profiles.read(user)]);
    expect(live).toBe(true);
    expect(first.profile).toBeNull();
    expect(await store.isLive(user, 'other')).toBe(false);

    await profiles.fill(user, first.generation, '{"v":1}', 60);
    expect((await profiles.read(user)).profile).toBe('{"v":1}');

    // A reader looked up (generation g), then read the old row; meanwhile a change committed and
    // forgot the profile. The reader's late write must be refused.
    const reader = await profiles.read(user);
    await profiles.forget(user);
    await profiles.fill(user, reader.generation, '{"v":"stale"}', 60);
    const after = await profiles.read(user);
    expect(after.profile).toBeNull();
    expect(after.generation).not.toBe(reader.generation);

    // A reader that started after the change caches normally, for the TTL given.
    await profiles.fill(user, after.generation, '{"v":2}', 60);
    expect((await profiles.read(user)).profile).toBe('{"v":2}');
    const ttl = await redis.ttl(`${prefix}profile:{${user}}`);
    expect(ttl).toBeGreaterThan(55);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('keeps a user\'s keys in one cluster slot (hash tag on the user id)', async () => {
    const user = randomUUID();
    await store.add(user, 'session', 'a', new Date(Date.now() + 60_000));
    const keys: string[] = [];
    for await (const batch of redis.scanIterator({ MATCH: `${prefix}*{${user}}*` })) keys.push(...batch);
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key).toContain(`{${user}}`);
  });
});
