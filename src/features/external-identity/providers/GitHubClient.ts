import * as client from 'openid-client';
import type { GitHubProviderSettings } from '../config';
import {
  classifyProviderError,
  cleanEmail,
  cleanText,
  ProviderRefusedError,
  ProviderUnavailableError,
  type AuthorizationRequest,
  type IdentityProviderClient,
  type ProviderProfile,
  type Redemption,
} from './IdentityProviderClient';
import type { ProviderCallOptions } from './OidcClient';

/** What the profile needs: `read:user` for the user, `user:email` for their addresses and whether GitHub verified them. */
const SCOPES = 'read:user user:email';

interface GitHubUser {
  id?: unknown;
  login?: unknown;
  name?: unknown;
}

interface GitHubEmail {
  email?: unknown;
  primary?: unknown;
  verified?: unknown;
}

/**
 * GitHub, which is OAuth 2 but not OpenID Connect: no discovery, no ID token, no nonce. openid-client's
 * plain OAuth 2 runs the code flow with PKCE (S256) and state against GitHub's fixed endpoints, whose
 * base URLs are configurable (GitHub Enterprise Server; a local stand-in in tests): arctic's GitHub
 * class is fixed to github.com. Who signed in comes from the API: `/user` (the numeric id is the
 * subject; logins can be renamed and reused) and `/user/emails` (the primary address, and whether
 * GitHub verified it).
 */
export class GitHubClient implements IdentityProviderClient {
  readonly id: string;
  readonly name: string;
  private readonly config: client.Configuration;
  private readonly apiBase: string;

  constructor(settings: GitHubProviderSettings, options: ProviderCallOptions) {
    this.id = settings.id;
    this.name = settings.name;
    const tokenEndpoint = `${settings.webUrl}/login/oauth/access_token`;
    // Client secret in the body (openid-client's default, client_secret_post), as GitHub documents.
    this.config = new client.Configuration(
      { issuer: settings.webUrl, authorization_endpoint: `${settings.webUrl}/login/oauth/authorize`, token_endpoint: tokenEndpoint },
      settings.clientId,
      settings.clientSecret,
    );
    if (options.allowInsecureRequests) client.allowInsecureRequests(this.config);
    this.config.timeout = options.timeoutMs / 1000;
    this.config[client.customFetch] = gitHubTokenErrorsAsHttpErrors(tokenEndpoint);
    // `<server>/api/v3` on GitHub Enterprise Server: paths are resolved below it, not from its root.
    this.apiBase = settings.apiUrl.endsWith('/') ? settings.apiUrl : `${settings.apiUrl}/`;
  }

  async prepare(): Promise<boolean> {
    return true;
  }

  async authorizationUrl(request: AuthorizationRequest): Promise<URL> {
    return client.buildAuthorizationUrl(this.config, {
      redirect_uri: request.redirectUri,
      scope: SCOPES,
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    });
  }

  async redeem(redemption: Redemption): Promise<ProviderProfile> {
    // GitHub sends no RFC 9207 `iss` and advertises none; whatever the client passes is not GitHub's.
    const callback = new URL(redemption.redirectUri);
    callback.searchParams.set('code', redemption.code);
    callback.searchParams.set('state', redemption.state);
    try {
      const tokens = await client.authorizationCodeGrant(this.config, callback, {
        pkceCodeVerifier: redemption.codeVerifier,
        expectedState: redemption.state,
      });
      // Neither answer needs the other: one round trip to GitHub, not two.
      const [fetched, emails] = await Promise.all([this.get(tokens.access_token, 'user'), this.get(tokens.access_token, 'user/emails')]);
      const user = fetched as GitHubUser;
      if (typeof user.id !== 'number' || !Number.isSafeInteger(user.id)) throw new ProviderRefusedError('GitHub user without a numeric id');
      const primary = Array.isArray(emails) ? (emails as GitHubEmail[]).find((entry) => entry?.primary === true) : undefined;
      const name = cleanText(user.name) ?? cleanText(user.login);
      return {
        subject: String(user.id),
        email: cleanEmail(primary?.email),
        emailVerified: primary?.verified === true,
        name,
        amr: [],
      };
    } catch (error) {
      throw classifyProviderError(error);
    }
  }

  private async get(accessToken: string, path: string): Promise<unknown> {
    const response = await client.fetchProtectedResource(
      this.config,
      accessToken,
      new URL(path, this.apiBase),
      'GET',
      undefined,
      new Headers({ accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' }),
    );
    if (response.status >= 500 || response.status === 429) throw new ProviderUnavailableError(`GitHub API HTTP ${response.status}`);
    if (response.status !== 200) throw new ProviderRefusedError(`GitHub API HTTP ${response.status} for /${path}`);
    return response.json();
  }
}

/**
 * GitHub answers token endpoint errors (a used or wrong code) with HTTP 200 and an `error` member.
 * openid-client would take that for a malformed success; as a 400 it is the ResponseBodyError any
 * OAuth server's refusal raises, with GitHub's error code.
 */
function gitHubTokenErrorsAsHttpErrors(tokenEndpoint: string): client.CustomFetch {
  return async (url, options) => {
    const response = await fetch(url, options);
    if (url !== tokenEndpoint || response.status !== 200) return response;
    const body: unknown = await response
      .clone()
      .json()
      .catch(() => undefined);
    if (typeof (body as { error?: unknown } | undefined)?.error !== 'string') return response;
    return new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/json' } });
  };
}
