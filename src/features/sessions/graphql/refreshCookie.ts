import type { ApolloServerPlugin } from '@apollo/server';
import { UseMiddleware, type MiddlewareFn } from 'type-graphql';
import { isFailure } from '../../../core/results';
import type { RequestContext } from '../../../graphql/context';
import { forbidden } from '../../../graphql/errors';
import { clearedRefreshCookieHeader, refreshCookieHeader, type CookieSettings } from '../../../http/cookies';
import type { SignedIn } from '../../../sessions/SessionService';

/**
 * The refresh-token cookie, seen from the GraphQL layer (the HTTP side is cookies.ts). Services know
 * nothing of it: they return an AuthSuccess or end a session, and the marked root fields below turn
 * that into a cookie to set or clear; the plugin writes it as the response's `Set-Cookie`.
 */

/**
 * Every root field that signs in (register, login, refreshToken, a second factor...). It also marks
 * the signed-in user as the owner for the rest of the response (`accountOwnerId`). With cookie transport the refresh token goes into the cookie and
 * the body carries null, so no script ever sees it. A refresh that presented the cookie and failed
 * (unknown, expired, ended or reused) clears it: that session is over.
 */
export function SetsRefreshCookie(): MethodDecorator {
  return UseMiddleware(setsRefreshCookie);
}

/** logout, logoutEverywhere, deleteAccount, and revokeSession of the current session: clear it. */
export function ClearsRefreshCookie(): MethodDecorator {
  return UseMiddleware(clearsRefreshCookie);
}

const setsRefreshCookie: MiddlewareFn<RequestContext> = async ({ context, args }, next) => {
  const result: unknown = await next();
  if (isSignedIn(result)) context.signedInUserId = result.user.id;
  if (isSignedIn(result) && context.refreshCookie.wanted && result.refreshToken) {
    context.pendingRefreshCookie = { token: result.refreshToken, expiresAt: result.refreshTokenExpiresAt };
    result.refreshToken = null;
  }
  const usedCookie = args.refreshToken == null && context.refreshCookie.token !== undefined;
  if (usedCookie && isFailure(result) && (result.code === 'INVALID_REFRESH_TOKEN' || result.code === 'REFRESH_TOKEN_REUSED')) {
    context.pendingRefreshCookie = 'clear';
  }
  return result;
};

const clearsRefreshCookie: MiddlewareFn<RequestContext> = async ({ context }, next) => {
  const result: unknown = await next();
  const { wanted, token, refused } = context.refreshCookie;
  if (!wanted && token === undefined && refused === undefined) return result;
  const kind = typeof result === 'object' && result !== null ? (result as { kind?: unknown }).kind : undefined;
  const ended =
    result === true ||
    kind === 'account-deleted' ||
    (kind === 'session-revoked' && (result as { sessionId: string }).sessionId === (await currentSessionId(context)));
  if (ended) context.pendingRefreshCookie = 'clear';
  return result;
};

function isSignedIn(result: unknown): result is SignedIn {
  return typeof result === 'object' && result !== null && (result as { kind?: unknown }).kind === 'signed-in';
}

async function currentSessionId(context: RequestContext): Promise<string | undefined> {
  const state = await context.auth();
  return state.kind === 'authenticated' ? state.claims.sessionId : undefined;
}

/**
 * The refresh token a `refreshToken` call presents: its argument, else the cookie. A cookie that came
 * without what the CSRF guard asks for is an error that says what is missing (HTTP 403), not a silent
 * "invalid token". Undefined when the request has neither (a page loaded by someone signed out).
 */
export function presentedRefreshToken(argument: string | null | undefined, context: RequestContext): string | undefined {
  if (argument != null) return argument;
  const { token, refused } = context.refreshCookie;
  if (refused) throw forbidden(refused);
  return token;
}

/**
 * The second-factor ticket a call presents (`verifySecondFactor`, the passkey second factor): its
 * argument, or, when that is empty, the ticket cookie a route handed to the browser (the callback of a
 * sign-in at another provider), under the refresh cookie's CSRF guard. Empty (an invalid ticket) when
 * there is neither.
 */
export function presentedTicket(argument: string | null | undefined, context: RequestContext): string {
  if (argument) return argument;
  const { ticket, refused } = context.refreshCookie;
  if (refused) throw forbidden(refused);
  return ticket ?? '';
}

/** Writes the cookie that the root fields decided on as the response's `Set-Cookie` header. */
export function refreshCookiePlugin(settings: CookieSettings, now: () => number): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const pending = contextValue.pendingRefreshCookie;
          if (!pending) {
            if (contextValue.pendingCookie) response.http.headers.set('set-cookie', contextValue.pendingCookie);
            return;
          }
          const { secure } = contextValue.refreshCookie;
          response.http.headers.set(
            'set-cookie',
            pending === 'clear'
              ? clearedRefreshCookieHeader(secure, settings)
              : refreshCookieHeader(pending.token, (pending.expiresAt.getTime() - now()) / 1000, secure, settings),
          );
        },
      };
    },
  };
}
