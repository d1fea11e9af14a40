import {
  ClientOfflineError,
  createClient,
  createCluster,
  createSentinel,
  ErrorReply,
  SocketClosedUnexpectedlyError,
} from 'redis';
import type { RedisTarget } from '../../config/index';
import { throttledErrorLog, type Logger } from '../logger';

/** The command API the token store and the rate limiter are written against: node-redis's client's. */
export type RedisClient = ReturnType<typeof createClient>;

/**
 * One connection to Redis, whichever way it is deployed. The allowlist and the rate limiter use only
 * commands whose every key shares one hash tag (one slot): EXISTS, MGET, EVAL, GET, DEL and MULTI. For
 * those, node-redis's cluster and Sentinel clients take the same calls as a single client (the
 * cluster routes each by its first key), so all three are handed out as `RedisClient`. The Redis
 * Cluster test runs the whole service against a real cluster to keep that claim honest.
 */
export interface RedisConnection {
  readonly commands: RedisClient;
  /** True while commands can be sent. */
  readonly ready: boolean;
  /** Resolves the next time the connection becomes ready; never rejects. */
  whenReady(): Promise<void>;
  /** Waits for pending replies, then disconnects. */
  close(): Promise<void>;
  /** Disconnects at once, failing pending commands. */
  destroy(): void;
  /**
   * True when an error means this connection's picture of Redis is out of date and only a fresh one
   * will do. A cluster client learns the slot map again only on a MOVED reply, which a dead master never
   * sends: after a failover it would keep sending that slot's commands to the dead node.
   */
  isStale(error: unknown): boolean;
}

/**
 * Starts connecting and returns at once. Commands fail fast instead of queueing while Redis is away
 * (no offline queue), and the clients keep reconnecting in the background, so a Redis that is down at
 * start does not fail the caller.
 */
export function connectRedis(target: RedisTarget, timeoutMs: number, logger: Logger): RedisConnection {
  const socket = {
    connectTimeout: timeoutMs,
    // Capped at half a second: once Redis is back, the service is serving again within that.
    reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 500),
  };
  const reportErrors = throttledErrorLog(logger, 'redis connection error');
  switch (target.kind) {
    case 'standalone': {
      const client = createClient({ url: target.url, disableOfflineQueue: true, socket });
      client.on('error', reportErrors);
      return fromConnectable(client, client, logger, { isReady: () => client.isReady });
    }
    case 'cluster': {
      const { credentials, tls } = nodeOptions(target.urls[0]);
      const cluster = createCluster({
        rootNodes: target.urls.map((url) => ({ url })),
        defaults: { ...credentials, disableOfflineQueue: true, socket: { ...socket, ...tls } },
        // Connect to a node when a command needs it: otherwise connect() waits for every master, and a
        // new connection could not start while one of them is down.
        minimizeConnections: true,
      });
      cluster.on('error', reportErrors);
      // Errors of one node's connection (a dead master refusing connections) come only as this event.
      cluster.on('node-error', reportErrors);
      return fromConnectable(cluster, cluster as unknown as RedisClient, logger, {
        // The cluster client has no "ready" state of its own: it is ready once it has learned the slots.
        isReady: (connected) => connected && cluster.isOpen,
        isStale: isClusterTopologyError,
      });
    }
    case 'sentinel': {
      const { credentials: sentinelCredentials, tls } = nodeOptions(target.urls[0]);
      const credentials = {
        ...(target.masterUsername !== undefined && { username: target.masterUsername }),
        ...(target.masterPassword !== undefined && { password: target.masterPassword }),
      };
      const sentinel = createSentinel({
        name: target.masterName,
        sentinelRootNodes: target.urls.map((url) => {
          const { hostname, port } = new URL(url);
          return { host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 26379) };
        }),
        nodeClientOptions: { ...credentials, disableOfflineQueue: true, socket: { ...socket, ...tls } },
        sentinelClientOptions: { ...sentinelCredentials, socket: { ...socket, ...tls } },
      });
      sentinel.on('error', reportErrors);
      return fromConnectable(sentinel, sentinel as unknown as RedisClient, logger, { isReady: () => sentinel.isReady });
    }
  }
}

interface Connectable {
  connect(): Promise<unknown>;
  close(): Promise<void>;
  destroy(): unknown;
  readonly isOpen: boolean;
}

interface ConnectionKind {
  /** Whether commands can be sent; `connected`: the client's own connect() has resolved. */
  isReady(connected: boolean): boolean;
  isStale?(error: unknown): boolean;
}

/**
 * Readiness from the client's own `connect()`: the first connection (topology, master) is awaited
 * once; after that each client reconnects by itself and `isReady` says where it stands.
 */
function fromConnectable(client: Connectable, commands: RedisClient, logger: Logger, kind: ConnectionKind): RedisConnection {
  let connected = false;
  let waiters: Array<() => void> = [];
  const wake = () => {
    const woken = waiters;
    waiters = [];
    for (const resolve of woken) resolve();
  };
  client
    .connect()
    .then(() => {
      connected = true;
      wake();
    })
    .catch((error: Error) => logger.error('redis not reachable', { error: error.message }));
  // A standalone client also reconnects later: each time, waiting calls go on.
  (client as { on?: (event: string, listener: () => void) => void }).on?.('ready', wake);
  return {
    commands,
    get ready() {
      return kind.isReady(connected);
    },
    whenReady: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: async () => {
      if (client.isOpen) await client.close();
    },
    destroy: () => {
      try {
        // The Sentinel client's destroy() is async: its rejection must not go unhandled.
        void Promise.resolve(client.destroy()).catch(() => undefined);
      } catch {
        // node-redis throws when the client is already closed (or never connected): nothing to tear down.
      }
    },
    isStale: (error) => kind.isStale?.(error) ?? false,
  };
}

/**
 * A node of the cluster cannot be reached (its client is offline: with no offline queue, commands fail
 * at once) or the cluster says it cannot serve: the slot map may be out of date.
 */
function isClusterTopologyError(error: unknown): boolean {
  return (
    error instanceof ClientOfflineError ||
    error instanceof SocketClosedUnexpectedlyError ||
    (error instanceof ErrorReply && /^(CLUSTERDOWN|MASTERDOWN)/.test(error.message))
  );
}

/** Credentials and TLS of one URL, for every node of a cluster or Sentinel deployment. */
function nodeOptions(url: string) {
  const parsed = new URL(url);
  const credentials = {
    ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
  };
  return { credentials, tls: parsed.protocol === 'rediss:' ? { tls: true as const } : {} };
}
