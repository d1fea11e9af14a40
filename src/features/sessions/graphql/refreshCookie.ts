import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { UseMiddleware, type MiddlewareFn } from 'type-graphql';
import type { RequestContext } from '../../../graphql/context';
import { clearedRefreshCookieHeader, refreshCookieHeader, type CookieSettings } from '../../../http/cookies';
import { InvalidRefreshTokenError, RefreshTokenReusedError, TopLevelCode } from '../../../graphql/errors';
import { AuthSuccess } from '../../password/graphql/types';
import { RevokeSessionSuccess } from './types';
import { AccountDeleted } from '../../email-links/graphql/types';

/**
 * The refresh-token cookie, seen from the GraphQL layer (the HTTP side is cookies.ts). Services know
 * nothing of it: they return an AuthSuccess or end a session, and the marked root fields below turn
 * that into a cookie to set or clear; the plugin writes it as the response's `Set-Cookie`.
 */
export type PendingRefreshCookie = { token: string; expiresAt: Date } | 'clear';

/**
 * register, login and refreshToken. With cookie transport the refresh token goes into the cookie and
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
  if (result instanceof AuthSuccess && context.refreshCookie.wanted && result.refreshToken) {
    context.pendingRefreshCookie = { token: result.refreshToken, expiresAt: result.refreshTokenExpiresAt };
    result.refreshToken = null;
  }
  const usedCookie = args.refreshToken == null && context.refreshCookie.token !== undefined;
  if (usedCookie && (result instanceof InvalidRefreshTokenError || result instanceof RefreshTokenReusedError)) {
    context.pendingRefreshCookie = 'clear';
  }
  return result;
};

const clearsRefreshCookie: MiddlewareFn<RequestContext> = async ({ context }, next) => {
  const result: unknown = await next();
  const { wanted, token, refused } = context.refreshCookie;
  if (!wanted && token === undefined && refused === undefined) return result;
  const ended =
    result === true ||
    result instanceof AccountDeleted ||
    (result instanceof RevokeSessionSuccess && result.sessionId === (await currentSessionId(context)));
  if (ended) context.pendingRefreshCookie = 'clear';
  return result;
};

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
  if (refused) {
    throw new GraphQLError(refused, { extensions: { code: TopLevelCode.FORBIDDEN, http: { status: 403 } } });
  }
  return token;
}

/** Writes the cookie that the root fields decided on as the response's `Set-Cookie` header. */
export function refreshCookiePlugin(settings: CookieSettings, now: () => number): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const pending = contextValue.pendingRefreshCookie;
          if (!pending) return;
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
