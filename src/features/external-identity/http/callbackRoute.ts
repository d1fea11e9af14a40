import type { ServerResponse } from 'node:http';
import { isFailure } from '../../../core/results';
import {
  clearedBindingCookieHeader,
  cookieValue,
  headerValue,
  refreshCookieHeader,
  secureCookies,
  ticketCookieHeader,
  type CookieSettings,
} from '../../../http/cookies';
import type { Route } from '../../../http/router';
import { isDependencyFailure } from '../../../infra/dependencyFailures';
import type { Logger } from '../../../infra/logger';
import { callbackPath, type ExternalIdentityService, type ExternalSignInFailure } from '../ExternalIdentityService';

/**
 * `GET /auth/callback/<provider>`: for apps that let the service receive the provider's redirect. It
 * finishes the sign-in with the same service as `finishExternalSignIn`, then sends the browser on to
 * EXTERNAL_SIGN_IN_RETURN_URL (303) with a `result` that is never a credential:
 *
 * - `result=signed_in`: the refresh token is in the httpOnly refresh cookie; the app calls `refreshToken`
 *   with `X-Refresh-Token-Transport: cookie` for an access token, as after a reload;
 * - `result=second_factor_required&methods=TOTP,RECOVERY_CODE`: the ticket is in an httpOnly cookie of its
 *   own (`sign_in_ticket`, 5 minutes); the app calls `verifySecondFactor(ticket: "", code:)`, an empty ticket;
 * - `result=account_link_required`: an account has this address (which stays out of the URL); the user
 *   signs in to it another way and links the provider there (the GraphQL finish says which ways);
 * - `result=error&reason=<ExternalSignInFailureReason | RATE_LIMITED | SERVICE_UNAVAILABLE | INTERNAL_ERROR>`.
 *
 * A URL ends up in history, logs and Referer headers: no token, ticket or address goes in one. The route
 * finishes only sign-ins started for it (their redirect URI is this route) by the same browser, which
 * shows the binding cookie the start set: someone else's code and state, sent to a victim as a link,
 * would otherwise sign the victim in to the attacker's account (login CSRF, RFC 9700 section 4.7).
 */
export function callbackRoutes(
  service: ExternalIdentityService,
  returnUrl: string,
  cookies: CookieSettings,
  logger: Logger,
  now: () => number,
): Route[] {
  return service.providers().map(({ id }) => ({
    method: 'GET',
    path: callbackPath(id),
    handle: async (req, res, context, url) => {
      // The router serves HEAD with GET routes; a HEAD (a link preview) must not use up the sign-in.
      if (req.method !== 'GET') {
        res.setHeader('allow', 'GET');
        res.statusCode = 405;
        return void res.end();
      }
      const params = url.searchParams;
      const secure = secureCookies(req, cookies);
      const setCookies: string[] = [];
      const cookieHeader = headerValue(req, 'cookie');
      let result: Record<string, string>;
      try {
        const outcome = await service.finish(
          context,
          { provider: id, code: params.get('code') ?? '', state: params.get('state') ?? '', iss: params.get('iss'), error: params.get('error') },
          {
            browserBinding: (name) => {
              const value = cookieValue(cookieHeader, name);
              // Used up with the state, whatever the outcome.
              if (value !== undefined) setCookies.push(clearedBindingCookieHeader(name, secure, cookies));
              return value;
            },
          },
        );
        if (isFailure(outcome)) {
          result =
            outcome.code === 'RATE_LIMITED'
              ? { result: 'error', reason: 'RATE_LIMITED' }
              : { result: 'error', reason: (outcome as ExternalSignInFailure).reason };
        } else if (outcome.kind === 'signed-in') {
          setCookies.push(refreshCookieHeader(outcome.refreshToken!, (outcome.refreshTokenExpiresAt.getTime() - now()) / 1000, secure, cookies));
          result = { result: 'signed_in' };
        } else if (outcome.kind === 'second-factor-required') {
          setCookies.push(ticketCookieHeader(outcome.ticket, (outcome.expiresAt.getTime() - now()) / 1000, secure, cookies));
          result = { result: 'second_factor_required', methods: outcome.methods.join(',') };
        } else {
          result = { result: 'account_link_required' };
        }
      } catch (error) {
        if (isDependencyFailure(error)) {
          logger.warn('dependency unavailable', { route: callbackPath(id), error });
          result = { result: 'error', reason: 'SERVICE_UNAVAILABLE' };
        } else {
          logger.error('unexpected error', { route: callbackPath(id), error });
          result = { result: 'error', reason: 'INTERNAL_ERROR' };
        }
      }
      redirect(res, returnUrl, result, setCookies);
    },
  }));
}

function redirect(res: ServerResponse, returnUrl: string, result: Record<string, string>, setCookies: string[]): void {
  const target = new URL(returnUrl);
  for (const [name, value] of Object.entries(result)) target.searchParams.set(name, value);
  if (setCookies.length > 0) res.setHeader('set-cookie', setCookies);
  // 303: the browser follows with a GET, and the callback URL (with its code) is not what it shows.
  res.statusCode = 303;
  res.setHeader('location', target.href);
  res.end();
}
