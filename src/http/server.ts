import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { MikroORM } from '@mikro-orm/postgresql';
import { MaxIntrospectionDepthRule, type GraphQLFormattedError } from 'graphql';
import { Authenticator } from '../sessions/Authenticator';
import type { HashPool } from '../infra/hashing/HashPool';
import { PasswordHasher } from '../features/password/PasswordHasher';
import type { SigningKeys } from '../sessions/SigningKeys';
import type { TokenAllowlist } from '../sessions/TokenAllowlist';
import { AccessTokens } from '../sessions/AccessTokens';
import type { Config } from '../config/index';
import { createContextFactory, type RequestContext, type Services } from '../graphql/context';
import { ConnectionDrain } from './ConnectionDrain';
import { TopLevelCode } from '../graphql/errors';
import { TOP_LEVEL_ERROR_CODES } from '../graphql/errorCodes';
import { readRefreshCookie } from './cookies';
import { refreshCookiePlugin } from '../features/sessions/graphql/refreshCookie';
import { clientAddress, createRequestHandler, GRAPHQL_PATH, handleClientErrors, type Readiness } from './handler';
import type { Logger } from '../infra/logger';
import { MAX_TOKENS, operationLimits } from '../graphql/limits';
import { rootFieldLabel } from '../graphql/rootFields';
import { authenticateBeforeExecution } from '../graphql/viewer';
import { createSchema } from '../graphql/schema';
import type { MailQueue } from '../infra/mail/MailQueue';
import { AccountService } from '../features/email-links/EmailLinkService';
import { AttemptLimits } from '../core/AttemptLimits';
import type { RateLimiter } from '../core/RateLimiter';
import type { Metrics } from '../infra/metrics';
import { AuthService } from '../features/password/PasswordService';
import { SessionService } from '../sessions/SessionService';
import { ProfileCache } from '../features/account/ProfileCache';
import { UserService } from '../features/account/AccountService';

export interface ServerDeps {
  config: Config;
  keys: SigningKeys;
  logger: Logger;
  orm: MikroORM;
  allowlist: TokenAllowlist;
  hashPool: HashPool;
  mail: MailQueue;
  limiter: RateLimiter;
  /** Absent when METRICS=off. */
  metrics?: Metrics;
  /** Injectable clock for tests; defaults to the system clock. */
  now?: () => number;
}

export interface AppServer {
  httpServer: Server;
  services: Services;
  /** Starts listening; resolves with the GraphQL endpoint URL. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops accepting, lets in-flight requests finish without resetting kept-alive clients, then stops Apollo. */
  stop(): Promise<void>;
}

/** Wires services and builds the HTTP + Apollo server. No side effects until `listen`. */
export async function createServer(deps: ServerDeps): Promise<AppServer> {
  const { config, keys, logger, orm, allowlist, hashPool, mail, limiter, metrics } = deps;
  const now = deps.now ?? Date.now;

  const tokens = new AccessTokens(
    {
      keys,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ttlSeconds: config.jwt.accessTokenTtlSeconds,
    },
    now,
  );
  const hasher = new PasswordHasher(hashPool, config.bcryptCost);
  const limits = new AttemptLimits(limiter, config.rateLimits, config.sessions.refreshSecret);
  const sessions = new SessionService(orm, tokens, allowlist, config.sessions, limits, now);
  const profiles = new ProfileCache(allowlist, config.profileCacheTtlSeconds, logger);
  const accounts = new AccountService(
    orm,
    hasher,
    sessions,
    allowlist,
    profiles,
    mail,
    { accountTokens: config.accountTokens, appUrl: config.mail.appUrl },
    limits,
    logger,
    now,
  );
  const services = {
    accounts,
    auth: new AuthService(orm, hasher, sessions, accounts, profiles, config.requireEmailVerification, limits, logger),
    sessions,
    users: new UserService(orm, profiles),
  };
  const authenticator = new Authenticator(tokens, allowlist, (live) =>
    metrics?.allowlistChecks.inc({ result: live ? 'live' : 'revoked' }),
  );
  const contextFor = createContextFactory(authenticator, services, logger, metrics);

  // Timeouts are checked every second (Node's default is every 30 s, which doubles them in effect).
  const httpServer = createHttpServer({ connectionsCheckingInterval: 1000 });
  // Bound how long a slow client may hold a connection (slowloris).
  httpServer.requestTimeout = 30_000;
  httpServer.headersTimeout = 10_000;
  // Node's default, stated because draining relies on it: an idle connection closes after this long
  // (clients are told so in `Keep-Alive: timeout=5`), during a shutdown as at any other time.
  httpServer.keepAliveTimeout = 5_000;
  // Before the request handler: it must see every request first.
  const drain = new ConnectionDrain(httpServer);
  handleClientErrors(httpServer, logger, metrics);

  const apollo = new ApolloServer<RequestContext>({
    schema: await createSchema(),
    introspection: !config.isProduction,
    // No "did you mean ..." suggestions that would map the schema for an attacker.
    hideSchemaDetailsFromClientErrors: config.isProduction,
    includeStacktraceInErrorResponses: false,
    // Checked in http.ts instead (csrf.ts): Apollo's check would also refuse urql's GET queries.
    csrfPrevention: false,
    allowBatchedHttpRequests: false,
    // The limits first: they refuse a hostile document before graphql-js's costlier rules walk it.
    // MaxIntrospectionDepthRule bounds cyclic introspection (types > fields > type > fields ...), which
    // the limits leave to it.
    validationRules: [operationLimits(), MaxIntrospectionDepthRule],
    // Each validation error costs a stack trace; a client needs the first few, an attacker wants many.
    validationOptions: { maxErrors: 10 },
    parseOptions: { maxTokens: MAX_TOKENS },
    // main.ts owns signal handling and shutdown order.
    stopOnTerminationSignals: false,
    formatError: maskUnexpected,
    plugins: [
      authenticateBeforeExecution(),
      refreshCookiePlugin(config, now),
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ operation, operationName, document, contextValue }) {
              const fields = operation && `${operation.operation} ${rootFieldLabel(operation, document)}`;
              contextValue.trace.fields = fields ?? undefined;
              contextValue.trace.operation = operationName ?? fields ?? undefined;
            },
            async willSendResponse({ contextValue, response }) {
              if (contextValue.retryAfter) response.http.headers.set('retry-after', String(contextValue.retryAfter));
              const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
              const code = body?.errors?.[0]?.extensions?.code;
              contextValue.trace.outcome ??= typeof code === 'string' ? code : 'ok';
            },
          };
        },
      },
      // Responses are never cacheable (`Cache-Control: no-store`, set by the HTTP handler), and the
      // cache-control plugin, on by default, wraps every field's resolver to compute a cache policy.
      ApolloServerPluginCacheControlDisabled(),
      config.isProduction
        ? ApolloServerPluginLandingPageDisabled()
        : (ApolloServerPluginLandingPageLocalDefault({ embed: true }) as ApolloServerPlugin<RequestContext>),
    ],
  });
  await apollo.start();

  httpServer.on(
    'request',
    createRequestHandler(
      apollo,
      (req, requestId) =>
        contextFor({
          requestId,
          authorization: req.headers.authorization,
          refreshCookie: readRefreshCookie(req, config),
          client: { userAgent: req.headers['user-agent'], ipAddress: clientAddress(req, config.trustProxyHops) },
        }),
      {
        ...config,
        jwks: keys.jwks(),
        readiness: () => readiness(orm, allowlist, config.dependencyTimeoutMs),
        metrics,
        serveMetrics: config.metrics.enabled && config.metrics.port === undefined,
      },
      logger,
    ),
  );

  return {
    httpServer,
    services,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen({ port, host }, () => {
          httpServer.off('error', reject);
          const address = httpServer.address() as AddressInfo;
          const shownHost = !host || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          resolve(`http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}${GRAPHQL_PATH}`);
        });
      }),
    stop: async () => {
      // Drain for most of the shutdown grace period, leaving time to close the pool, Redis and
      // PostgreSQL before main.ts's hard deadline.
      const graceful = await drain.drain(Math.floor(config.shutdownGraceMs * 0.7));
      if (!graceful) logger.warn('connections still open at the end of the grace period were closed');
      await apollo.stop();
    },
  };
}

// Codes that are safe to show as they are: the ones clients are told about (errorCodes.ts).
const PUBLIC_CODES = new Set<string>(TOP_LEVEL_ERROR_CODES.filter((code) => code !== TopLevelCode.INTERNAL_SERVER_ERROR));

/** Last line of defence: whatever reaches the client without a known code is reduced to a bare message. */
function maskUnexpected(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return { message: 'Internal server error.', extensions: { code: TopLevelCode.INTERNAL_SERVER_ERROR } };
}

/** Both dependencies are asked at once, each within the dependency timeout. */
async function readiness(orm: MikroORM, allowlist: TokenAllowlist, timeoutMs: number): Promise<Readiness> {
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
  const [database, tokenStore] = await Promise.all([
    probe(() => orm.em.fork().execute('select 1')),
    probe(() => allowlist.ping()),
  ]);
  return { ready: database === 'up' && tokenStore === 'up', checks: { database, tokenStore } };
}
