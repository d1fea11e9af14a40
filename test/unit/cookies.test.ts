import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  bindingCookieHeader,
  clearedBindingCookieHeader,
  clearedRefreshCookieHeader,
  readRefreshCookie,
  refreshCookieHeader,
  ticketCookieHeader,
  type CookieSettings,
} from '../../src/http/cookies';

const settings: CookieSettings = { corsOrigins: ['https://app.example'], refreshCookie: { path: '/graphql', sameSite: 'Strict' }, isProduction: false };
const TOKEN = `rt_${'a'.repeat(43)}`;

function request(method: string, headers: Record<string, string>): IncomingMessage {
  return { method, headers: { host: 'api.example', ...headers } } as unknown as IncomingMessage;
}
const browser = { origin: 'https://app.example', 'x-refresh-token-transport': 'cookie' };

describe('readRefreshCookie', () => {
  it('hands over the cookie only for a POST with the transport header from a listed origin', () => {
    expect(readRefreshCookie(request('POST', { ...browser, cookie: `theme=dark; refresh_token=${TOKEN}` }), settings)).toEqual({
      wanted: true,
      token: TOKEN,
      ticket: undefined,
      refused: undefined,
      secure: true,
    });
  });

  it('hands over a second-factor ticket cookie under the same guard', () => {
    const TICKET = `mfa_${'b'.repeat(43)}`;
    expect(readRefreshCookie(request('POST', { ...browser, cookie: `sign_in_ticket=${TICKET}` }), settings)).toMatchObject({
      token: undefined,
      ticket: TICKET,
      refused: undefined,
    });
    const refused = readRefreshCookie(request('POST', { origin: 'https://app.example', cookie: `sign_in_ticket=${TICKET}` }), settings);
    expect(refused).toMatchObject({ ticket: undefined, refused: expect.stringContaining('X-Refresh-Token-Transport') });
    expect(readRefreshCookie(request('GET', { ...browser, cookie: `sign_in_ticket=${TICKET}` }), settings).ticket).toBeUndefined();
  });

  it('never reads it from a GET, whatever the headers', () => {
    expect(readRefreshCookie(request('GET', { ...browser, cookie: `refresh_token=${TOKEN}` }), settings)).toMatchObject({
      token: undefined,
      refused: undefined,
    });
  });

  it('refuses it without the header, from another origin, without an origin, or when CORS_ORIGINS is *', () => {
    const cases: Array<[Record<string, string>, CookieSettings]> = [
      [{ origin: 'https://app.example' }, settings],
      [{ ...browser, origin: 'https://evil.example' }, settings],
      [{ 'x-refresh-token-transport': 'cookie' }, settings],
      [browser, { ...settings, corsOrigins: ['*'] }],
    ];
    for (const [headers, config] of cases) {
      const seen = readRefreshCookie(request('POST', { ...headers, cookie: `refresh_token=${TOKEN}` }), config);
      expect(seen.token, JSON.stringify(headers)).toBeUndefined();
      expect(seen.refused, JSON.stringify(headers)).toBeTruthy();
    }
  });

  it('drops Secure on http://localhost and loopback addresses only, and never in production (browsers refuse it there over plain HTTP)', () => {
    for (const host of ['localhost:4000', '127.0.0.1:4000', '[::1]:4000', 'app.localhost']) {
      expect(readRefreshCookie(request('POST', { host }), settings).secure, host).toBe(false);
    }
    expect(readRefreshCookie(request('POST', { host: 'localhost.evil.example' }), settings).secure).toBe(true);
    const none: CookieSettings = { ...settings, refreshCookie: { path: '/graphql', sameSite: 'None' } };
    expect(readRefreshCookie(request('POST', { host: 'localhost:4000' }), none).secure).toBe(true);
    // Behind a proxy that passes its upstream's address as Host (nginx's default), production keeps Secure.
    expect(readRefreshCookie(request('POST', { host: '127.0.0.1:4000' }), { ...settings, isProduction: true }).secure).toBe(true);
  });
});

describe('Set-Cookie', () => {
  it('sets and clears with the same name, path and attributes', () => {
    expect(refreshCookieHeader(TOKEN, 3600.7, true, settings)).toBe(
      `refresh_token=${TOKEN}; Max-Age=3600; Path=/graphql; HttpOnly; Secure; SameSite=Strict`,
    );
    expect(clearedRefreshCookieHeader(false, settings)).toBe('refresh_token=; Max-Age=0; Path=/graphql; HttpOnly; SameSite=Strict');
  });

  it("gives the ticket cookie the refresh cookie's path and attributes", () => {
    expect(ticketCookieHeader('mfa_x', 299.9, true, settings)).toBe('sign_in_ticket=mfa_x; Max-Age=299; Path=/graphql; HttpOnly; Secure; SameSite=Strict');
  });

  it('makes the browser binding of a sign-in Lax (the provider redirects cross-site), or None with a None refresh cookie', () => {
    expect(bindingCookieHeader('external_sign_in_ab', 'v', 600, false, settings)).toBe('external_sign_in_ab=v; Max-Age=600; Path=/; HttpOnly; SameSite=Lax');
    const none: CookieSettings = { ...settings, refreshCookie: { path: '/graphql', sameSite: 'None' } };
    expect(bindingCookieHeader('external_sign_in_ab', 'v', 600, true, none)).toBe('external_sign_in_ab=v; Max-Age=600; Path=/; HttpOnly; Secure; SameSite=None');
    expect(clearedBindingCookieHeader('external_sign_in_ab', true, settings)).toBe('external_sign_in_ab=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax');
  });
});
