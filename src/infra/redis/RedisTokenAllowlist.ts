import type { TokenAllowlist } from '../../core/TokenAllowlist';
import type { ResilientRedis } from './ResilientRedis';

/**
 * Reads a user's index and deletes the matching tokens (those of one session, or all when ARGV[2] is
 * empty) as one atomic step: a token recorded while this runs is either revoked with the rest or
 * recorded after it, never missed. Index members are "<sessionId>/<jti>". Every key touched shares the
 * user's hash tag (one cluster slot).
 */
const REVOKE_SCRIPT = `
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
local revoked = 0
for _, member in ipairs(members) do
  local sid, jti = string.match(member, '^([^/]*)/(.*)$')
  if jti and (ARGV[2] == '' or sid == ARGV[2]) then
    revoked = revoked + redis.call('DEL', ARGV[1] .. jti)
    redis.call('ZREM', KEYS[1], member)
  end
end
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1]) end
return revoked
`;

/**
 * Allowlist in Redis, shared by every instance of the service.
 *
 * Keys (the `{userId}` hash tag keeps a user's keys in one Redis Cluster slot, so the multi-key
 * transactions below stay valid on a cluster):
 *   <prefix>at:{<userId>}:<jti>   the token's session id, expires at the token's `exp`
 *   <prefix>user:{<userId>}:at    sorted set of "<sessionId>/<jti>" scored by expiry: the per-user
 *                                 index that makes "revoke a session" and "revoke all" one call
 * The profile cache (RedisProfileStore) keeps its keys under the same hash tag, so `me` reads both in
 * one round trip on one node.
 * Needs Redis 7 or newer (PEXPIREAT with NX/GT).
 */
export class RedisTokenAllowlist implements TokenAllowlist {
  /** Every command goes through the shared connection: time limit, reconnection, failing fast. */
  private readonly call: ResilientRedis['run'];

  constructor(
    redis: ResilientRedis,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {
    this.call = (command) => redis.run(command);
  }

  async add(userId: string, sessionId: string, jti: string, expiresAt: Date): Promise<void> {
    const index = this.indexKey(userId);
    const expiry = expiresAt.getTime();
    await this.call((client) =>
      client
        .multi()
        .set(this.tokenKey(userId, jti), sessionId, { expiration: { type: 'PXAT', value: expiry } })
        .zAdd(index, { score: expiry, value: `${sessionId}/${jti}` })
        // Prune entries of tokens that expired on their own, so the index stays small.
        .zRemRangeByScore(index, '-inf', this.now())
        // The index lives as long as its longest-lived token: NX sets a first expiry, GT extends it.
        .pExpireAt(index, expiry, 'NX')
        .pExpireAt(index, expiry, 'GT')
        .exec(),
    );
  }

  async isLive(userId: string, jti: string): Promise<boolean> {
    return (await this.call((client) => client.exists(this.tokenKey(userId, jti)))) === 1;
  }

  revokeSession(userId: string, sessionId: string): Promise<number> {
    return this.revokeMatching(userId, sessionId);
  }

  revokeAllForUser(userId: string): Promise<number> {
    return this.revokeMatching(userId, '');
  }

  private async revokeMatching(userId: string, sessionId: string): Promise<number> {
    const revoked = await this.call((client) =>
      client.eval(REVOKE_SCRIPT, {
        keys: [this.indexKey(userId)],
        arguments: [this.tokenKey(userId, ''), sessionId],
      }),
    );
    return Number(revoked);
  }

  private tokenKey(userId: string, jti: string): string {
    return `${this.prefix}at:{${userId}}:${jti}`;
  }

  private indexKey(userId: string): string {
    return `${this.prefix}user:{${userId}}:at`;
  }
}
