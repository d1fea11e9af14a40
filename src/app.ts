import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { AttemptLimits } from './core/AttemptLimits';
import { Transactions } from './core/Transactions';
import { ENTITIES } from './entities';
import { FEATURES, type Services } from './features';
import type { Kit, PeriodicTask } from './features/Feature';
import { preloadCommonPasswords } from './features/password/commonPasswords';
import { createApollo } from './graphql/apollo';
import { createContextFactory } from './graphql/context';
import { metricsHandler } from './http/handler';
import { jwksRoute } from './http/jwks';
import { probeRoutes, type Readiness } from './http/probes';
import type { Route } from './http/router';
import { createHttpApp, type HttpApp } from './http/server';
import { openMigratedDatabase, probeDatabase } from './infra/db/database';
import { usesEmbeddedDatabase } from './infra/db/ormOptions';
import { DependencyBreaker } from './infra/DependencyBreaker';
import { HashPool } from './infra/hashing/HashPool';
import type { Logger } from './infra/logger';
import { MailDelivery } from './infra/mail/MailDelivery';
import { OutboxTransport, SmtpTransport } from './infra/mail/transports';
import { Metrics } from './infra/metrics';
import { openStores } from './infra/stores';
import { LoginFlow } from './login/LoginFlow';
import { ReAuthenticator } from './login/ReAuthenticator';
import { SecondFactorTickets } from './login/SecondFactors';
import { SignInMethods } from './login/SignInMethods';
import { AccessTokens } from './sessions/AccessTokens';
import { Authenticator } from './sessions/Authenticator';
import { SessionService } from './sessions/SessionService';
import { SigningKeys } from './sessions/SigningKeys';
import { LinkTokens } from './users/LinkTokens';

export interface RunningApp {
  url: string;
  server: HttpApp;
  hashPool: HashPool;
  services: Services;
  /** The one login flow: for operators (`npm run admin`), and tests. */
  loginFlow: LoginFlow;
  /** Runs every periodic task once, now (pruning): for tests and operators. */
  runTasks(): Promise<void>;
  /** Sends the mail that is due, now, instead of at the next poll; returns how many were sent. */
  deliverMail(): Promise<number>;
  /** Graceful: stop accepting, drain in-flight requests, then close the pool, Redis and PostgreSQL. */
  close(): Promise<void>;
}

/** How often each instance looks for mail that is due (others' retries, a crashed instance's messages). */
const MAIL_POLL_MS = 1000;

/**
 * Starts the whole service from a config: database (migrated), stores, hashing pool, mail delivery,
 * the core flows, every feature, and the server. The composition root: the only place that knows
 * every part. `main.ts` calls it with the process's config; tests call it with their own.
 */
export interface StartOptions {
  /**
   * False for an operator's command (src/cli.ts): everything is set up on the same database and Redis,
   * but nothing listens, no periodic work or mail delivery runs (mail it queues is sent by the serving
   * instances), and nothing is migrated: a database not at this version's schema is refused.
   */
  readonly serve?: boolean;
}

export async function startApp(config: Config, logger: Logger, clock?: () => number, options: StartOptions = {}): Promise<RunningApp> {
  const serve = options.serve ?? true;
  const now = clock ?? Date.now;
  for (const warning of config.warnings) logger.warn(warning);
  const { keys, ephemeral } = await SigningKeys.load(config.jwt);
  if (ephemeral) logger.warn('JWT_SECRET / JWT_KEYS not set: signing with a key made for this process; every token dies on restart');
  if (config.sessions.refreshSecretGenerated) {
    logger.warn('REFRESH_TOKEN_SECRET is not set: using a random secret for this process (set one in production, shared by all instances)');
  }
  if (usesEmbeddedDatabase(config)) {
    logger.warn('DATABASE_URL is not set: using embedded PostgreSQL (PGlite), for development only', { dataDir: config.dataDir });
  }

  // Once PostgreSQL is seen down, its requests fail at once until a probe gets an answer.
  const databaseBreaker = usesEmbeddedDatabase(config)
    ? undefined
    : new DependencyBreaker('database', () => probeDatabase(config.databaseUrl!, config.dependencyTimeoutMs), { probeIntervalMs: 200 }, logger);
  const orm = await openMigratedDatabase({ ...config, entities: ENTITIES }, logger, databaseBreaker, serve ? 'apply' : 'require');
  const cleanups: Cleanup[] = [
    [
      'database',
      async () => {
        databaseBreaker?.close();
        await orm.close(true);
      },
    ],
  ];
  try {
    const stores = openStores(config, logger, now);
    cleanups.unshift(['stores', () => stores.close()]);
    // Give the store its first connection before taking traffic (bounded: a down Redis is logged and
    // the service starts anyway, failing closed until Redis is back).
    await stores.ping().catch(() => logger.error('token store not reachable at start; failing closed until it is'));

    preloadCommonPasswords();
    // The gauges read `pool` and the breakers when scraped, long after they exist.
    const metrics = config.metrics.enabled
      ? new Metrics(
          () => pool.queueDepth,
          () => ({
            ...(databaseBreaker && { database: databaseBreaker.isDown }),
            ...(stores.redis && { redis: stores.redis.breaker.isDown }),
          }),
        )
      : undefined;
    const pool = new HashPool({
      ...config.hashPool,
      onWorkerError: (error) => logger.error('hashing worker failed; replacing it', { error }),
      onWait: (seconds) => metrics?.hashWait.observe(seconds),
    });
    cleanups.unshift(['hashing pool', () => pool.close()]);

    if (!config.mail.smtpUrl) {
      logger.warn('SMTP_URL is not set: mail is written to the log and to the outbox folder instead of being sent', {
        outbox: config.mail.outboxDir,
      });
    }
    const delivery = new MailDelivery(
      orm,
      config.mail.smtpUrl
        ? new SmtpTransport(config.mail.smtpUrl, config.mail.from, config.dependencyTimeoutMs * 5)
        : new OutboxTransport(config.mail.outboxDir, config.mail.from, logger),
      {
        retryBaseMs: config.mail.retryBaseMs,
        maxAgeSeconds: config.mail.maxAgeSeconds,
        pollIntervalMs: MAIL_POLL_MS,
        // Well above the longest a send may take (each SMTP stage times out at 5x the dependency timeout).
        leaseMs: Math.max(60_000, config.dependencyTimeoutMs * 20),
        keepDoneSeconds: 7 * 86400,
      },
      logger,
      now,
    );
    cleanups.unshift(['mail delivery', () => delivery.close()]);

    // The core every feature is built on.
    if (!config.rateLimits.enabled) logger.warn('RATE_LIMITS=off: no brute-force limits (development only)');
    const tokens = new AccessTokens(
      { keys, issuer: config.jwt.issuer, audience: config.jwt.audience, ttlSeconds: config.jwt.accessTokenTtlSeconds },
      now,
    );
    const limits = new AttemptLimits(stores.counters, config.rateLimits, config.sessions.refreshSecret);
    const sessions = new SessionService(tokens, stores.allowlist, config.sessions, now);
    const transactions = new Transactions(orm, delivery, logger, now);
    const cookies = { corsOrigins: config.corsOrigins, isProduction: config.isProduction, refreshCookie: config.features.sessions.refreshCookie };
    const kit: Kit = {
      config,
      cookies,
      orm,
      logger,
      now,
      transactions,
      loginFlow: new LoginFlow(sessions, transactions, new SecondFactorTickets(stores.ephemeral, now), limits, config.login),
      reauth: new ReAuthenticator(limits, { name: 'current', limit: config.login.checksPerAccount }, config.login.recentSignInSeconds, now),
      signInMethods: new SignInMethods(),
      sessions,
      limits,
      linkTokens: new LinkTokens(now),
      hashPool: pool,
      allowlist: stores.allowlist,
      profiles: stores.profiles,
      ephemeral: stores.ephemeral,
    };

    transactions.listen(kit.loginFlow.listener);

    // Every feature, in the registry's order: its service, its listeners, routes and tasks.
    const services: Record<string, unknown> = {};
    const routes: Route[] = [
      ...probeRoutes(() => readiness(orm, stores.ping, config.dependencyTimeoutMs), config.metrics.port === undefined ? metrics : undefined),
      jwksRoute(keys),
    ];
    const tasks: PeriodicTask[] = [{ name: 'prune delivered mail', everyMs: 3_600_000, run: () => delivery.prune() }];
    for (const feature of FEATURES) {
      const instance = (feature.create as (kit: Kit, settings: unknown) => ReturnType<typeof feature.create>)(
        kit,
        config.features[feature.name],
      );
      services[feature.name] = instance.service;
      for (const listener of instance.listeners ?? []) transactions.listen(listener);
      routes.push(...(instance.routes ?? []));
      tasks.push(...(instance.tasks ?? []));
    }

    if (metrics && config.metrics.port !== undefined) {
      const metricsServer = createHttpServer(metricsHandler(metrics));
      await new Promise<void>((resolve, reject) => {
        metricsServer.once('error', reject);
        metricsServer.listen({ port: config.metrics.port, host: config.host }, resolve);
      });
      cleanups.unshift(['metrics server', () => new Promise((resolve) => metricsServer.close(resolve))]);
      logger.info('metrics listening', { port: (metricsServer.address() as AddressInfo).port });
    }

    const authenticator = new Authenticator(tokens, stores.allowlist, (live) => metrics?.allowlistChecks.inc({ result: live ? 'live' : 'revoked' }));
    const server = createHttpApp({
      apollo: await createApollo({ isProduction: config.isProduction, cookies, now }),
      contextFor: createContextFactory(authenticator, services as Services, logger, metrics),
      routes,
      maxBodyBytes: config.maxBodyBytes,
      trustProxyHops: config.trustProxyHops,
      cookies,
      shutdownGraceMs: config.shutdownGraceMs,
      logger,
      metrics,
    });
    cleanups.unshift(['http server', () => server.stop()]);

    // Periodic work runs on every instance; each task is idempotent. Mail goes out as it is queued,
    // and the delivery loop also picks up retries and the messages of instances that stopped.
    const runTask = (task: PeriodicTask) =>
      task
        .run()
        .then((count) => count > 0 && logger.info(`${task.name}: done`, { count }))
        .catch((error: unknown) => logger.warn(`${task.name}: failed`, { error }));
    let url = '';
    if (serve) {
      for (const task of tasks) if (task.atStart) void runTask(task);
      const timers = tasks.map((task) => setInterval(() => void runTask(task), task.everyMs).unref());
      cleanups.unshift(['periodic tasks', async () => timers.forEach(clearInterval)]);
      delivery.start();
      url = await server.listen(config.port, config.host);
      logger.info('listening', { url, env: config.nodeEnv });
    }
    return {
      url,
      server,
      hashPool: pool,
      services: services as Services,
      loginFlow: kit.loginFlow,
      runTasks: async () => {
        for (const task of tasks) await task.run();
      },
      deliverMail: () => delivery.deliverDue(),
      close: () => runAll(cleanups, logger),
    };
  } catch (error) {
    await runAll(cleanups, logger);
    throw error;
  }
}

/** Both dependencies are asked at once, each within the dependency timeout. */
async function readiness(orm: { em: { fork(): { execute(sql: string): Promise<unknown> } } }, pingStore: () => Promise<void>, timeoutMs: number): Promise<Readiness> {
  const probe = async (check: () => Promise<unknown>): Promise<'up' | 'down'> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(reject, timeoutMs)))]);
      return 'up';
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  };
  const [database, tokenStore] = await Promise.all([probe(() => orm.em.fork().execute('select 1')), probe(pingStore)]);
  return { ready: database === 'up' && tokenStore === 'up', checks: { database, tokenStore } };
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
