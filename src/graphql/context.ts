import type { AuthState, Authenticator } from '../sessions/Authenticator';
import type { ViewerLookup } from '../sessions/TokenAllowlist';
import type { AccessClaims } from '../sessions/AccessTokens';
import { unauthenticated } from './errors';
import type { AccountService } from '../features/email-links/EmailLinkService';
import type { AuthService } from '../features/password/PasswordService';
import type { ClientInfo, SessionService } from '../sessions/SessionService';
import type { UserService } from '../features/account/AccountService';
import type { Logger } from '../infra/logger';
import type { Metrics } from '../infra/metrics';
import type { RefreshCookieRequest } from '../http/cookies';
import type { PendingRefreshCookie } from '../features/sessions/graphql/refreshCookie';

export interface Services {
  accounts: AccountService;
  auth: AuthService;
  sessions: SessionService;
  users: UserService;
}

/** What the context needs from an HTTP request. */
export interface RequestInfo {
  requestId: string;
  authorization: string | undefined;
  client: ClientInfo;
  refreshCookie: RefreshCookieRequest;
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

/** Built once per request, in one place (`createContextFactory`), and handed to every resolver. */
export interface RequestContext {
  services: Services;
  logger: Logger;
  /** Where the request came from (user agent, client IP through trusted proxies). */
  client: ClientInfo;
  /** Whether the client asked for the cookie transport, and the cookie it may use (see cookies.ts). */
  refreshCookie: RefreshCookieRequest;
  /** Set by root fields that issue or end a session; sent as the Set-Cookie header. */
  pendingRefreshCookie?: PendingRefreshCookie;
  /** Set when a result was RateLimitedError; sent as the Retry-After header. */
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
   * `auth()` together with the viewer's cached profile, from the same Redis round trip (for `me`).
   * Also settles `auth()` for the rest of the request.
   */
  authWithProfile(): Promise<{ state: AuthState; lookup?: ViewerLookup }>;
}

export function createContextFactory(authenticator: Authenticator, services: Services, logger: Logger, metrics?: Metrics) {
  return ({ requestId, authorization, client, refreshCookie }: RequestInfo): RequestContext => {
    let verified: Promise<AuthState> | undefined;
    let state: Promise<AuthState> | undefined;
    const verify = () => (verified ??= authenticator.verify(authorization));
    return {
      services,
      logger,
      client,
      refreshCookie,
      requestId,
      trace: {},
      metrics,
      auth: () => (state ??= verify().then((v) => authenticator.confirm(v))),
      authWithProfile: () => {
        const result = verify().then((v) => authenticator.confirmWithProfile(v));
        if (!state) {
          state = result.then((r) => r.state);
          // Its failure reaches the caller through `result`; unobserved, this copy must not crash.
          state.catch(() => undefined);
        }
        return result;
      },
    };
  };
}

/** The viewer's claims; throws UNAUTHENTICATED (401 for a bad token) when there is no live token. */
export async function requireViewer(ctx: RequestContext): Promise<AccessClaims> {
  const state = await ctx.auth();
  if (state.kind === 'authenticated') return state.claims;
  throw unauthenticated(state.kind === 'invalid');
}
