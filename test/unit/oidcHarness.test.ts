import { CodeChallengeMethod, GitHub, OAuth2Client } from 'arctic';
import * as client from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn, type GitHubTestUser } from '../helpers/githubStandIn';
import { startOidcProvider, type OidcTestUser, type TestOidcProvider } from '../helpers/oidcProvider';

/**
 * Proof that the test harness for "sign in with an identity provider" works with openid-client 6 as
 * the service will use it: a real oidc-provider on loopback, discovery over http, code flow with PKCE
 * S256, state and nonce, ID token signatures checked against the JWKS, RFC 9207 `iss`, and each
 * refusal surfacing as a distinct error. Then GitHub sign-in through the stand-in, with openid-client's
 * plain OAuth 2 (arctic's GitHub class cannot be pointed anywhere but github.com).
 */

// Never requested: authorize() stops at the redirect to it and hands it back as the callback URL.
const REDIRECT_URI = 'http://127.0.0.1:9/auth/oidc/callback';
const SERVICE = { clientId: 'auth-service', clientSecret: 'service-secret-0123456789' };
const OTHER = { clientId: 'other-app', clientSecret: 'other-secret-0123456789' };

const ada: OidcTestUser = {
  sub: 'ada-1815',
  email: 'ada@example.test',
  emailVerified: true,
  name: 'Ada Lovelace',
  givenName: 'Ada',
  familyName: 'Lovelace',
  amr: ['pwd', 'mfa'],
};

let op: TestOidcProvider;
beforeAll(async () => {
  op = await startOidcProvider({
    clients: [SERVICE, OTHER].map((c) => ({ ...c, redirectUris: [REDIRECT_URI] })),
  });
});
afterEach(async () => {
  op.publishForeignJwks(false);
  await op.setMode('up');
});
afterAll(() => op?.close());

/** How the service will configure openid-client for a provider. */
function discover(credentials = SERVICE, options: { nonRepudiation?: boolean; timeout?: number } = {}) {
  return client.discovery(
    new URL(op.issuer),
    credentials.clientId,
    credentials.clientSecret,
    client.ClientSecretBasic(credentials.clientSecret),
    {
      execute: [client.allowInsecureRequests, ...(options.nonRepudiation === false ? [] : [client.enableNonRepudiationChecks])],
      timeout: options.timeout ?? 5,
    },
  );
}

/** The authorization request, and the checks the callback must pass (what the service keeps in its state). */
async function begin(config: client.Configuration) {
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const expectedState = client.randomState();
  const expectedNonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: 'S256',
    state: expectedState,
    nonce: expectedNonce,
  });
  return { url, checks: { pkceCodeVerifier, expectedState, expectedNonce, idTokenExpected: true } };
}

/** The error a promise rejects with, to assert on its class, code and cause. */
async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; error?: string; status?: number; cause?: any }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('oidc harness: openid-client 6 against a real oidc-provider', () => {
  it('discovers an http loopback issuer that sends iss in authorization responses and requires S256', async () => {
    const metadata = (await discover()).serverMetadata();
    expect(metadata.issuer).toBe(op.issuer);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    // Without allowInsecureRequests openid-client refuses http outright.
    const refused = await failure(client.discovery(new URL(op.issuer), SERVICE.clientId, SERVICE.clientSecret));
    expect(refused).toBeInstanceOf(client.ClientError);
    expect(refused.code).toBe('OAUTH_HTTP_REQUEST_FORBIDDEN');
  });

  it('runs the code flow and returns the signed, verified ID token claims', async () => {
    const config = await discover();
    const { url, checks } = await begin(config);
    const callback = await op.authorize(url, ada);
    expect(callback.iss).toBe(op.issuer);
    expect(callback.state).toBe(checks.expectedState);

    const tokens = await client.authorizationCodeGrant(config, callback.url, checks);
    expect(tokens.claims()).toMatchObject({
      iss: op.issuer,
      aud: SERVICE.clientId,
      sub: 'ada-1815',
      nonce: checks.expectedNonce,
      email: 'ada@example.test',
      email_verified: true,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      amr: ['pwd', 'mfa'],
      auth_time: expect.any(Number),
    });
    // The JWKS was fetched to check the signature: enableNonRepudiationChecks is on.
    expect(client.getJwksCache(config)?.jwks.keys.map((key) => key.kid)).toEqual([op.signingKey.kid]);
  });

  it('reports an unverified address and no amr as they are', async () => {
    const config = await discover();
    const { url, checks } = await begin(config);
    const callback = await op.authorize(url, { sub: 'bob', email: 'bob@example.test', emailVerified: false });
    const claims = (await client.authorizationCodeGrant(config, callback.url, checks)).claims();
    expect(claims).toMatchObject({ sub: 'bob', email: 'bob@example.test', email_verified: false });
    expect(claims).not.toHaveProperty('amr');
  });

  it('takes a client registered after start, here one that authenticates with client_secret_post', async () => {
    const late = { clientId: 'late-app', clientSecret: 'late-secret-0123456789' };
    await op.addClient({ ...late, redirectUris: [REDIRECT_URI], tokenEndpointAuthMethod: 'client_secret_post' });
    const config = await client.discovery(new URL(op.issuer), late.clientId, late.clientSecret, client.ClientSecretPost(late.clientSecret), {
      execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
    });
    const { url, checks } = await begin(config);
    const tokens = await client.authorizationCodeGrant(config, (await op.authorize(url, ada)).url, checks);
    expect(tokens.claims()).toMatchObject({ aud: late.clientId, sub: 'ada-1815' });
  });

  it('refuses a replayed code (invalid_grant from the provider)', async () => {
    const config = await discover();
    const { url, checks } = await begin(config);
    const callback = await op.authorize(url, ada);
    await client.authorizationCodeGrant(config, callback.url, checks);
    const replay = await failure(client.authorizationCodeGrant(config, callback.url, checks));
    expect(replay).toBeInstanceOf(client.ResponseBodyError);
    expect(replay).toMatchObject({ error: 'invalid_grant', status: 400, code: 'OAUTH_RESPONSE_BODY_ERROR' });
  });

  it('refuses an ID token whose nonce is not the one it sent', async () => {
    const config = await discover();
    const { url, checks } = await begin(config);
    const callback = await op.authorize(url, ada, { nonce: client.randomNonce() });
    const refused = await failure(client.authorizationCodeGrant(config, callback.url, checks));
    expect(refused).toBeInstanceOf(client.ClientError);
    expect(refused.code).toBe('OAUTH_JWT_CLAIM_COMPARISON_FAILED');
    expect(refused.cause.cause).toMatchObject({ claim: 'nonce', expected: checks.expectedNonce });
  });

  it('refuses an ID token issued to another client (aud)', async () => {
    const config = await discover();
    const { url, checks } = await begin(config);
    const callback = await op.authorize(url, ada, { idTokenAudience: OTHER.clientId });
    const refused = await failure(client.authorizationCodeGrant(config, callback.url, checks));
    expect(refused).toBeInstanceOf(client.ClientError);
    expect(refused.code).toBe('OAUTH_JWT_CLAIM_COMPARISON_FAILED');
    expect(refused.cause.cause).toMatchObject({ claim: 'aud', expected: SERVICE.clientId });
  });

  it("refuses to redeem another client's code (invalid_grant from the provider)", async () => {
    const other = await discover(OTHER);
    const { url } = await begin(other);
    const callback = await op.authorize(url, ada);
    const config = await discover();
    const { checks } = await begin(config);
    const refused = await failure(
      client.authorizationCodeGrant(config, callback.url, { ...checks, expectedState: callback.state! }),
    );
    expect(refused).toBeInstanceOf(client.ResponseBodyError);
    expect(refused).toMatchObject({ error: 'invalid_grant' });
  });

  it('checks RFC 9207 iss from the callback URL: required, and must be the issuer', async () => {
    const config = await discover();
    const { url, checks } = await begin(config);
    const callback = await op.authorize(url, ada);

    const withoutIss = new URL(callback.url);
    withoutIss.searchParams.delete('iss');
    const missing = await failure(client.authorizationCodeGrant(config, withoutIss, checks));
    expect(missing).toBeInstanceOf(client.ClientError);
    expect(missing.code).toBe('OAUTH_INVALID_RESPONSE');
    expect(missing.cause.message).toBe('response parameter "iss" (issuer) missing');

    const mixedUp = new URL(callback.url);
    mixedUp.searchParams.set('iss', 'http://127.0.0.1:1');
    const wrong = await failure(client.authorizationCodeGrant(config, mixedUp, checks));
    expect(wrong.code).toBe('OAUTH_INVALID_RESPONSE');
    expect(wrong.cause.message).toBe('unexpected "iss" (issuer) response parameter value');

    // Neither attempt reached the token endpoint, so the code is still good.
    const tokens = await client.authorizationCodeGrant(config, callback.url, checks);
    expect(tokens.claims()?.sub).toBe('ada-1815');
  });

  it('checks the ID token signature against the JWKS only with enableNonRepudiationChecks', async () => {
    op.publishForeignJwks(true);
    const checking = await discover();
    const first = await begin(checking);
    const refused = await failure(client.authorizationCodeGrant(checking, (await op.authorize(first.url, ada)).url, first.checks));
    expect(refused).toBeInstanceOf(client.ClientError);
    expect(refused.code).toBe('OAUTH_INVALID_RESPONSE');
    expect(refused.cause.message).toBe('JWT signature verification failed');

    // The same forged key set goes unnoticed without it: TLS alone would be trusted for the token.
    const trusting = await discover(SERVICE, { nonRepudiation: false });
    const second = await begin(trusting);
    const tokens = await client.authorizationCodeGrant(trusting, (await op.authorize(second.url, ada)).url, second.checks);
    expect(tokens.claims()?.sub).toBe('ada-1815');
  });

  it('fails fast with a TypeError (ECONNREFUSED) when the provider is down', async () => {
    const config = await discover();
    const { url, checks } = await begin(config);
    const callback = await op.authorize(url, ada);
    await op.setMode('down');

    const started = Date.now();
    const atDiscovery = await failure(discover());
    const atToken = await failure(client.authorizationCodeGrant(config, callback.url, checks));
    expect(Date.now() - started).toBeLessThan(1_000);
    for (const error of [atDiscovery, atToken]) {
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe('fetch failed');
      expect(error.cause.code).toBe('ECONNREFUSED');
    }

    await op.setMode('up');
    expect((await client.authorizationCodeGrant(config, callback.url, checks)).claims()?.sub).toBe('ada-1815');
  });

  it('gives up on a slow provider after the configured timeout (seconds) with OAUTH_TIMEOUT', async () => {
    const config = await discover();
    const { url, checks } = await begin(config);
    const callback = await op.authorize(url, ada);
    await op.setMode('slow', { delayMs: 3_000 });

    const started = Date.now();
    const atDiscovery = await failure(discover(SERVICE, { timeout: 0.3 }));
    config.timeout = 0.3;
    const atToken = await failure(client.authorizationCodeGrant(config, callback.url, checks));
    expect(Date.now() - started).toBeLessThan(2_000);
    for (const error of [atDiscovery, atToken]) {
      expect(error).toBeInstanceOf(client.ClientError);
      expect(error.code).toBe('OAUTH_TIMEOUT');
      expect(error.cause.name).toBe('TimeoutError');
    }
  });
});

const APP = { clientId: 'Iv1.standin0123456789', clientSecret: 'gh-secret-0123456789', callbackUrl: 'http://127.0.0.1:9/auth/github/callback' };
const octocat: GitHubTestUser = {
  id: 583231,
  login: 'octocat',
  name: 'The Octocat',
  emails: [
    { email: 'octocat@example.test', primary: true, verified: true, visibility: 'public' },
    { email: 'old-octocat@example.test', primary: false, verified: false },
  ],
};

/**
 * GitHub answers token endpoint errors with HTTP 200 and an `error` member. openid-client would see a
 * response without access_token (OAUTH_INVALID_RESPONSE); turned into a 400 it raises a
 * ResponseBodyError carrying GitHub's error code, like any OAuth server's.
 */
function gitHubTokenErrorsAsHttpErrors(tokenEndpoint: string): client.CustomFetch {
  return async (url, options) => {
    const response = await fetch(url, options);
    if (url !== tokenEndpoint || response.status !== 200) return response;
    const body: unknown = await response.clone().json().catch(() => undefined);
    if (typeof (body as { error?: unknown } | undefined)?.error !== 'string') return response;
    return new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/json' } });
  };
}

describe('oidc harness: GitHub through the stand-in, with openid-client plain OAuth 2', () => {
  let gh: GitHubStandIn;
  beforeAll(async () => {
    gh = await startGitHubStandIn({ apps: [APP] });
  });
  afterAll(() => gh?.close());

  /** GitHub has no discovery: the configuration is built from its (configurable) endpoints. */
  function gitHubConfig(options: { translateErrors?: boolean } = {}): client.Configuration {
    const config = new client.Configuration(
      { issuer: gh.webUrl, authorization_endpoint: gh.authorizationEndpoint, token_endpoint: gh.tokenEndpoint },
      APP.clientId,
      APP.clientSecret, // sent in the body (client_secret_post, openid-client's default), as GitHub documents
    );
    client.allowInsecureRequests(config);
    config.timeout = 5;
    if (options.translateErrors !== false) config[client.customFetch] = gitHubTokenErrorsAsHttpErrors(gh.tokenEndpoint);
    return config;
  }

  async function beginGitHub(config: client.Configuration) {
    const pkceCodeVerifier = client.randomPKCECodeVerifier();
    const expectedState = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: APP.callbackUrl,
      scope: 'read:user user:email',
      state: expectedState,
      code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, checks: { pkceCodeVerifier, expectedState } };
  }

  const githubApi = (config: client.Configuration, accessToken: string, path: string) =>
    client.fetchProtectedResource(config, accessToken, new URL(path, gh.apiUrl), 'GET', undefined, new Headers({ accept: 'application/vnd.github+json' }));

  it('signs in: code with PKCE and state, then /user and /user/emails', async () => {
    const config = gitHubConfig();
    const { url, checks } = await beginGitHub(config);
    const callback = await gh.authorize(url, octocat);
    expect(callback.url.searchParams.has('iss')).toBe(false); // GitHub sends no RFC 9207 iss
    const tokens = await client.authorizationCodeGrant(config, callback.url, checks);
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'read:user,user:email' });
    expect(tokens.access_token).toMatch(/^gho_/);
    expect(tokens.id_token).toBeUndefined();

    const user = await githubApi(config, tokens.access_token, '/user');
    expect(user.status).toBe(200);
    expect(await user.json()).toMatchObject({ id: 583231, login: 'octocat', name: 'The Octocat', email: 'octocat@example.test' });
    const emails = await githubApi(config, tokens.access_token, '/user/emails');
    expect(await emails.json()).toEqual([
      { email: 'octocat@example.test', primary: true, verified: true, visibility: 'public' },
      { email: 'old-octocat@example.test', primary: false, verified: false, visibility: null },
    ]);
  });

  it("refuses a replayed code: GitHub's 200 + bad_verification_code, as a ResponseBodyError once translated", async () => {
    const config = gitHubConfig();
    const { url, checks } = await beginGitHub(config);
    const callback = await gh.authorize(url, octocat);
    await client.authorizationCodeGrant(config, callback.url, checks);
    const replay = await failure(client.authorizationCodeGrant(config, callback.url, checks));
    expect(replay).toBeInstanceOf(client.ResponseBodyError);
    expect(replay).toMatchObject({ error: 'bad_verification_code' });

    // Untranslated, the refusal still fails, but only as a malformed success.
    const second = await beginGitHub(config);
    const again = await gh.authorize(second.url, octocat);
    const raw = gitHubConfig({ translateErrors: false });
    await client.authorizationCodeGrant(raw, again.url, second.checks);
    const untranslated = await failure(client.authorizationCodeGrant(raw, again.url, second.checks));
    expect(untranslated).toBeInstanceOf(client.ClientError);
    expect(untranslated.code).toBe('OAUTH_INVALID_RESPONSE');
    expect(untranslated.cause.cause.body).toMatchObject({ error: 'bad_verification_code' });
  });

  it('refuses a wrong PKCE verifier, a wrong state and a denied authorization', async () => {
    const config = gitHubConfig();
    const { url, checks } = await beginGitHub(config);
    const callback = await gh.authorize(url, octocat);
    const wrongVerifier = await failure(
      client.authorizationCodeGrant(config, callback.url, { ...checks, pkceCodeVerifier: client.randomPKCECodeVerifier() }),
    );
    expect(wrongVerifier).toMatchObject({ error: 'bad_verification_code' });

    const wrongState = await failure(client.authorizationCodeGrant(config, callback.url, { ...checks, expectedState: client.randomState() }));
    expect(wrongState).toBeInstanceOf(client.ClientError);
    expect(wrongState.code).toBe('OAUTH_INVALID_RESPONSE');

    const denied = await gh.authorize(url, octocat, { deny: true });
    const refused = await failure(client.authorizationCodeGrant(config, denied.url, checks));
    expect(refused).toBeInstanceOf(client.AuthorizationResponseError);
    expect(refused).toMatchObject({ error: 'access_denied' });
  });

  it("arctic: GitHub is fixed to github.com; its generic OAuth2Client reaches the stand-in but takes GitHub's errors for tokens", async () => {
    expect(new GitHub(APP.clientId, APP.clientSecret, APP.callbackUrl).createAuthorizationURL('s', []).origin).toBe('https://github.com');

    const arctic = new OAuth2Client(APP.clientId, APP.clientSecret, APP.callbackUrl);
    const verifier = client.randomPKCECodeVerifier();
    const url = arctic.createAuthorizationURLWithPKCE(gh.authorizationEndpoint, 'state-1', CodeChallengeMethod.S256, verifier, ['read:user']);
    const callback = await gh.authorize(url, octocat);
    const tokens = await arctic.validateAuthorizationCode(gh.tokenEndpoint, callback.code!, verifier);
    expect(tokens.accessToken()).toMatch(/^gho_/);

    const replayed = await arctic.validateAuthorizationCode(gh.tokenEndpoint, callback.code!, verifier); // no error here
    expect(() => replayed.accessToken()).toThrow("Missing or invalid 'access_token' field");
  });
});
