import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * CORS for browser apps (Fetch standard, "CORS protocol").
 *
 * With a list of origins, a listed origin is echoed back with `Access-Control-Allow-Credentials: true`,
 * so an app may send `credentials: 'include'` (needed for the refresh-token cookie). With `*`, any origin
 * may call, but never with credentials: the Fetch standard forbids `*` together with credentials, and an
 * API that let every site send its cookies would be open to cross-site request forgery.
 */

/**
 * Request headers a browser app may send: the bearer token and JSON body; Apollo Server's CSRF headers;
 * Apollo Client's client awareness; a caller's request id (echoed back, logged); and the choice of the
 * refresh-token transport. urql sends nothing beyond `content-type` and the always-allowed `accept`.
 */
export const ALLOWED_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-request-id',
  'x-refresh-token-transport',
] as const;

/** Response headers JavaScript may read: correlation id, rate-limit wait, and the bearer challenge. */
export const EXPOSED_RESPONSE_HEADERS = ['X-Request-Id', 'Retry-After', 'WWW-Authenticate'] as const;

/** True when `origin` is named in CORS_ORIGINS itself: `*` names no origin. */
export function isListedOrigin(origin: string | undefined, corsOrigins: readonly string[]): boolean {
  return origin !== undefined && origin !== '*' && corsOrigins.includes(origin);
}

/** Sets the CORS headers of any response (and of preflights) for the request's Origin. */
export function applyCors(req: IncomingMessage, res: ServerResponse, corsOrigins: readonly string[]): void {
  const anyOrigin = corsOrigins.includes('*');
  // The answer depends on the Origin header whenever origins are listed: shared caches must key on it.
  if (!anyOrigin && corsOrigins.length > 0) res.setHeader('vary', 'Origin');
  const origin = req.headers.origin;
  if (!origin) return;
  if (anyOrigin) {
    res.setHeader('access-control-allow-origin', '*');
  } else if (isListedOrigin(origin, corsOrigins)) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
  } else {
    return;
  }
  res.setHeader('access-control-expose-headers', EXPOSED_RESPONSE_HEADERS.join(', '));
  if (req.method === 'OPTIONS') {
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', ALLOWED_REQUEST_HEADERS.join(', '));
    res.setHeader('access-control-max-age', '600');
  }
}
