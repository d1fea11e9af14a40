import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import type { ServiceContext } from '../core/context';
import type { RequestTrace } from '../graphql/context';
import type { Router } from './router';
import { applyCors } from './cors';
import { CSRF_REFUSAL, isForgeablePost } from './csrf';
import type { Metrics } from '../infra/metrics';
import type { Logger } from '../infra/logger';

/**
 * The HTTP side of the service, on bare `node:http`: Apollo's integrations add a framework per request
 * for nothing we need here. This handler owns what a framework would: the route, CORS, a hard cap on
 * the body before parsing, JSON parsing with a clean 400, and response headers that keep tokens out
 * of caches.
 */

export const GRAPHQL_PATH = '/graphql';
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface HttpOptions {
  maxBodyBytes: number;
  corsOrigins: readonly string[];
  /** Every route besides GraphQL: the probes, metrics, the JWKS, and what features add. */
  router: Router;
  /** Who is asking, as services see it (for routes). */
  serviceContext: (req: IncomingMessage, requestId: string) => ServiceContext;
  /** Request metrics are recorded here. */
  metrics?: Metrics;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export function createRequestHandler<TContext extends { trace: RequestTrace }>(
  apollo: ApolloServer<TContext>,
  context: (req: IncomingMessage, requestId: string) => TContext,
  options: HttpOptions,
  logger: Logger,
): Handler {
  return (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    // A caller's id is kept when it is a plausible one (so logs of several services line up).
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    const trace: RequestTrace = {};
    IN_FLIGHT.set(req.socket, res);
    // 'close' comes for every request, answered or not: one line and one count each. A request whose
    // client went away, or that the server's request timeout ended, is an ordinary outcome, not an
    // error (anyone can cause it, as often as they like).
    res.once('close', () => {
      if (IN_FLIGHT.get(req.socket) === res) IN_FLIGHT.delete(req.socket);
      const seconds = (performance.now() - started) / 1000;
      const operation = trace.fields ?? routeOf(req.method, url.pathname, options.router);
      if (!res.writableFinished) trace.outcome = TIMED_OUT.has(req.socket) ? 'timeout' : 'aborted';
      const status = res.writableFinished ? res.statusCode : TIMED_OUT.has(req.socket) ? 408 : undefined;
      options.metrics?.requests.inc({ operation, outcome: trace.outcome ?? String(status) });
      options.metrics?.duration.observe({ operation }, seconds);
      logger.info('request', {
        requestId,
        method: req.method,
        path: url.pathname,
        status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ...trace,
      });
    });
    handle(req, res, url, requestId, trace).catch((error: unknown) => {
      if (res.destroyed || req.destroyed) return; // the client is gone (or timed out): logged on 'close'
      logger.error('unhandled http error', { requestId, error });
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error.');
      else res.destroy();
    });
  };

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    requestId: string,
    trace: RequestTrace,
  ): Promise<void> {
    setCommonHeaders(req, res, options.corsOrigins);

    const { route, allowed } = options.router.find(req.method, url.pathname);
    if (route) return route.handle(req, res, options.serviceContext(req, requestId), url);
    if (allowed) {
      res.setHeader('allow', allowed.join(', '));
      return sendError(res, 405, 'METHOD_NOT_ALLOWED', `Use ${allowed.join(' or ')}.`);
    }
    if (url.pathname !== GRAPHQL_PATH) return sendError(res, 404, 'NOT_FOUND', `Not found. The API is at ${GRAPHQL_PATH}.`);
    if (req.method === 'OPTIONS') {
      res.statusCode = 204;
      return void res.end();
    }
    if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, POST, OPTIONS');
      return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'Use GET or POST.');
    }

    if (isForgeablePost(req)) return sendError(res, 400, 'BAD_REQUEST', CSRF_REFUSAL);

    let body: unknown;
    if (req.method === 'POST') {
      const raw = await readBody(req, options.maxBodyBytes);
      if (raw === TOO_LARGE) {
        res.setHeader('connection', 'close');
        return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${options.maxBodyBytes} bytes.`);
      }
      const type = (req.headers['content-type'] ?? '').toLowerCase();
      const charset = /charset=([^;\s]+)/.exec(type)?.[1];
      if (charset && charset.replace(/"/g, '') !== 'utf-8') {
        return sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Only UTF-8 bodies are accepted.');
      }
      if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
        try {
          body = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
        } catch {
          return sendError(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON.');
        }
      } else {
        // Apollo answers other content types itself ("simple" ones were refused above, see csrf.ts).
        body = raw.toString('utf8');
      }
    }

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: req.method === 'HEAD' ? 'GET' : req.method,
      headers,
      search: url.search,
      body,
    };

    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => {
        const ctx = context(req, requestId);
        ctx.trace = trace; // the request log line reads what the resolvers record
        return ctx;
      },
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') return void res.end(req.method === 'HEAD' ? undefined : response.body.string);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}

const TOO_LARGE = Symbol('too large');

/** Connections the server's header or request timeout ended (see `handleClientErrors`). */
const TIMED_OUT = new WeakSet<Socket>();
/** The response being written on a connection, while a request is handled. */
const IN_FLIGHT = new WeakMap<Socket, ServerResponse>();

/**
 * What Node would do with a connection-level error (a timeout, an unparsable request), plus a request
 * line and a count for each: the one place such requests are seen. Node's default answer is kept:
 * 408 for a timeout, 431 for oversized headers, 400 for anything unparsable; a reset is only closed.
 * A request that was already being handled gets its line from the handler, marked `timeout`.
 */
export function handleClientErrors(server: Server, logger: Logger, metrics?: Metrics): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (timeout) TIMED_OUT.add(socket);
    const inFlight = IN_FLIGHT.get(socket);
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
    const status = timeout ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    // A request being handled gets its line from the handler (marked `timeout`); this one never got that far.
    if (!inFlight) {
      const outcome = timeout ? 'timeout' : 'bad_request';
      metrics?.requests.inc({ operation: 'unparsed', outcome });
      logger.info('request', { status, outcome, reason: error.code });
    }
    socket.destroy();
  });
}

/** Reads at most `limit` bytes; stops reading (and says so) as soon as the limit is passed. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | typeof TOO_LARGE> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve(TOO_LARGE);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    // A connection closed before the body was complete: settle, so nothing waits for ever.
    req.on('close', () => !req.complete && reject(new Error('aborted')));
  });
}

function setCommonHeaders(req: IncomingMessage, res: ServerResponse, corsOrigins: readonly string[]): void {
  // Responses carry access tokens and personal data: no cache may keep them (RFC 6749 section 5.1).
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  applyCors(req, res, corsOrigins);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

export function sendJson(res: ServerResponse, status: number, body: object): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/**
 * The client's IP address. With `trustedHops` proxies in front of the service, each appends the
 * address it received from to X-Forwarded-For, so the client is the entry `trustedHops` from the right;
 * anything further left was written by the client and is not believed. With no trusted proxy the
 * header is ignored entirely, so rotating it changes nothing.
 */
export function clientAddress(req: IncomingMessage, trustedHops: number): string | undefined {
  // An IPv4 client on a dual-stack socket shows as "::ffff:203.0.113.7"; one address, one spelling.
  const peer = req.socket.remoteAddress?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (trustedHops === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return chain.length >= trustedHops ? chain[chain.length - trustedHops] : peer;
}

/** A metrics label for requests that never reached GraphQL: a known path, or "other". */
function routeOf(method: string | undefined, path: string, router: Router): string {
  return `${method ?? 'GET'} ${path === GRAPHQL_PATH || router.has(path) ? path : 'other'}`;
}

/** Serves only /metrics, for METRICS_PORT. */
export function metricsHandler(metrics: Metrics): Handler {
  return (req, res) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/metrics') return sendError(res, 404, 'NOT_FOUND', 'Not found.');
    void serveMetrics(res, metrics);
  };
}

/** The Prometheus text of every metric; a failure to collect them is a plain 500. */
export async function serveMetrics(res: ServerResponse, metrics: Metrics): Promise<void> {
  try {
    const body = await metrics.registry.metrics();
    res.setHeader('content-type', metrics.registry.contentType);
    res.end(body);
  } catch {
    sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error.');
  }
}
