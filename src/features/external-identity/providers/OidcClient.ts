import * as client from 'openid-client';
import type { Logger } from '../../../infra/logger';
import type { OidcProviderSettings } from '../config';
import {
  classifyProviderError,
  cleanAmr,
  cleanEmail,
  cleanText,
  ProviderRefusedError,
  ProviderUnavailableError,
  type AuthorizationRequest,
  type IdentityProviderClient,
  type ProviderProfile,
  type Redemption,
} from './IdentityProviderClient';

export interface ProviderCallOptions {
  /** openid-client's `allowInsecureRequests`: http issuers; never in production. */
  readonly allowInsecureRequests: boolean;
  readonly timeoutMs: number;
}

/**
 * An OpenID Connect provider through openid-client 6: discovery from the issuer, the authorization code
 * flow with PKCE (S256), state and nonce, and the ID token checked by the library: its signature
 * against the provider's JWKS (`enableNonRepudiationChecks`: without it openid-client trusts TLS for a
 * token from the token endpoint), `iss`, `aud`, `azp`, `exp`, `iat` and `nonce`; and RFC 9207 `iss` of
 * the authorization response.
 *
 * Discovery happens at start-up and again whenever the provider is needed and not discovered yet, so
 * a provider that was down when the service started is picked up once it answers; concurrent callers
 * share one attempt.
 */
export class OidcClient implements IdentityProviderClient {
  readonly id: string;
  readonly name: string;
  private configuration: client.Configuration | undefined;
  private discovering: Promise<client.Configuration> | undefined;

  constructor(
    private readonly settings: OidcProviderSettings,
    private readonly options: ProviderCallOptions,
    private readonly logger: Logger,
  ) {
    this.id = settings.id;
    this.name = settings.name;
  }

  async prepare(): Promise<boolean> {
    try {
      await this.discovered();
      return true;
    } catch {
      return false;
    }
  }

  async authorizationUrl(request: AuthorizationRequest): Promise<URL> {
    const config = await this.discovered();
    return client.buildAuthorizationUrl(config, {
      redirect_uri: request.redirectUri,
      scope: this.settings.scopes.join(' '),
      state: request.state,
      nonce: request.nonce,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    });
  }

  async redeem(redemption: Redemption): Promise<ProviderProfile> {
    const config = await this.discovered();
    // The authorization response as the redirect URI received it. Its RFC 9207 `iss` is the client's
    // when it has one (openid-client then refuses any other issuer); without it, the configured
    // issuer stands in, since a provider that advertises the parameter has its absence refused.
    const callback = new URL(redemption.redirectUri);
    callback.searchParams.set('code', redemption.code);
    callback.searchParams.set('state', redemption.state);
    callback.searchParams.set('iss', redemption.iss ?? config.serverMetadata().issuer);
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: redemption.codeVerifier,
        expectedState: redemption.state,
        expectedNonce: redemption.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken || typeof idToken.sub !== 'string' || idToken.sub === '' || idToken.sub.length > 255) {
        throw new ProviderRefusedError('ID token without a usable sub');
      }
      claims = idToken;
      // Providers that keep profile claims out of an ID token issued with an access token (OpenID
      // Connect Core 5.4 allows it; Okta's custom servers and oidc-provider's default do it) give them
      // at the UserInfo endpoint. openid-client checks that its `sub` is the ID token's; the ID token's
      // own claims win.
      const userInfoEndpoint = config.serverMetadata().userinfo_endpoint;
      if (idToken.email === undefined && userInfoEndpoint && tokens.access_token) {
        claims = { ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...idToken };
      }
    } catch (error) {
      throw classifyProviderError(error);
    }
    return {
      subject: claims.sub as string,
      email: cleanEmail(claims.email),
      // Apple sends it as the string "true".
      emailVerified: claims.email_verified === true || claims.email_verified === 'true',
      givenName: cleanText(claims.given_name),
      familyName: cleanText(claims.family_name),
      name: cleanText(claims.name),
      amr: cleanAmr(claims.amr),
    };
  }

  private discovered(): Promise<client.Configuration> {
    if (this.configuration) return Promise.resolve(this.configuration);
    this.discovering ??= this.discover().finally(() => (this.discovering = undefined));
    return this.discovering;
  }

  private async discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    try {
      const config = await client.discovery(new URL(issuer), clientId, undefined, secretAuthentication(clientSecret), {
        execute: [...(this.options.allowInsecureRequests ? [client.allowInsecureRequests] : []), client.enableNonRepudiationChecks],
        timeout: this.options.timeoutMs / 1000,
      });
      config.timeout = this.options.timeoutMs / 1000;
      this.configuration = config;
      this.logger.info('identity provider discovered', { provider: this.id, issuer });
      return config;
    } catch (error) {
      const classified = safeClassify(error);
      // The issuer and a reason; never the client secret (openid-client's errors do not carry it).
      this.logger.warn('identity provider discovery failed; retried when it is next needed', { provider: this.id, issuer, reason: classified.reason });
      throw new ProviderUnavailableError(`discovery: ${classified.reason}`);
    }
  }
}

/**
 * The client secret sent as the provider's discovery document says it takes it: HTTP Basic when it
 * lists `client_secret_basic` or lists nothing (the default of OpenID Connect Discovery section 3),
 * else in the body (`client_secret_post`).
 */
function secretAuthentication(secret: string): client.ClientAuth {
  const basic = client.ClientSecretBasic(secret);
  const post = client.ClientSecretPost(secret);
  return (as, metadata, body, headers) => {
    const methods = as.token_endpoint_auth_methods_supported;
    const usePost = Array.isArray(methods) && !methods.includes('client_secret_basic') && methods.includes('client_secret_post');
    (usePost ? post : basic)(as, metadata, body, headers);
  };
}

/** Discovery can fail in ways no redemption does (a wrong issuer in the document): all of them mean "not yet". */
function safeClassify(error: unknown): ProviderUnavailableError | ProviderRefusedError {
  try {
    return classifyProviderError(error);
  } catch {
    return new ProviderUnavailableError(error instanceof Error ? error.name : 'unknown');
  }
}
