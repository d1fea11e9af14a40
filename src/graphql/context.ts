import type { ServiceContext, Viewer, ViewerContext } from '../core/context';
import type { Services } from '../features';
import type { CookieSettings, RefreshCookieRequest } from '../http/cookies';
import type { Logger } from '../infra/logger';
import type { Metrics } from '../infra/metrics';
import type { AuthState, Authenticator } from '../sessions/Authenticator';
import { topLevelErrorFor, unauthenticated } from './errors';

/** What the context needs from an HTTP request. */
export interface RequestInfo {
  requestId: string;
  authorization: string | undefined;
  service: ServiceContext;
  refreshCookie: RefreshCookieRequest;
  cookieSettings: CookieSettings;
}

/** Filled in while a request runs, for its one log line (never tokens, passwords or hashes). */
export interface RequestTrace {
  /** The operation name, or its kind and root fields. */
  operation?: string;
  /** `ok`, the code of an expected failure, or the top-level error code. */
  outcome?: string;
  /** Kind and root fields ("mutation login"): bounded by the schema, so usable as a metrics label. */
  fields?: string;
}

/** A refresh token to hand over as the cookie, or the cookie to clear; written as `Set-Cookie`. */
export type PendingRefreshCookie = { token: string; expiresAt: Date } | 'clear';

/** Built once per request, in one place (`createContextFactory`), and handed to every resolver. */
export interface RequestContext {
  services: Services;
  logger: Logger;
  /** Who is asking, as services see it (request id, client address and user agent). */
  service: ServiceContext;
  /** Whether the client asked for the cookie transport, and the cookie it may use (see http/cookies.ts). */
  refreshCookie: RefreshCookieRequest;
  /** How the service sets cookies (for root fields that set one besides the refresh cookie). */
  cookieSettings: CookieSettings;
  /** Set by root fields that issue or end a session; sent as the Set-Cookie header. */
  pendingRefreshCookie?: PendingRefreshCookie;
  /**
   * Another cookie a root field sets (a whole `Set-Cookie` value): the browser binding of a sign-in at
   * another provider. No root field sets it together with the refresh cookie, which would win.
   */
  pendingCookie?: string;
  /**
   * The user a root field of this request just signed in (an `AuthSuccess`): its private fields may
   * show in that result though the request carried no token. Set by `SetsRefreshCookie`.
   */
  signedInUserId?: string;
  /** Set when a result was a RateLimited failure; sent as the Retry-After header. */
  retryAfter?: number;
  requestId: string;
  trace: RequestTrace;
  /** Absent when metrics are off. */
  metrics?: Metrics;
  /**
   * The request's authentication, resolved on first use and then remembered. Lazy so that `register`
   * and `login` neither pay for nor fail on whatever `Authorization` header the client sends.
   */
  auth(): Promise<AuthState>;
  /**
   * The token's signature and claims only, without asking the allowlist: lets `me` send the allowlist
   * check and its profile read to Redis together. Never enough to act on by itself.
   */
  verifiedToken(): Promise<AuthState>;
}

export function createContextFactory(authenticator: Authenticator, services: Services, logger: Logger, metrics?: Metrics) {
  return ({ requestId, authorization, service, refreshCookie, cookieSettings }: RequestInfo): RequestContext => {
    let verified: Promise<AuthState> | undefined;
    let state: Promise<AuthState> | undefined;
    const verify = () => (verified ??= authenticator.verify(authorization));
    return {
      services,
      logger,
      service,
      refreshCookie,
      cookieSettings,
      requestId,
      trace: {},
      metrics,
      verifiedToken: verify,
      // Runs outside the resolvers' interceptor (in the auth checker and before execution), so the
      // store's plain errors are mapped here.
      auth: () =>
        (state ??= verify()
          .then((v) => authenticator.confirm(v))
          .catch((error: unknown) => {
            throw topLevelErrorFor(error) ?? error;
          })),
    };
  };
}

/** The viewer's claims; throws UNAUTHENTICATED (401 for a bad token) when there is no live token. */
export async function requireViewer(ctx: RequestContext): Promise<Viewer> {
  const state = await ctx.auth();
  if (state.kind === 'authenticated') return state.claims;
  throw unauthenticated(state.kind === 'invalid');
}

/**
 * Whose private `User` fields (second factors, the security log) this response may show: the account
 * a root field just signed in, else the viewer's (UNAUTHENTICATED without a token).
 */
export async function accountOwnerId(ctx: RequestContext): Promise<string> {
  return ctx.signedInUserId ?? (await requireViewer(ctx)).userId;
}

/** The request as a signed-in user's, for services. */
export async function viewerContext(ctx: RequestContext): Promise<ViewerContext> {
  return { ...ctx.service, viewer: await requireViewer(ctx) };
}
