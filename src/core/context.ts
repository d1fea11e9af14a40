/**
 * Who is asking, passed first to every service method (Vendure's RequestContext). Built once per
 * request by the layer that received it (GraphQL, an HTTP route, a CLI): services never look at a
 * request themselves.
 */

/** Where a request came from, as shown in the viewer's session list and security log. */
export interface ClientInfo {
  readonly userAgent?: string;
  /** The client's address as seen through the configured number of trusted proxies. */
  readonly ipAddress?: string;
}

/** The signed-in user of a request: the claims of a live access token. */
export interface Viewer {
  readonly userId: string;
  /** The session (device) the token was issued in: `sid`. */
  readonly sessionId: string;
  readonly jti: string;
  readonly expiresAt: Date;
  /** How the session was signed in (RFC 8176 `amr` values, e.g. `pwd`). */
  readonly amr: readonly string[];
  /** When the user last proved who they are in this session (`auth_time`). */
  readonly authTime: Date;
}

export interface ServiceContext {
  readonly requestId: string;
  readonly client: ClientInfo;
}

/** A request made by a signed-in user. */
export interface ViewerContext extends ServiceContext {
  readonly viewer: Viewer;
}

/** For work no client asked for (pruning, deliveries). */
export const SYSTEM_CONTEXT: ServiceContext = { requestId: 'system', client: {} };
