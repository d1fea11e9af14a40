import { ErrorReply } from 'redis';
import { throttledErrorLog } from '../logger';
import type { RedisClient, RedisConnection } from './connect';
import { DependencyUnavailableError } from '../../core/errors';
import type { Logger } from '../logger';
import { DependencyBreaker } from '../DependencyBreaker';

/** How often Redis is asked whether it is back, while it is down. */
const PROBE_INTERVAL_MS = 200;

/**
 * The service's one connection to Redis, made to fail closed and fast. Everything stored in Redis
 * (the token allowlist, the profile cache, attempt counters) runs its commands through `run`:
 * - each command gets the dependency timeout; a client still (re)connecting is waited for within it;
 * - a connection that stops answering, or a cluster whose slot map is out of date, is replaced;
 * - once Redis is seen down (no answer in time, no connection), every command fails at once
 *   (DependencyUnavailableError, SERVICE_UNAVAILABLE to clients) until a background probe gets an answer, instead of each waiting its whole
 *   timeout: `DependencyBreaker`.
 */
export class ResilientRedis {
  private connection: RedisConnection;
  private connectedAt: number;
  /** Resolves when the current client is next ready; shared by every call waiting for it. */
  private ready?: Promise<void>;
  private closed = false;
  /** Errors that make a fresh connection necessary. */
  private readonly reportStale: (error: unknown) => void;
  readonly breaker: DependencyBreaker;

  constructor(
    /** Makes a new connection; called at start and whenever the current one stops answering. */
    private readonly connect: () => RedisConnection,
    /** Every call fails closed after this long, even if Redis accepted the connection and hangs. */
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {
    this.connection = connect();
    this.connectedAt = Date.now();
    this.reportStale = throttledErrorLog(logger, 'redis unavailable');
    this.breaker = new DependencyBreaker('redis', () => this.call((client) => client.ping()), { probeIntervalMs: PROBE_INTERVAL_MS }, logger);
  }

  /** Runs one command: within the time budget, failing closed, and at once while Redis is known down. */
  run<T>(command: (client: RedisClient) => Promise<T>): Promise<T> {
    if (this.breaker.isDown) return Promise.reject(new DependencyUnavailableError('redis'));
    return this.call(command).catch((error: unknown) => {
      if (error instanceof Outage) this.breaker.trip(error.reason);
      throw new DependencyUnavailableError('redis');
    });
  }

  async ping(): Promise<void> {
    await this.run((client) => client.ping());
  }

  async close(): Promise<void> {
    this.closed = true;
    this.breaker.close();
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

  /**
   * One command within the time budget, on the current connection. Throws `Outage` when Redis could not
   * be reached or did not answer, any other error when it answered with one.
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
        const reason = error === TIMED_OUT ? 'no answer in time' : 'not connected in time';
        this.replace(connection, reason);
        throw new Outage(reason);
      }
      if (connection.isStale(error)) {
        this.reportStale(error);
        // At most one fresh connection per time budget (and per second), however many requests fail.
        if (Date.now() - this.connectedAt > Math.max(this.timeoutMs, 1000)) this.replace(connection, 'a cluster node is gone or the cluster is down');
        throw new Outage('a cluster node is gone or the cluster is down');
      }
      if (error instanceof ErrorReply) {
        // Redis answered with an error (wrong type, bad script...): a bug to see in the log, not an
        // outage; still refused, so that nothing is decided without the store.
        this.logger.error('redis command failed', { error: error.message });
        throw error;
      }
      // The connection failed under the command (closed, offline): Redis cannot be reached.
      throw new Outage(error instanceof Error ? error.message : String(error));
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

/** Redis could not be reached or did not answer: trips the breaker. */
class Outage extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
