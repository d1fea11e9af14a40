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
/**
 * A second-factor ticket handed to a browser by a route (the callback of a sign-in at another
 * provider) rather than in a GraphQL answer: never in a URL. Same attributes and guard as the refresh
 * cookie; the second-factor mutations read it when their ticket argument is empty.
 */
export const TICKET_COOKIE = 'sign_in_ticket';

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
  /** The second-factor ticket cookie's value (`TICKET_COOKIE`), when this request may use it. */
  readonly ticket?: string | undefined;
  /** Why a cookie that came with this request may not be used (a CSRF guard refused it). */
  readonly refused: string | undefined;
  /** Whether the cookie is set with `Secure` (everywhere but http://localhost). */
  readonly secure: boolean;
}

export function readRefreshCookie(req: IncomingMessage, settings: CookieSettings): RefreshCookieRequest {
  const wanted = headerValue(req, TRANSPORT_HEADER)?.trim().toLowerCase() === 'cookie';
  const secure = secureCookies(req, settings);
  const header = req.method === 'POST' ? headerValue(req, 'cookie') : undefined;
  const cookie = cookieValue(header, REFRESH_COOKIE);
  const ticket = cookieValue(header, TICKET_COOKIE);
  if (cookie === undefined && ticket === undefined) return { wanted, token: undefined, ticket: undefined, refused: undefined, secure };
  const refused = !wanted
    ? `The refresh cookie is read only with the header X-Refresh-Token-Transport: cookie.`
    : !isListedOrigin(headerValue(req, 'origin'), settings.corsOrigins)
      ? 'The refresh cookie is read only from a page whose origin is listed in CORS_ORIGINS.'
      : undefined;
  return { wanted, token: refused ? undefined : cookie, ticket: refused ? undefined : ticket, refused, secure };
}

/** Whether cookies set in answer to this request say `Secure` (everywhere but http://localhost in development). */
export function secureCookies(req: IncomingMessage, settings: CookieSettings): boolean {
  // Production always says Secure: behind a proxy the Host header may well be a loopback address (nginx
  // sends the upstream's by default), and that must not strip the attribute.
  return settings.isProduction || settings.refreshCookie.sameSite === 'None' || !isLoopbackHost(headerValue(req, 'host'));
}

/** `Set-Cookie` of a second-factor ticket, living as long as the ticket (its attributes are the refresh cookie's). */
export function ticketCookieHeader(ticket: string, maxAgeSeconds: number, secure: boolean, settings: CookieSettings): string {
  return serialize(ticket, Math.max(0, Math.floor(maxAgeSeconds)), secure, settings, TICKET_COOKIE);
}

/**
 * `Set-Cookie` of a cookie that ties a sign-in at another provider to the browser that started it, for
 * the callback route (RFC 9700 section 4.7.1: a state bound to the user agent). `SameSite=Lax`, since
 * the provider's redirect to the route is a cross-site navigation, which never carries Strict cookies;
 * `None` (always Secure) where the refresh cookie is `None` (an API on another site than the app).
 * `Path=/`: the route's path as the browser sees it is not known behind a proxy.
 */
export function bindingCookieHeader(name: string, value: string, maxAgeSeconds: number, secure: boolean, settings: CookieSettings): string {
  const sameSite = settings.refreshCookie.sameSite === 'None' ? 'None' : 'Lax';
  return [`${name}=${value}`, `Max-Age=${maxAgeSeconds}`, 'Path=/', 'HttpOnly', ...(secure ? ['Secure'] : []), `SameSite=${sameSite}`].join('; ');
}

/** `Set-Cookie` that removes a binding cookie once used. */
export function clearedBindingCookieHeader(name: string, secure: boolean, settings: CookieSettings): string {
  return bindingCookieHeader(name, '', 0, secure, settings);
}

/** `Set-Cookie` that hands the browser a refresh token, living as long as the token does. */
export function refreshCookieHeader(token: string, maxAgeSeconds: number, secure: boolean, settings: CookieSettings): string {
  return serialize(token, Math.max(0, Math.floor(maxAgeSeconds)), secure, settings);
}

/** `Set-Cookie` that removes the refresh cookie (same name, path and attributes, expired). */
export function clearedRefreshCookieHeader(secure: boolean, settings: CookieSettings): string {
  return serialize('', 0, secure, settings);
}

function serialize(value: string, maxAge: number, secure: boolean, { refreshCookie }: CookieSettings, name = REFRESH_COOKIE): string {
  return [
    `${name}=${value}`,
    `Max-Age=${maxAge}`,
    `Path=${refreshCookie.path}`,
    'HttpOnly',
    ...(secure ? ['Secure'] : []),
    `SameSite=${refreshCookie.sameSite}`,
  ].join('; ');
}

/** The first cookie of this name (RFC 6265 section 5.4 sends the most specific path first). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
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

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
