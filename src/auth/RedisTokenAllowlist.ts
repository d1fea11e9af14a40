import { randomBytes } from 'node:crypto';
import { ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';
import { throttledErrorLog, type RedisClient, type RedisConnection } from './redisConnection';
import type { TokenAllowlist, ViewerLookup } from './TokenAllowlist';

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
 * Caches a profile only while the generation is still the one the reader saw before it read the
 * database. `forgetProfile` moves the generation on after every committed change, so a profile read
 * before a change can never be stored after it (the race a plain "delete on write" leaves open).
 */
const CACHE_PROFILE_SCRIPT = `
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`;

/** How long a generation outlives the change that set it: far longer than any read that began before. */
const GENERATION_TTL_SECONDS = 3600;

/**
 * Allowlist in Redis, shared by every instance of the service.
 *
 * Keys (the `{userId}` hash tag keeps a user's keys in one Redis Cluster slot, so the multi-key
 * transactions below stay valid on a cluster):
 *   <prefix>at:{<userId>}:<jti>   the token's session id, expires at the token's `exp`
 *   <prefix>user:{<userId>}:at    sorted set of "<sessionId>/<jti>" scored by expiry: the per-user
 *                                 index that makes "revoke a session" and "revoke all" one call
 *   <prefix>profile:{<userId>}    the user's profile (JSON) for `me`, for a configured time
 *   <prefix>profile:{<userId>}:gen  a random value replaced by every `forgetProfile`
 * Needs Redis 7 or newer (PEXPIREAT with NX/GT).
 */
export class RedisTokenAllowlist implements TokenAllowlist {
  private connection: RedisConnection;
  private connectedAt: number;
  /** Resolves when the current client is next ready; shared by every call waiting for it. */
  private ready?: Promise<void>;
  private closed = false;
  /** Errors that make a fresh connection necessary. */
  private readonly reportStale: (error: unknown) => void;

  constructor(
    /** Makes a new connection; called at start and whenever the current one stops answering. */
    private readonly connect: () => RedisConnection,
    private readonly prefix: string,
    /** Every call fails closed after this long, even if Redis accepted the connection and hangs. */
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.connection = connect();
    this.connectedAt = Date.now();
    this.reportStale = throttledErrorLog(logger, 'redis unavailable');
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

  async lookup(userId: string, jti: string): Promise<ViewerLookup> {
    // One MGET: the three keys share the user's hash tag, so this is one command on one cluster slot.
    const [token, profile, generation] = await this.call((client) =>
      client.mGet([this.tokenKey(userId, jti), this.profileKey(userId), this.generationKey(userId)]),
    );
    return { live: token !== null, profile, generation };
  }

  async cacheProfile(userId: string, generation: string | null, profile: string, ttlSeconds: number): Promise<void> {
    await this.call((client) =>
      client.eval(CACHE_PROFILE_SCRIPT, {
        keys: [this.profileKey(userId), this.generationKey(userId)],
        arguments: [generation ?? '', profile, String(ttlSeconds)],
      }),
    );
  }

  async forgetProfile(userId: string): Promise<void> {
    await this.call((client) =>
      client
        .multi()
        .set(this.generationKey(userId), randomBytes(12).toString('base64url'), { expiration: { type: 'EX', value: GENERATION_TTL_SECONDS } })
        .del(this.profileKey(userId))
        .exec(),
    );
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

  /**
   * Runs any command on this allowlist's connection, with the same time limit, reconnection and
   * fail-closed behaviour; shared with the rate limiter so the service keeps one Redis connection.
   */
  run<T>(command: (client: RedisClient) => Promise<T>): Promise<T> {
    return this.call(command);
  }

  async ping(): Promise<void> {
    await this.call((client) => client.ping());
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.retire(this.connection);
  }

  /**
   * Closes a connection, letting the commands in flight on it finish (on a cluster, those for healthy
   * nodes); destroys it if that takes longer than the time budget, as close() waits for replies a stuck
   * server never sends.
   */
  private async retire(connection: RedisConnection): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      connection.close().then(() => true, () => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!closed) connection.destroy();
  }

  private tokenKey(userId: string, jti: string): string {
    return `${this.prefix}at:{${userId}}:${jti}`;
  }

  private indexKey(userId: string): string {
    return `${this.prefix}user:{${userId}}:at`;
  }

  private profileKey(userId: string): string {
    return `${this.prefix}profile:{${userId}}`;
  }

  private generationKey(userId: string): string {
    return `${this.prefix}profile:{${userId}}:gen`;
  }

  /**
   * Runs one command within the time budget. A client still (re)connecting is waited for inside the
   * same budget, so the first requests after a start or a reconnect do not fail needlessly.
   */
  private async call<T>(command: (client: RedisClient) => Promise<T>): Promise<T> {
    const connection = this.connection;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(TIMED_OUT), this.timeoutMs);
    });
    try {
      if (!connection.ready) await Promise.race([this.nextReady(connection), deadline]);
      // On the connection that was checked, even if another has replaced it meanwhile.
      return await Promise.race([command(connection.commands), deadline]);
    } catch (error) {
      if (error === TIMED_OUT || this.stuckConnecting(connection)) {
        this.replace(connection, error === TIMED_OUT ? 'no answer in time' : 'not connected in time');
      } else if (connection.isStale(error)) {
        this.reportStale(error);
        // At most one fresh connection per time budget (and per second), however many requests fail.
        if (Date.now() - this.connectedAt > Math.max(this.timeoutMs, 1000)) this.replace(connection, 'a cluster node is gone or the cluster is down');
      } else if (connection.ready) {
        // Redis answered with an error (wrong type, bad script...): a bug to see in the log, still
        // answered as unavailable so that nothing is decided without the store.
        this.logger.error('redis command failed', { error: error instanceof Error ? error.message : String(error) });
      }
      throw new ServiceUnavailableError();
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A command that got no reply in time means the connection cannot be trusted (a half-open socket or a
   * stuck server never errors by itself, and node-redis would wait on it forever); so does a cluster
   * whose slot map is out of date. Swap in a fresh connection; the next requests use it while the old
   * one is retired.
   */
  private replace(stale: RedisConnection, reason: string): void {
    if (stale !== this.connection || this.closed) return; // already replaced, or shutting down
    this.logger.warn('redis connection replaced', { reason });
    this.connection = this.connect();
    this.connectedAt = Date.now();
    this.ready = undefined;
    void this.retire(stale);
  }

  /**
   * One promise for all calls waiting while the connection (re)connects. Reconnect errors do not settle
   * it: each call waits until its own deadline, not until the first failed attempt.
   */
  private nextReady(connection: RedisConnection): Promise<void> {
    this.ready ??= connection.whenReady().then(() => {
      if (this.connection === connection) this.ready = undefined;
    });
    return this.ready;
  }

  /** Not ready long after it was made: its handshake went unanswered and it will not recover alone. */
  private stuckConnecting(connection: RedisConnection): boolean {
    return !connection.ready && Date.now() - this.connectedAt > this.timeoutMs;
  }
}

const TIMED_OUT = Symbol('redis timeout');
