import { once } from 'node:events';
import { createClient } from 'redis';
import { ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';
import type { TokenAllowlist } from './TokenAllowlist';

export type RedisClient = ReturnType<typeof createClient>;

/**
 * Reads a user's index and deletes every token in it, and the index, as one atomic step: a login that
 * lands while "revoke all" runs is either revoked with the rest or recorded after it, never missed.
 * Every key touched shares the user's hash tag (one cluster slot).
 */
const REVOKE_ALL_SCRIPT = `
local jtis = redis.call('ZRANGE', KEYS[1], 0, -1)
local revoked = 0
for _, jti in ipairs(jtis) do revoked = revoked + redis.call('DEL', ARGV[1] .. jti) end
redis.call('DEL', KEYS[1])
return revoked
`;

/**
 * Allowlist in Redis, shared by every instance of the service.
 *
 * Keys (the `{userId}` hash tag keeps a user's keys in one Redis Cluster slot, so the multi-key
 * transactions below stay valid on a cluster):
 *   <prefix>at:{<userId>}:<jti>   "1", expires at the token's `exp`
 *   <prefix>user:{<userId>}:at    sorted set of the user's jtis scored by expiry: the per-user index
 *                                 that makes "revoke all of a user's tokens" one call
 * Needs Redis 7 or newer (PEXPIREAT with NX/GT).
 */
export class RedisTokenAllowlist implements TokenAllowlist {
  private client: RedisClient;
  private clientCreatedAt: number;

  constructor(
    /** Makes a new client; called at start and whenever the current connection stops answering. */
    private readonly connect: () => RedisClient,
    private readonly prefix: string,
    /** Every call fails closed after this long, even if Redis accepted the connection and hangs. */
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.client = connect();
    this.clientCreatedAt = Date.now();
  }

  async add(userId: string, jti: string, expiresAt: Date): Promise<void> {
    const index = this.indexKey(userId);
    const expiry = expiresAt.getTime();
    await this.call(() =>
      this.client
        .multi()
        .set(this.tokenKey(userId, jti), '1', { expiration: { type: 'PXAT', value: expiry } })
        .zAdd(index, { score: expiry, value: jti })
        // Prune entries of tokens that expired on their own, so the index stays small.
        .zRemRangeByScore(index, '-inf', this.now())
        // The index lives as long as its longest-lived token: NX sets a first expiry, GT extends it.
        .pExpireAt(index, expiry, 'NX')
        .pExpireAt(index, expiry, 'GT')
        .exec(),
    );
  }

  async isLive(userId: string, jti: string): Promise<boolean> {
    return (await this.call(() => this.client.exists(this.tokenKey(userId, jti)))) === 1;
  }

  async revoke(userId: string, jti: string): Promise<void> {
    await this.call(() =>
      this.client.multi().del(this.tokenKey(userId, jti)).zRem(this.indexKey(userId), jti).exec(),
    );
  }

  async revokeAllForUser(userId: string): Promise<number> {
    const revoked = await this.call(() =>
      this.client.eval(REVOKE_ALL_SCRIPT, { keys: [this.indexKey(userId)], arguments: [this.tokenKey(userId, '')] }),
    );
    return Number(revoked);
  }

  async ping(): Promise<void> {
    await this.call(() => this.client.ping());
  }

  async close(): Promise<void> {
    const client = this.client;
    if (!client.isOpen) return;
    // close() waits for pending replies, which a stuck server never sends.
    await Promise.race([client.close(), new Promise((resolve) => setTimeout(resolve, this.timeoutMs))]);
    if (client.isOpen) client.destroy();
  }

  private tokenKey(userId: string, jti: string): string {
    return `${this.prefix}at:{${userId}}:${jti}`;
  }

  private indexKey(userId: string): string {
    return `${this.prefix}user:{${userId}}:at`;
  }

  /**
   * Runs one command within the time budget. A client still (re)connecting is waited for inside the
   * same budget, so the first requests after a start or a reconnect do not fail needlessly.
   */
  private async call<T>(command: () => Promise<T>): Promise<T> {
    const client = this.client;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(TIMED_OUT), this.timeoutMs);
    });
    const stopWaiting = new AbortController();
    try {
      if (!client.isReady) {
        const ready = once(client, 'ready', { signal: stopWaiting.signal });
        ready.catch(() => undefined); // aborted below when the deadline wins
        await Promise.race([ready, deadline]);
      }
      return await Promise.race([command(), deadline]);
    } catch (error) {
      if (error === TIMED_OUT || this.stuckConnecting(client)) {
        this.replace(client);
      } else if (client.isReady) {
        // Redis answered with an error (wrong type, bad script...): a bug to see in the log, still
        // answered as unavailable so that nothing is decided without the store.
        this.logger.error('redis command failed', { error: error instanceof Error ? error.message : String(error) });
      }
      throw new ServiceUnavailableError();
    } finally {
      clearTimeout(timer);
      stopWaiting.abort();
    }
  }

  /**
   * A command that got no reply in time means the connection cannot be trusted (a half-open socket or a
   * stuck server never errors by itself, and node-redis would wait on it forever). Swap in a fresh
   * client; the next requests use it while the old one is torn down.
   */
  private replace(stale: RedisClient): void {
    if (stale !== this.client) return; // another timed-out call already replaced it
    this.client = this.connect();
    this.clientCreatedAt = Date.now();
    stale.destroy();
  }

  /** Not ready long after it was made: its handshake went unanswered and it will not recover alone. */
  private stuckConnecting(client: RedisClient): boolean {
    return !client.isReady && Date.now() - this.clientCreatedAt > this.timeoutMs;
  }
}

const TIMED_OUT = Symbol('redis timeout');

/**
 * Creates and starts connecting a client. It fails fast instead of queueing while Redis is away (the
 * offline queue would hold a request until Redis returns) and keeps reconnecting in the background; a
 * Redis that is down at start does not fail the caller.
 */
export function createRedisClient(url: string, timeoutMs: number, logger: Logger): RedisClient {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: timeoutMs,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000),
    },
  });
  let lastLogged = 0;
  client.on('error', (error: Error) => {
    // A down Redis emits an error per reconnect attempt; one line every 10 s is enough.
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    logger.error('redis connection error', { error: error.message });
  });
  client.connect().catch((error: Error) => logger.error('redis not reachable', { error: error.message }));
  return client;
}
