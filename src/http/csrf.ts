import type { IncomingMessage } from 'node:http';

/**
 * Cross-site request forgery (OWASP CSRF Prevention Cheat Sheet): another site can make a browser send
 * a "simple" request (Fetch standard: GET, or a POST of a form-like content type, with no custom
 * header) without asking us first; anything else needs a CORS preflight that we answer only for
 * CORS_ORIGINS.
 *
 * - POST, the only method that runs mutations, must be a request a browser preflights: a JSON body
 *   (urql and Apollo Client send one), or Apollo's preflight headers. A form or `text/plain` POST is
 *   refused before it runs.
 * - GET runs queries only (Apollo answers a mutation over GET with 405), so urql's default of sending
 *   queries as GET works. A forged GET gains nothing: queries read the viewer from the Authorization
 *   header alone, which no other site can make a browser send, and the refresh-token cookie is read for
 *   POST only (see cookies.ts). It runs as an anonymous query, as its author could run it directly.
 *
 * Apollo Server's own `csrfPrevention` is off because it treats GET like POST and so refuses urql's
 * queries; this check keeps its rule for POST.
 */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'];

export const CSRF_REFUSAL =
  'This request has been blocked as a potential cross-site request forgery: send the body as ' +
  'Content-Type: application/json, or send an Apollo-Require-Preflight header.';

/** True for a POST that any site could have made a browser send without a preflight. */
export function isForgeablePost(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  const type = req.headers['content-type'];
  const essence = type?.split(';')[0]!.trim().toLowerCase();
  if (essence !== undefined && essence !== '' && !SIMPLE_CONTENT_TYPES.includes(essence)) return false;
  return !PREFLIGHT_HEADERS.some((name) => {
    const value = req.headers[name];
    return typeof value === 'string' && value.length > 0;
  });
}
