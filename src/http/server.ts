import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import type { ServiceContext } from '../core/context';
import type { RequestContext, RequestInfo } from '../graphql/context';
import type { Logger } from '../infra/logger';
import type { Metrics } from '../infra/metrics';
import { ConnectionDrain } from './ConnectionDrain';
import { readRefreshCookie, type CookieSettings } from './cookies';
import { clientAddress, createRequestHandler, GRAPHQL_PATH, handleClientErrors } from './handler';
import { Router, type Route } from './router';

export interface HttpAppOptions {
  apollo: ApolloServer<RequestContext>;
  contextFor: (info: RequestInfo) => RequestContext;
  routes: readonly Route[];
  maxBodyBytes: number;
  trustProxyHops: number;
  cookies: CookieSettings;
  shutdownGraceMs: number;
  logger: Logger;
  metrics?: Metrics;
}

export interface HttpApp {
  httpServer: Server;
  /** Starts listening; resolves with the GraphQL endpoint URL. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops accepting, lets in-flight requests finish without resetting kept-alive clients, then stops Apollo. */
  stop(): Promise<void>;
}

/** The HTTP server: GraphQL at /graphql, the routes beside it, timeouts, and a drain on shutdown. No side effects until `listen`. */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { apollo, logger, metrics, cookies } = options;
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

  const serviceContext = (req: IncomingMessage, requestId: string): ServiceContext => ({
    requestId,
    client: { userAgent: req.headers['user-agent'], ipAddress: clientAddress(req, options.trustProxyHops) },
  });
  httpServer.on(
    'request',
    createRequestHandler(
      apollo,
      (req, requestId) =>
        options.contextFor({
          requestId,
          authorization: req.headers.authorization,
          refreshCookie: readRefreshCookie(req, cookies),
          cookieSettings: cookies,
          service: serviceContext(req, requestId),
        }),
      { maxBodyBytes: options.maxBodyBytes, corsOrigins: cookies.corsOrigins, router: new Router(options.routes), serviceContext, metrics },
      logger,
    ),
  );

  return {
    httpServer,
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
      const graceful = await drain.drain(Math.floor(options.shutdownGraceMs * 0.7));
      if (!graceful) logger.warn('connections still open at the end of the grace period were closed');
      await apollo.stop();
    },
  };
}
