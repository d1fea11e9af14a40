import { generateKeyPairSync, randomBytes, randomUUID, type JsonWebKey } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Provider, type IdToken } from 'oidc-provider';
import { LoopbackHttpServer, type ServerMode } from './LoopbackHttpServer';

/**
 * A real OpenID provider (oidc-provider 9) on 127.0.0.1 for tests of "sign in with an identity
 * provider": discovery, JWKS, authorization code flow with PKCE (S256, required), nonce, ID tokens
 * carrying email, email_verified, names and amr, and the RFC 9207 `iss` in authorization responses.
 *
 * Nobody types a password: `authorize(url, user)` walks the authorization request like a browser
 * (cookies, redirects) and the interaction endpoint signs in the chosen user and grants the requested
 * scopes, returning the redirect to the client's redirect_uri without following it.
 *
 * The issuer is plain http (`http://127.0.0.1:<port>`): oidc-provider accepts any web URI as issuer,
 * and web clients may register http redirect URIs (only implicit-flow clients are held to https), so
 * no development switch is needed; clients must call openid-client's `allowInsecureRequests`.
 */

export interface OidcTestUser {
  sub: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
  givenName?: string;
  familyName?: string;
  /** Authentication methods (RFC 8176) reported in the ID token's `amr`, e.g. ['pwd', 'mfa']. */
  amr?: string[];
}

export interface OidcTestClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** oidc-provider accepts one method per client at the token endpoint. Default: client_secret_basic. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

export interface AuthorizeOptions {
  /** Sent to the provider in place of the client's nonce, so the ID token carries one the client never made. */
  nonce?: string;
  /** Issue this authorization's ID token to another registered client: its `aud` names that client. */
  idTokenAudience?: string;
}

/** The provider's redirect to the client: `url` is what the client's callback would receive. */
export interface AuthorizationResponse {
  url: URL;
  code?: string;
  state?: string;
  iss?: string;
  error?: string;
  errorDescription?: string;
}

export interface SigningKey {
  alg: 'ES256' | 'RS256';
  kid: string;
  publicJwk: JsonWebKey;
  privateJwk: JsonWebKey;
}

export interface TestOidcProvider {
  readonly issuer: string;
  readonly port: number;
  /** The one key the provider signs ID tokens with, generated at start. */
  readonly signingKey: SigningKey;
  /** The oidc-provider instance, for what the helper does not cover. */
  readonly provider: Provider;
  /** Registers a client after start, e.g. once the service under test knows its port. */
  addClient(client: OidcTestClient): Promise<void>;
  authorize(authorizationUrl: URL | string, user: OidcTestUser, options?: AuthorizeOptions): Promise<AuthorizationResponse>;
  /** The user signed in when an interaction was not started by authorize(), e.g. by a real browser. */
  setUser(user: OidcTestUser | undefined): void;
  /** `down`: connection refused; `slow`: every response delayed by `delayMs`; `up`: back to normal. */
  setMode(mode: ServerMode, options?: { delayMs?: number }): Promise<void>;
  /** Publishes a different key under the same kid, so a client that checks ID token signatures fails. */
  publishForeignJwks(on: boolean): void;
  close(): Promise<void>;
}

export interface OidcProviderOptions {
  clients?: OidcTestClient[];
  alg?: 'ES256' | 'RS256';
  /**
   * oidc-provider's default (`true`): an ID token issued with an access token carries no scope claims
   * (email, names), which the client must then read at the UserInfo endpoint, as with Okta's custom
   * authorization servers. The helper's default puts them in the ID token, as most providers do.
   */
  conformIdTokenClaims?: boolean;
}

export async function startOidcProvider(options: OidcProviderOptions = {}): Promise<TestOidcProvider> {
  const alg = options.alg ?? 'ES256';
  const signingKey = generateSigningKey(alg);
  const accounts = new Map<string, OidcTestUser>();
  const choices = new Map<string, { user: OidcTestUser; options: AuthorizeOptions }>();
  const audiences = new Map<string, string>();
  let defaultUser: OidcTestUser | undefined;
  let foreignJwks: { keys: JsonWebKey[] } | undefined;

  const server: LoopbackHttpServer = new LoopbackHttpServer(async (req, res): Promise<void> => {
    const path = new URL(req.url ?? '/', server.origin).pathname;
    if (path.startsWith('/interaction/')) return finishInteraction(req, res);
    if (path === '/jwks' && foreignJwks) {
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
      return void res.end(JSON.stringify(foreignJwks));
    }
    callback(req, res);
  });
  await server.listen();
  const issuer = server.origin;

  const provider = new Provider(issuer, {
    clients: (options.clients ?? []).map((client) => clientMetadata(client, alg)),
    jwks: { keys: [signingKey.privateJwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      // oidc-provider's defaults, which this setting replaces; amr and auth_time go with the openid
      // scope, as most providers send them, since standalone claims only appear when a client asks
      // for them with the claims parameter.
      acr: null,
      sid: null,
      iss: null,
      openid: ['sub', 'amr', 'auth_time'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    // By default oidc-provider keeps scope claims out of an ID token that comes with an access token
    // (they are left to userinfo); the service reads them from the ID token, so put them there.
    conformIdTokenClaims: options.conformIdTokenClaims ?? false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    findAccount: (_ctx: unknown, sub: string) => {
      const user = accounts.get(sub);
      return user && { accountId: sub, claims: () => claimsOf(user) };
    },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
    // JSON instead of an HTML page, so a failing authorize() shows the provider's reason.
    renderError: (ctx: { type: string; body: unknown }, out: unknown) => {
      ctx.type = 'json';
      ctx.body = out;
    },
    clientBasedCORS: () => false,
  });
  const callback = provider.callback();
  redirectIdTokens(provider, audiences);

  async function finishInteraction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const choice = choices.get(details.uid) ?? (defaultUser && { user: defaultUser, options: {} });
    choices.delete(details.uid);
    if (!choice) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      return void res.end('no test user chosen: call authorize(url, user) or setUser(user)');
    }
    const { user, options: chosen } = choice;
    accounts.set(user.sub, user);
    // oidc-provider 9 issues nothing without an explicit Grant: consent is given here for every scope asked.
    const grant = new provider.Grant({ accountId: user.sub, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const grantId = await grant.save();
    if (chosen.idTokenAudience) audiences.set(grantId, chosen.idTokenAudience);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.sub, ...(user.amr && { amr: user.amr }) }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  return {
    issuer,
    port: server.port,
    signingKey,
    provider,
    async addClient(client) {
      await provider.Client.adapter.upsert(client.clientId, clientMetadata(client, alg));
      await provider.Client.find(client.clientId); // validates the metadata now rather than at first use
    },
    async authorize(authorizationUrl, user, authorizeOptions = {}) {
      const start = new URL(authorizationUrl);
      if (authorizeOptions.nonce !== undefined) start.searchParams.set('nonce', authorizeOptions.nonce);
      accounts.set(user.sub, user);
      return followToClient(start, issuer, (uid) => choices.set(uid, { user, options: authorizeOptions }));
    },
    setUser(user) {
      defaultUser = user;
    },
    setMode: (mode, modeOptions) => server.setMode(mode, modeOptions),
    publishForeignJwks(on) {
      foreignJwks = on ? { keys: [{ ...generateSigningKey(alg).publicJwk, kid: signingKey.kid }] } : undefined;
    },
    close: () => server.close(),
  };
}

/**
 * Follows the provider's redirects as a browser would, carrying its cookies, and stops at the first
 * redirect that leaves the provider: the one to the client's redirect_uri.
 */
async function followToClient(start: URL, issuer: string, onInteraction: (uid: string) => void): Promise<AuthorizationResponse> {
  const cookies = new Map<string, string>();
  let next = start;
  for (let hop = 0; hop < 10; hop += 1) {
    const response = await fetch(next, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const header of response.headers.getSetCookie()) {
      const pair = header.split(';', 1)[0];
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const value = pair.slice(pair.indexOf('=') + 1);
      if (value) cookies.set(name, value);
      else cookies.delete(name);
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || !location) {
      throw new Error(`the provider answered ${response.status} to ${next.pathname}: ${(await response.text()).slice(0, 500)}`);
    }
    await response.body?.cancel();
    next = new URL(location, next);
    if (next.origin !== new URL(issuer).origin) {
      const parameter = (name: string) => next.searchParams.get(name) ?? undefined;
      return {
        url: next,
        code: parameter('code'),
        state: parameter('state'),
        iss: parameter('iss'),
        error: parameter('error'),
        errorDescription: parameter('error_description'),
      };
    }
    const uid = /^\/interaction\/([^/]+)$/.exec(next.pathname)?.[1];
    if (uid) onInteraction(uid);
  }
  throw new Error(`the provider redirected more than 10 times, last to ${next.href}`);
}

/**
 * Lets a test make the provider issue a correctly signed ID token for another of its clients (the
 * "token meant for someone else" a client must refuse by its `aud`). oidc-provider takes the audience
 * from the client the token is issued to, so the token is issued to the other client.
 */
function redirectIdTokens(provider: Provider, audiences: Map<string, string>): void {
  const { prototype } = provider.IdToken;
  const issue = prototype.issue;
  prototype.issue = async function (this: IdToken, issueOptions) {
    const grantId = this.ctx?.oidc?.entities?.AuthorizationCode?.grantId;
    const audience = grantId === undefined ? undefined : audiences.get(grantId);
    if (audience !== undefined && issueOptions.use === 'idtoken') {
      const other = await provider.Client.find(audience);
      if (!other) throw new Error(`idTokenAudience: no client ${audience} is registered`);
      this.client = other;
    }
    return issue.call(this, issueOptions);
  };
}

function clientMetadata(client: OidcTestClient, alg: SigningKey['alg']): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    redirect_uris: client.redirectUris,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod ?? 'client_secret_basic',
    response_types: ['code'],
    grant_types: ['authorization_code'],
    id_token_signed_response_alg: alg,
  };
}

function claimsOf(user: OidcTestUser): Record<string, unknown> {
  const claims = {
    sub: user.sub,
    email: user.email,
    email_verified: user.email === undefined ? undefined : (user.emailVerified ?? false),
    name: user.name,
    given_name: user.givenName,
    family_name: user.familyName,
  };
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

function generateSigningKey(alg: SigningKey['alg']): SigningKey {
  const { privateKey, publicKey } =
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const meta = { kid, alg, use: 'sig' };
  return {
    alg,
    kid,
    privateJwk: { ...privateKey.export({ format: 'jwk' }), ...meta },
    publicJwk: { ...publicKey.export({ format: 'jwk' }), ...meta },
  };
}
