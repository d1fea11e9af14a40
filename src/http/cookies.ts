import type { IncomingMessage } from 'node:http';
import type { Config } from '../config/index';
import { isListedOrigin } from './cors';

/**
 * The refresh token as an httpOnly cookie, for browser apps that ask for it with the request header
 * `X-Refresh-Token-Transport: cookie`. Script on the page (an XSS payload included) can never read it,
 * unlike a token kept in localStorage (OWASP HTML5 Security Cheat Sheet, "Local Storage").
 *
 * Attributes (RFC 6265bis): HttpOnly; Secure, except on http://localhost in development, where browsers
 * would drop it;
 * SameSite (Strict by default: other sites never make the browser send it); and Path narrowed to the
 * GraphQL endpoint, so no other route of the host, and no page, ever receives it.
 *
 * Reading it is guarded against cross-site request forgery (OWASP CSRF Prevention Cheat Sheet): it is
 * only read from a POST (GET runs queries, which never use it) that carries the transport header (a
 * custom header, so the browser must have passed a CORS preflight) and an Origin listed in
 * CORS_ORIGINS (`*` lists none). SameSite alone is not enough: sibling subdomains are "same site".
 */

export const TRANSPORT_HEADER = 'x-refresh-token-transport';
export const REFRESH_COOKIE = 'refresh_token';

export interface CookieSettings {
  readonly corsOrigins: Config['corsOrigins'];
  readonly isProduction: boolean;
  readonly refreshCookie: Config['features']['sessions']['refreshCookie'];
}

/** What one request says about the cookie transport; decided once, from the HTTP request. */
export interface RefreshCookieRequest {
  /** The client asked for its refresh token as a cookie. */
  readonly wanted: boolean;
  /** The cookie's value, when this request may use it. */
  readonly token: string | undefined;
  /** Why a cookie that came with this request may not be used (a CSRF guard refused it). */
  readonly refused: string | undefined;
  /** Whether the cookie is set with `Secure` (everywhere but http://localhost). */
  readonly secure: boolean;
}

export function readRefreshCookie(req: IncomingMessage, settings: CookieSettings): RefreshCookieRequest {
  const wanted = headerValue(req, TRANSPORT_HEADER)?.trim().toLowerCase() === 'cookie';
  // Production always says Secure: behind a proxy the Host header may well be a loopback address (nginx
  // sends the upstream's by default), and that must not strip the attribute.
  const secure = settings.isProduction || settings.refreshCookie.sameSite === 'None' || !isLoopbackHost(headerValue(req, 'host'));
  const cookie = req.method === 'POST' ? cookieValue(headerValue(req, 'cookie'), REFRESH_COOKIE) : undefined;
  if (cookie === undefined) return { wanted, token: undefined, refused: undefined, secure };
  const refused = !wanted
    ? `The refresh cookie is read only with the header X-Refresh-Token-Transport: cookie.`
    : !isListedOrigin(headerValue(req, 'origin'), settings.corsOrigins)
      ? 'The refresh cookie is read only from a page whose origin is listed in CORS_ORIGINS.'
      : undefined;
  return { wanted, token: refused ? undefined : cookie, refused, secure };
}

/** `Set-Cookie` that hands the browser a refresh token, living as long as the token does. */
export function refreshCookieHeader(token: string, maxAgeSeconds: number, secure: boolean, settings: CookieSettings): string {
  return serialize(token, Math.max(0, Math.floor(maxAgeSeconds)), secure, settings);
}

/** `Set-Cookie` that removes the refresh cookie (same name, path and attributes, expired). */
export function clearedRefreshCookieHeader(secure: boolean, settings: CookieSettings): string {
  return serialize('', 0, secure, settings);
}

function serialize(value: string, maxAge: number, secure: boolean, { refreshCookie }: CookieSettings): string {
  return [
    `${REFRESH_COOKIE}=${value}`,
    `Max-Age=${maxAge}`,
    `Path=${refreshCookie.path}`,
    'HttpOnly',
    ...(secure ? ['Secure'] : []),
    `SameSite=${refreshCookie.sameSite}`,
  ].join('; ');
}

/** The first cookie of this name (RFC 6265 section 5.4 sends the most specific path first). */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim() || undefined;
  }
  return undefined;
}

/** http://localhost (and loopback addresses): browsers drop `Secure` cookies from plain HTTP elsewhere. */
function isLoopbackHost(host: string | undefined): boolean {
  const hostname = host?.replace(/:\d+$/, '').toLowerCase();
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]' || !!hostname?.endsWith('.localhost');
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
