import { createClient } from 'redis';
import { ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';
import type { TokenAllowlist } from './TokenAllowlist';

export type RedisClient = ReturnType<typeof createClient>;

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
 * Needs Redis 7 or newer (PEXPIREAT with NX/GT).
 */
export class RedisTokenAllowlist implements TokenAllowlist {
  private client: RedisClient;
  private clientCreatedAt: number;
  /** Resolves when the current client is next ready; shared by every call waiting for it. */
  private ready?: Promise<void>;
  private closed = false;

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

  async add(userId: string, sessionId: string, jti: string, expiresAt: Date): Promise<void> {
    const index = this.indexKey(userId);
    const expiry = expiresAt.getTime();
    await this.call(() =>
      this.client
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
    return (await this.call(() => this.client.exists(this.tokenKey(userId, jti)))) === 1;
  }

  revokeSession(userId: string, sessionId: string): Promise<number> {
    return this.revokeMatching(userId, sessionId);
  }

  revokeAllForUser(userId: string): Promise<number> {
    return this.revokeMatching(userId, '');
  }

  private async revokeMatching(userId: string, sessionId: string): Promise<number> {
    const revoked = await this.call(() =>
      this.client.eval(REVOKE_SCRIPT, {
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
    return this.call(() => command(this.client));
  }

  async ping(): Promise<void> {
    await this.call(() => this.client.ping());
  }

  async close(): Promise<void> {
    this.closed = true;
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
    try {
      if (!client.isReady) await Promise.race([this.nextReady(client), deadline]);
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
    }
  }

  /**
   * A command that got no reply in time means the connection cannot be trusted (a half-open socket or a
   * stuck server never errors by itself, and node-redis would wait on it forever). Swap in a fresh
   * client; the next requests use it while the old one is torn down.
   */
  private replace(stale: RedisClient): void {
    if (stale !== this.client || this.closed) return; // already replaced, or shutting down
    this.client = this.connect();
    this.clientCreatedAt = Date.now();
    this.ready = undefined;
    stale.destroy();
  }

  /**
   * One promise (one listener) for all calls waiting while the client (re)connects. Reconnect errors do
   * not settle it: each call waits until its own deadline, not until the first failed attempt.
   */
  private nextReady(client: RedisClient): Promise<void> {
    this.ready ??= new Promise<void>((resolve) => {
      client.once('ready', () => {
        this.ready = undefined;
        resolve();
      });
    });
    return this.ready;
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
