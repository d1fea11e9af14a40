import { preloadCommonPasswords } from './features/password/commonPasswords';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HashPool } from './infra/hashing/HashPool';
import { metricsHandler } from './http/handler';
import { Metrics } from './infra/metrics';
import { MemoryRateLimiter, noRateLimits, RedisRateLimiter, type RateLimiter } from './core/RateLimiter';
import { SigningKeys } from './sessions/SigningKeys';
import { MemoryTokenAllowlist } from './infra/memory/MemoryTokenAllowlist';
import { RedisTokenAllowlist } from './infra/redis/RedisTokenAllowlist';
import { connectRedis } from './infra/redis/connect';
import type { TokenAllowlist } from './sessions/TokenAllowlist';
import type { Config } from './config/index';
import { openMigratedDatabase, probeDatabase } from './infra/db/database';
import { DependencyBreaker } from './infra/DependencyBreaker';
import { ResilientRedis } from './infra/redis/ResilientRedis';
import { usesEmbeddedDatabase } from './infra/db/ormOptions';
import type { Logger } from './infra/logger';
import { MailQueue } from './infra/mail/MailQueue';
import { OutboxTransport, SmtpTransport } from './infra/mail/transports';
import { createServer, type AppServer } from './http/server';

export interface RunningApp {
  url: string;
  server: AppServer;
  hashPool: HashPool;
  /** Graceful: stop accepting, drain in-flight requests, then close the pool, Redis and PostgreSQL. */
  close(): Promise<void>;
}

/**
 * Starts the whole service from a config: database (migrated), token store, hashing pool, server.
 * `main.ts` calls it with the process's config; tests call it with their own.
 */
export async function startApp(config: Config, logger: Logger, now?: () => number): Promise<RunningApp> {
  const { keys, ephemeral } = await SigningKeys.load(config.jwt);
  if (ephemeral) {
    logger.warn('JWT_SECRET / JWT_KEYS not set: signing with a key made for this process; every token dies on restart');
  }
  if (config.sessions.refreshSecretGenerated) {
    logger.warn('REFRESH_TOKEN_SECRET is not set: using a random secret for this process (set one in production, shared by all instances)');
  }

  if (usesEmbeddedDatabase(config)) {
    logger.warn('DATABASE_URL is not set: using embedded PostgreSQL (PGlite), for development only', {
      dataDir: config.dataDir,
    });
  }
  // Once PostgreSQL is seen down, its requests fail at once until a probe gets an answer.
  const databaseBreaker = usesEmbeddedDatabase(config)
    ? undefined
    : new DependencyBreaker(
        'database',
        () => probeDatabase(config.databaseUrl!, config.dependencyTimeoutMs),
        { probeIntervalMs: 200 },
        logger,
      );
  const orm = await openMigratedDatabase(config, logger, databaseBreaker);
  const cleanups: Cleanup[] = [['database', async () => {
    databaseBreaker?.close();
    await orm.close(true);
  }]];
  try {
    let allowlist: TokenAllowlist;
    let limiter: RateLimiter;
    let redis: ResilientRedis | undefined;
    if (config.redis) {
      const { redis: target, dependencyTimeoutMs } = config;
      // If Redis is down at start the service still comes up; authenticated requests fail closed
      // (SERVICE_UNAVAILABLE) until the client reconnects in the background.
      const connection = new ResilientRedis(() => connectRedis(target, dependencyTimeoutMs, logger), dependencyTimeoutMs, logger);
      redis = connection;
      allowlist = new RedisTokenAllowlist(connection, config.redisKeyPrefix, now);
      limiter = new RedisRateLimiter((command) => connection.run(command), config.redisKeyPrefix);
      cleanups.unshift(['redis', () => connection.close()]);
    } else {
      logger.warn(
        'REDIS_URL is not set: using an in-process token store; tokens live in this process only, do not run more than one instance',
      );
      allowlist = new MemoryTokenAllowlist(now);
      limiter = new MemoryRateLimiter(now);
      cleanups.unshift(['token store', () => allowlist.close()]);
    }

    // Give the store its first connection before taking traffic (bounded: a down Redis is logged and
    // the service starts anyway, failing closed until Redis is back).
    await allowlist.ping().catch(() => logger.error('token store not reachable at start; failing closed until it is'));

    preloadCommonPasswords();
    // The queue-depth gauge reads `pool` when scraped, long after both exist.
    const metrics = config.metrics.enabled
      ? new Metrics(
          () => pool.queueDepth,
          () => ({
            ...(databaseBreaker && { database: databaseBreaker.isDown }),
            ...(redis && { redis: redis.breaker.isDown }),
          }),
        )
      : undefined;
    const pool = new HashPool({
      ...config.hashPool,
      onWorkerError: (error) => logger.error('hashing worker failed; replacing it', { error }),
      onWait: (seconds) => metrics?.hashWait.observe(seconds),
    });
    cleanups.unshift(['hashing pool', () => pool.close()]);

    if (metrics && config.metrics.port !== undefined) {
      const metricsServer = createHttpServer(metricsHandler(metrics));
      await new Promise<void>((resolve, reject) => {
        metricsServer.once('error', reject);
        metricsServer.listen({ port: config.metrics.port, host: config.host }, resolve);
      });
      cleanups.unshift(['metrics server', () => new Promise((resolve) => metricsServer.close(resolve))]);
      logger.info('metrics listening', { port: (metricsServer.address() as AddressInfo).port });
    }

    if (!config.mail.smtpUrl) {
      logger.warn('SMTP_URL is not set: mail is written to the log and to the outbox folder instead of being sent', {
        outbox: config.mail.outboxDir,
      });
    }
    const mail = new MailQueue(
      config.mail.smtpUrl
        ? new SmtpTransport(config.mail.smtpUrl, config.mail.from, config.dependencyTimeoutMs * 5)
        : new OutboxTransport(config.mail.outboxDir, config.mail.from, logger),
      config.mail,
      logger,
    );
    cleanups.unshift(['mail queue', () => mail.close()]);

    if (!config.rateLimits) logger.warn('RATE_LIMITS=off: no brute-force limits (development only)');
    const server = await createServer({
      config,
      keys,
      logger,
      orm,
      allowlist,
      hashPool: pool,
      mail,
      metrics,
      limiter: config.rateLimits ? limiter : noRateLimits,
      now,
    });
    cleanups.unshift(['http server', () => server.stop()]);
    // Ended sessions and expired emailed tokens are deleted hourly (any instance may do it; it is idempotent).
    const pruning = setInterval(() => {
      server.services.sessions
        .pruneEnded()
        .then((deleted) => deleted > 0 && logger.info('pruned ended sessions', { deleted }))
        .catch((error: unknown) => logger.warn('pruning sessions failed', { error }));
    }, 3_600_000);
    pruning.unref();
    cleanups.unshift(['pruning', async () => clearInterval(pruning)]);

    const url = await server.listen(config.port, config.host);
    logger.info('listening', { url, env: config.nodeEnv });

    return {
      url,
      server,
      hashPool: pool,
      close: () => runAll(cleanups, logger),
    };
  } catch (error) {
    await runAll(cleanups, logger);
    throw error;
  }
}

type Cleanup = [name: string, run: () => Promise<unknown>];

/** Runs every cleanup in order (newest first); one that fails does not stop the others. */
async function runAll(steps: Cleanup[], logger: Logger): Promise<void> {
  for (const [name, run] of steps) {
    const started = Date.now();
    await run().catch((error: unknown) => logger.error(`closing ${name} failed`, { error }));
    logger.debug(`closed ${name}`, { ms: Date.now() - started });
  }
}
