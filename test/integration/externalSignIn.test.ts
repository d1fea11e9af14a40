import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { decodeJwt } from 'jose';
import { Secret, TOTP } from 'otpauth';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOidcProvider, type OidcTestUser, type TestOidcProvider } from '../helpers/oidcProvider';
import { SmtpReceiver } from '../helpers/SmtpReceiver';
import { SoftAuthenticator } from '../helpers/softAuthenticator';
import { registered, startTestApp, type TestApp } from '../helpers/testApp';

/**
 * Sign-in with another identity provider, end to end: the service against a real OpenID provider
 * (oidc-provider on loopback: discovery, PKCE S256 required, ID tokens signed with its JWKS, RFC 9207
 * `iss`), real PostgreSQL, Redis and SMTP. `op.authorize` plays the browser at the provider; the test
 * then plays the app, handing code, state and iss to the service. Nothing of openid-client is mocked.
 */

const SECRET = `client-secret-${randomBytes(12).toString('hex')}`;
const SERVICE = { clientId: 'auth-service', clientSecret: SECRET };
const OTHER = { clientId: 'other-app', clientSecret: 'other-secret-0123456789' };
const APP_ORIGIN = 'https://app.example';
const APP_REDIRECT = `${APP_ORIGIN}/signed-in`;
const RETURN_URL = `${APP_ORIGIN}/after-sign-in`;

const START = /* GraphQL */ `
  mutation($provider: ID!, $redirectUri: String!) {
    startExternalSignIn(provider: $provider, redirectUri: $redirectUri) {
      __typename
      ... on ExternalSignInStart { authorizationUrl state }
      ... on ErrorResult { code message }
      ... on InvalidInputError { fields { field message } }
    }
  }
`;
const FINISH = /* GraphQL */ `
  mutation($provider: ID!, $code: String!, $state: String!, $iss: String) {
    finishExternalSignIn(provider: $provider, code: $code, state: $state, iss: $iss) {
      __typename
      ... on AuthSuccess { accessToken refreshToken user { id email emailVerified firstName lastName identities { provider email lastUsedAt } } }
      ... on SecondFactorRequired { ticket methods }
      ... on AccountLinkRequired { email signInMethods: methods }
      ... on ErrorResult { code message }
      ... on ExternalSignInError { reason }
      ... on RateLimitedError { retryAfter }
    }
  }
`;
const START_LINK = /* GraphQL */ `
  mutation($provider: ID!, $redirectUri: String!) {
    startExternalIdentityLink(provider: $provider, redirectUri: $redirectUri) {
      __typename
      ... on ExternalSignInStart { authorizationUrl state }
      ... on InvalidInputError { fields { field message } }
      ... on ErrorResult { code message }
    }
  }
`;
const LINK = /* GraphQL */ `
  mutation($provider: ID!, $code: String!, $state: String!, $iss: String) {
    linkExternalIdentity(provider: $provider, code: $code, state: $state, iss: $iss) {
      __typename
      ... on ExternalIdentityLinked { identity { id provider email createdAt lastUsedAt } user { id } }
      ... on ErrorResult { code message }
      ... on ExternalSignInError { reason }
    }
  }
`;
const UNLINK = /* GraphQL */ `
  mutation($id: ID!) {
    unlinkExternalIdentity(id: $id) {
      __typename
      ... on ExternalIdentityUnlinked { id user { identities { id } } }
      ... on ErrorResult { code message }
    }
  }
`;
const IDENTITIES = /* GraphQL */ `query { me { id identities { id provider email createdAt lastUsedAt } } }`;
const EVENTS = /* GraphQL */ `query { me { securityEvents(first: 50) { edges { node { type } } } } }`;

const smtp = new SmtpReceiver();
let op: TestOidcProvider;
let late: TestOidcProvider;
let forged: TestOidcProvider;
let conform: TestOidcProvider;
let t: TestApp;
let api: string;
let callbackUrl: string;
/** The service's clock runs with real time, ahead by `offset` when a test moves it. */
let offset = 0;

beforeAll(async () => {
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  callbackUrl = `${api}/auth/callback/test`;
  const smtpPort = await smtp.start();
  op = await startOidcProvider({ clients: [{ ...SERVICE, redirectUris: [APP_REDIRECT, callbackUrl] }, { ...OTHER, redirectUris: [APP_REDIRECT] }] });
  // A second provider, down while the service starts: it must start anyway and pick it up later.
  late = await startOidcProvider({ clients: [{ ...SERVICE, redirectUris: [APP_REDIRECT] }] });
  await late.setMode('down');
  // A third that publishes a foreign key under its signing key's kid before anyone has fetched the real one.
  forged = await startOidcProvider({ clients: [{ ...SERVICE, redirectUris: [APP_REDIRECT] }] });
  forged.publishForeignJwks(true);
  // A fourth that leaves the address out of the ID token (oidc-provider's default): it is at UserInfo.
  conform = await startOidcProvider({ clients: [{ ...SERVICE, redirectUris: [APP_REDIRECT] }], conformIdTokenClaims: true });
  t = await startTestApp({
    now: () => Date.now() + offset,
    env: {
      PORT: String(port),
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      APP_URL: APP_ORIGIN,
      CORS_ORIGINS: APP_ORIGIN,
      OIDC_PROVIDERS: JSON.stringify([
        { id: 'test', name: 'Test Provider', issuer: op.issuer, ...SERVICE },
        { id: 'late', name: 'Late Provider', issuer: late.issuer, ...SERVICE, scopes: ['email'] },
        { id: 'forged', name: 'Forged Keys', issuer: forged.issuer, ...SERVICE },
        { id: 'conform', name: 'UserInfo Provider', issuer: conform.issuer, ...SERVICE },
      ]),
      EXTERNAL_REDIRECT_URIS: `${APP_REDIRECT},${callbackUrl}`,
      EXTERNAL_SIGN_IN_RETURN_URL: RETURN_URL,
      EXTERNAL_PROVIDER_TIMEOUT_MS: '500',
      // Every call comes from an address of its own (X-Forwarded-For), so only the test of the limit reaches it.
      TRUST_PROXY_HOPS: '1',
      RATE_LIMIT_EXTERNAL_FAILURES_PER_IP: '3',
    },
  });
});
afterEach(async () => {
  offset = 0;
  await op.setMode('up');
});
afterAll(async () => {
  await t?.close();
  await op?.close();
  await late?.close();
  await forged?.close();
  await conform?.close();
  await smtp.stop();
});

interface Call {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  text: string;
}

/** A GraphQL call from a client address of its own (or the one given), optionally signed in. */
async function gql(query: string, variables: Record<string, unknown> = {}, options: { token?: string; from?: string; headers?: Record<string, string> } = {}): Promise<Call> {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': options.from ?? `10.${randomOctet()}.${randomOctet()}.${randomOctet()}`,
      ...(options.token && { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
}

const randomOctet = () => 1 + Math.floor(Math.random() * 250);

let subjects = 0;
/** A user at the provider, with a fresh subject and address. */
function providerUser(overrides: Partial<OidcTestUser> = {}): OidcTestUser {
  subjects += 1;
  return {
    sub: `sub-${subjects}-${randomBytes(4).toString('hex')}`,
    email: `op${subjects}.${randomBytes(4).toString('hex')}@example.org`,
    emailVerified: true,
    givenName: 'Grace',
    familyName: 'Hopper',
    amr: ['pwd', 'mfa'],
    ...overrides,
  };
}

async function start(provider = 'test', redirectUri = APP_REDIRECT) {
  const result = (await gql(START, { provider, redirectUri })).body.data.startExternalSignIn;
  expect(result.__typename).toBe('ExternalSignInStart');
  return result as { authorizationUrl: string; state: string };
}

/** Starts, signs `user` in at the provider, and returns what the provider sent back. */
async function authorized(user: OidcTestUser, options: Parameters<TestOidcProvider['authorize']>[2] = {}, provider = op, id = 'test') {
  const started = await start(id);
  const back = await provider.authorize(started.authorizationUrl, user, options);
  expect(back.state).toBe(started.state);
  return { code: back.code!, state: back.state!, iss: back.iss };
}

async function finish(callback: { code: string; state: string; iss?: string }, provider = 'test', from?: string) {
  return (await gql(FINISH, { provider, ...callback }, { from })).body.data.finishExternalSignIn;
}

async function signIn(user: OidcTestUser) {
  return finish(await authorized(user));
}

async function linked(token: string, user: OidcTestUser) {
  const started = (await gql(START_LINK, { provider: 'test', redirectUri: APP_REDIRECT }, { token })).body.data.startExternalIdentityLink;
  expect(started.__typename).toBe('ExternalSignInStart');
  const back = await op.authorize(started.authorizationUrl, user);
  return (await gql(LINK, { provider: 'test', code: back.code, state: back.state, iss: back.iss }, { token })).body.data.linkExternalIdentity;
}

/** A verified account with an authenticator app turned on; `code(at)` is what the app shows at a moment. */
async function withAuthenticatorApp() {
  const local = await registered(t.gql);
  await verify(local.user.id);
  const setup = (await gql(`mutation { startTotpEnrollment { secret } }`, {}, { token: local.token })).body.data.startTotpEnrollment;
  const code = (at: number) => TOTP.generate({ secret: Secret.fromBase32(setup.secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at });
  const confirmed = await gql(`mutation($c: String!) { confirmTotpEnrollment(code: $c) { __typename } }`, { c: code(Date.now()) }, { token: local.token });
  expect(confirmed.body.data.confirmTotpEnrollment.__typename).toBe('TotpEnabled');
  return { local, code };
}

const verify = (userId: string) => t.db.query('update users set email_verified_at = now() where id = $1', [userId]);
const countRows = async (sql: string, params: unknown[]) => Number((await t.db.query(sql, params)).rows[0].n);

async function waitForSubjects(address: string, wanted: string[]): Promise<string[]> {
  await expect.poll(() => smtp.to(address).map((m) => m.subject), { timeout: 10_000 }).toEqual(expect.arrayContaining(wanted));
  return smtp.to(address).map((m) => m.subject);
}

describe('providers and starting', () => {
  it('lists the configured providers, even one whose discovery has not succeeded yet', async () => {
    const res = await gql(`{ identityProviders { id name } }`);
    expect(res.body.data.identityProviders).toEqual([
      { id: 'test', name: 'Test Provider' },
      { id: 'late', name: 'Late Provider' },
      { id: 'forged', name: 'Forged Keys' },
      { id: 'conform', name: 'UserInfo Provider' },
    ]);
  });

  it('builds an authorization request with a fresh state, nonce and S256 challenge of 256 bits each', async () => {
    const [a, b] = [await start(), await start()];
    const url = new URL(a.authorizationUrl);
    expect(url.origin).toBe(op.issuer);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      client_id: SERVICE.clientId,
      response_type: 'code',
      redirect_uri: APP_REDIRECT,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      state: a.state,
    });
    for (const value of [params.state, params.nonce, params.code_challenge]) expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const other = Object.fromEntries(new URL(b.authorizationUrl).searchParams);
    expect([other.state, other.nonce, other.code_challenge]).not.toContain(params.state);
    expect(other.nonce).not.toBe(params.nonce);
    expect(other.code_challenge).not.toBe(params.code_challenge);
    // The verifier never leaves the service; what the store holds is keyed by the state's hash.
    expect(a.authorizationUrl).not.toContain('code_verifier');
  });

  it('refuses an unknown provider and a redirect URI that is not listed exactly', async () => {
    const res = (await gql(START, { provider: 'nope', redirectUri: `${APP_REDIRECT}/` })).body.data.startExternalSignIn;
    expect(res.__typename).toBe('InvalidInputError');
    expect(res.fields.map((f: { field: string }) => f.field).sort()).toEqual(['provider', 'redirectUri']);
    const evil = (await gql(START, { provider: 'test', redirectUri: 'https://evil.example/signed-in' })).body.data.startExternalSignIn;
    expect(evil.fields).toEqual([{ field: 'redirectUri', message: expect.any(String) }]);
  });

  it('answers "try again" for a provider that was down at start-up, and works once it answers', async () => {
    const down = await gql(START, { provider: 'late', redirectUri: APP_REDIRECT });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('1');
    expect(down.body.errors![0]).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' }, message: expect.stringMatching(/retry/i) });
    await late.setMode('up');
    const user = providerUser();
    const result = await finish(await authorized(user, {}, late, 'late'), 'late');
    expect(result).toMatchObject({ __typename: 'AuthSuccess', user: { email: user.email, identities: [{ provider: 'late' }] } });
    expect(t.logs.some((line) => line.includes('identity provider discovery failed') && line.includes('"provider":"late"'))).toBe(true);
  });
});

describe('accounts', () => {
  it('makes a new account for a new identity with a verified address: verified, no password, amr ["fed", ...the provider\'s]', async () => {
    const user = providerUser();
    const result = await signIn(user);
    expect(result).toMatchObject({
      __typename: 'AuthSuccess',
      user: { email: user.email, emailVerified: true, firstName: 'Grace', lastName: 'Hopper', identities: [{ provider: 'test', email: user.email }] },
    });
    expect(decodeJwt(result.accessToken).amr).toEqual(['fed', 'pwd', 'mfa']);
    const userId = result.user.id;
    expect(await countRows('select count(*) as n from password_credentials where user_id = $1', [userId])).toBe(0);
    const events = (await gql(EVENTS, {}, { token: result.accessToken })).body.data.me.securityEvents.edges.map((e: any) => e.node.type);
    expect(events).toEqual(expect.arrayContaining(['REGISTERED', 'SIGNED_IN']));
    // The provider vouched for the address: no verification link is sent.
    expect(await countRows('select count(*) as n from mail_outbox where recipient = $1', [user.email])).toBe(0);

    // The same identity again: the same account, and the identity's last use is recorded.
    const again = await signIn(user);
    expect(again.user.id).toBe(userId);
    expect(again.user.identities[0].lastUsedAt).not.toBeNull();
    // Without amr from the provider, the session says "fed" alone.
    const plain = providerUser({ amr: undefined });
    expect(decodeJwt((await signIn(plain)).accessToken).amr).toEqual(['fed']);
  });

  it('reads the address at the UserInfo endpoint when the ID token leaves it out', async () => {
    const user = providerUser();
    const result = await finish(await authorized(user, {}, conform, 'conform'), 'conform');
    expect(result).toMatchObject({ __typename: 'AuthSuccess', user: { email: user.email, emailVerified: true, firstName: 'Grace' } });
  });

  it('links automatically when both the provider and the account have the address verified, and says so by mail', async () => {
    const local = await registered(t.gql);
    await verify(local.user.id);
    const user = providerUser({ email: local.input.email.toUpperCase() });
    const result = await signIn(user);
    expect(result).toMatchObject({ __typename: 'AuthSuccess', user: { id: local.user.id, identities: [{ provider: 'test' }] } });
    expect(await waitForSubjects(local.input.email, ['A new way to sign in was added to your account'])).toBeTruthy();
    const events = (await gql(EVENTS, {}, { token: result.accessToken })).body.data.me.securityEvents.edges.map((e: any) => e.node.type);
    expect(events).toContain('IDENTITY_LINKED');
  });

  it('answers AccountLinkRequired, linking nothing, when the provider does not assert the address verified', async () => {
    const local = await registered(t.gql);
    await verify(local.user.id);
    const result = await signIn(providerUser({ email: local.input.email, emailVerified: false }));
    expect(result).toEqual({ __typename: 'AccountLinkRequired', email: local.input.email, signInMethods: ['password'] });
    expect(await countRows('select count(*) as n from external_identities where user_id = $1', [local.user.id])).toBe(0);
  });

  it('answers AccountLinkRequired when the account has not verified the address (someone may have registered it first)', async () => {
    const local = await registered(t.gql);
    const result = await signIn(providerUser({ email: local.input.email }));
    expect(result).toEqual({ __typename: 'AccountLinkRequired', email: local.input.email, signInMethods: ['password'] });
    expect(await countRows('select count(*) as n from external_identities where user_id = $1', [local.user.id])).toBe(0);
  });

  it('makes no account for an address the provider does not vouch for, nor for no address', async () => {
    const unverified = providerUser({ emailVerified: false });
    const result = await signIn(unverified);
    expect(result).toMatchObject({ __typename: 'ExternalSignInError', reason: 'NO_VERIFIED_EMAIL' });
    expect(await countRows('select count(*) as n from users where email = $1', [unverified.email])).toBe(0);
    expect((await signIn(providerUser({ email: undefined }))).reason).toBe('NO_VERIFIED_EMAIL');
  });

  it('makes one account and one identity of two concurrent first sign-ins with the same new identity', async () => {
    const user = providerUser();
    const [a, b] = [await authorized(user), await authorized(user)];
    const results = await Promise.all([finish(a), finish(b)]);
    expect(results.map((r) => r.__typename)).toEqual(['AuthSuccess', 'AuthSuccess']);
    expect(results[0].user.id).toBe(results[1].user.id);
    expect(await countRows('select count(*) as n from users where email = $1', [user.email])).toBe(1);
    expect(await countRows('select count(*) as n from external_identities where subject = $1', [user.sub])).toBe(1);
  });

  it('asks for the second factor of an account with an authenticator app; the session then says ["fed", ..., "otp"]', async () => {
    const { local, code } = await withAuthenticatorApp();
    const result = await signIn(providerUser({ email: local.input.email, amr: ['pwd'] }));
    expect(result).toMatchObject({ __typename: 'SecondFactorRequired', methods: ['TOTP', 'RECOVERY_CODE'] });
    offset = 30_000; // the next time step: the code used to confirm is spent
    const verified = await gql(
      `mutation($t: String!, $c: String!) { verifySecondFactor(ticket: $t, code: $c) { __typename ... on AuthSuccess { accessToken } } }`,
      { t: result.ticket, c: code(Date.now() + offset) },
    );
    expect(verified.body.data.verifySecondFactor.__typename).toBe('AuthSuccess');
    expect(decodeJwt(verified.body.data.verifySecondFactor.accessToken).amr).toEqual(['fed', 'pwd', 'otp']);
  });

  it('asks for the passkey of an account that has one; the session then says ["fed", ..., "hwk"]', async () => {
    const local = await registered(t.gql);
    await verify(local.user.id);
    // The development defaults: RP ID localhost, the demo page's origin.
    const key = new SoftAuthenticator({ origin: 'http://localhost:5173' });
    const adding = (await gql(`mutation { startPasskeyRegistration { challengeId options } }`, {}, { token: local.token })).body.data.startPasskeyRegistration;
    const added = await gql(
      `mutation($c: ID!, $r: JSON!) { finishPasskeyRegistration(challengeId: $c, response: $r) { __typename } }`,
      { c: adding.challengeId, r: await key.create(adding.options) },
      { token: local.token },
    );
    expect(added.body.data.finishPasskeyRegistration.__typename).toBe('PasskeyAdded');

    const result = await signIn(providerUser({ email: local.input.email, amr: ['pwd'] }));
    expect(result).toMatchObject({ __typename: 'SecondFactorRequired', methods: ['PASSKEY'] });
    const challenge = (await gql(`mutation($t: String!) { startPasskeySecondFactor(ticket: $t) { challengeId options } }`, { t: result.ticket })).body.data
      .startPasskeySecondFactor;
    const verified = await gql(
      `mutation($t: String!, $c: ID!, $r: JSON!) { verifySecondFactorWithPasskey(ticket: $t, challengeId: $c, response: $r) { __typename ... on AuthSuccess { accessToken } } }`,
      { t: result.ticket, c: challenge.challengeId, r: await key.get(challenge.options) },
    );
    expect(verified.body.data.verifySecondFactorWithPasskey.__typename).toBe('AuthSuccess');
    expect(decodeJwt(verified.body.data.verifySecondFactorWithPasskey.accessToken).amr).toEqual(['fed', 'pwd', 'hwk', 'user']);
  });

  it('keeps identities through an email change, and deleting the account deletes them', async () => {
    const user = providerUser();
    const first = await signIn(user);
    const moved = `moved.${randomBytes(4).toString('hex')}@example.com`;
    // A provider-only account confirms sensitive changes with a recent sign-in.
    const requested = await gql(`mutation($e: EmailAddress!) { requestEmailChange(newEmail: $e) { __typename } }`, { e: moved }, { token: first.accessToken });
    expect(requested.body.data.requestEmailChange.__typename).toBe('EmailChangeRequested');
    const link = await smtp.waitFor(moved);
    const confirmed = await gql(`mutation($t: String!) { confirmEmailChange(token: $t) { __typename } }`, { t: link.token });
    expect(confirmed.body.data.confirmEmailChange.__typename).toBe('AccountUpdated');

    const again = await signIn(user);
    expect(again).toMatchObject({ __typename: 'AuthSuccess', user: { id: first.user.id, email: moved } });
    const deleted = await gql(`mutation { deleteAccount { __typename } }`, {}, { token: again.accessToken });
    expect(deleted.body.data.deleteAccount.__typename).toBe('AccountDeleted');
    expect(await countRows('select count(*) as n from external_identities where subject = $1', [user.sub])).toBe(0);
    // The identity is free again: it makes a new account.
    expect((await signIn(user)).user.id).not.toBe(first.user.id);
  });
});

describe('linking and unlinking', () => {
  it('links an identity to the signed-in account (whatever its address), lists it, and unlinks it, with notices', async () => {
    const local = await registered(t.gql);
    const identity = providerUser({ emailVerified: false });
    const result = await linked(local.token, identity);
    expect(result).toMatchObject({ __typename: 'ExternalIdentityLinked', identity: { provider: 'test', email: identity.email }, user: { id: local.user.id } });
    const listed = (await gql(IDENTITIES, {}, { token: local.token })).body.data.me.identities;
    expect(listed).toEqual([{ id: result.identity.id, provider: 'test', email: identity.email, createdAt: expect.any(String), lastUsedAt: null }]);

    // It now signs in to this account.
    expect((await signIn(identity)).user.id).toBe(local.user.id);
    const unlinked = (await gql(UNLINK, { id: result.identity.id }, { token: local.token })).body.data.unlinkExternalIdentity;
    expect(unlinked).toEqual({ __typename: 'ExternalIdentityUnlinked', id: result.identity.id, user: { identities: [] } });
    expect(await waitForSubjects(local.input.email, ['A new way to sign in was added to your account', 'A way to sign in was removed from your account'])).toBeTruthy();
    const events = (await gql(EVENTS, {}, { token: local.token })).body.data.me.securityEvents.edges.map((e: any) => e.node.type);
    expect(events).toEqual(expect.arrayContaining(['IDENTITY_LINKED', 'IDENTITY_UNLINKED']));
    // Unlinked, it no longer signs in here (its address is unverified, so it makes no account either).
    expect((await signIn(identity)).reason).toBe('NO_VERIFIED_EMAIL');
    expect((await gql(UNLINK, { id: result.identity.id }, { token: local.token })).body.data.unlinkExternalIdentity.code).toBe('EXTERNAL_IDENTITY_NOT_FOUND');
    expect((await gql(UNLINK, { id: 'not-a-uuid' }, { token: local.token })).body.data.unlinkExternalIdentity.code).toBe('EXTERNAL_IDENTITY_NOT_FOUND');
  });

  it("refuses an identity that signs in to another account, and another account's identity id", async () => {
    const owner = await signIn(providerUser());
    const ownerIdentity = (await gql(IDENTITIES, {}, { token: owner.accessToken })).body.data.me.identities[0];
    const other = await registered(t.gql);
    const sameSubject = { ...providerUser(), sub: (await t.db.query('select subject from external_identities where id = $1', [ownerIdentity.id])).rows[0].subject };
    expect(await linked(other.token, sameSubject)).toMatchObject({ __typename: 'ExternalIdentityTakenError', code: 'EXTERNAL_IDENTITY_TAKEN' });
    expect((await gql(UNLINK, { id: ownerIdentity.id }, { token: other.token })).body.data.unlinkExternalIdentity.code).toBe('EXTERNAL_IDENTITY_NOT_FOUND');
  });

  it('binds a link to the session that started it and to linking; the callback route cannot finish one', async () => {
    const local = await registered(t.gql);
    const started = (await gql(START_LINK, { provider: 'test', redirectUri: APP_REDIRECT }, { token: local.token })).body.data.startExternalIdentityLink;
    const back = await op.authorize(started.authorizationUrl, providerUser());
    // Not a sign-in: finishExternalSignIn refuses it (and that uses it up).
    expect((await finish({ code: back.code!, state: back.state!, iss: back.iss })).reason).toBe('INVALID_STATE');

    // Another session of the same user cannot finish it.
    const elsewhere = (await t.gql(`mutation($e: EmailAddress!, $p: String!) { login(email: $e, password: $p) { ... on AuthSuccess { accessToken } } }`, { e: local.input.email, p: local.input.password })).body.data.login.accessToken;
    const second = (await gql(START_LINK, { provider: 'test', redirectUri: APP_REDIRECT }, { token: local.token })).body.data.startExternalIdentityLink;
    const secondBack = await op.authorize(second.authorizationUrl, providerUser());
    const refused = (await gql(LINK, { provider: 'test', code: secondBack.code, state: secondBack.state, iss: secondBack.iss }, { token: elsewhere })).body.data.linkExternalIdentity;
    expect(refused).toMatchObject({ __typename: 'ExternalSignInError', reason: 'INVALID_STATE' });

    // A sign-in state is not a link state.
    const signInBack = await authorized(providerUser());
    expect((await gql(LINK, { provider: 'test', ...signInBack }, { token: local.token })).body.data.linkExternalIdentity.reason).toBe('INVALID_STATE');
    const viaRoute = (await gql(START_LINK, { provider: 'test', redirectUri: callbackUrl }, { token: local.token })).body.data.startExternalIdentityLink;
    expect(viaRoute.fields).toEqual([{ field: 'redirectUri', message: expect.stringContaining('linkExternalIdentity') }]);
    const garbage = (await gql(START_LINK, { provider: 'test', redirectUri: 'not a URL' }, { token: local.token })).body.data.startExternalIdentityLink;
    expect(garbage.fields).toEqual([{ field: 'redirectUri', message: expect.stringContaining('not allowed') }]);
    expect((await gql(START_LINK, { provider: 'test', redirectUri: APP_REDIRECT })).body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('an identity linked before the address was proven goes when a reset from the mailbox reclaims the account', async () => {
    // Someone registers an address they do not own and ties their own provider account to it.
    const squatter = await registered(t.gql);
    const theirs = providerUser();
    expect((await linked(squatter.token, theirs)).__typename).toBe('ExternalIdentityLinked');
    expect((await signIn(theirs)).user.id).toBe(squatter.user.id);

    await gql(`mutation($e: EmailAddress!) { requestPasswordReset(email: $e) }`, { e: squatter.input.email });
    const reset = await gql(`mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) { __typename } }`, {
      t: await smtp.linkToken(squatter.input.email, 'reset'),
      p: 'the owner of the mailbox',
    });
    expect(reset.body.data.resetPassword.__typename).toBe('AccountUpdated');
    expect((await t.db.query('select count(*)::int as n from external_identities where user_id = $1', [squatter.user.id])).rows[0].n).toBe(0);
    const logged = (await t.db.query('select type from security_events where user_id = $1', [squatter.user.id])).rows.map((r: { type: string }) => r.type);
    expect(logged).toEqual(expect.arrayContaining(['PASSWORD_RESET', 'IDENTITIES_RECLAIMED']));
    // Their provider account now signs in to an account of its own, not the reclaimed one.
    const after = await signIn(theirs);
    expect(after.__typename).toBe('AuthSuccess');
    expect(after.user.id).not.toBe(squatter.user.id);
  });

  it('needs a recent sign-in to start a link', async () => {
    const local = await registered(t.gql);
    offset = 11 * 60_000;
    const res = await gql(START_LINK, { provider: 'test', redirectUri: APP_REDIRECT }, { token: local.token });
    expect(res.status).toBe(403);
    expect(res.body.errors![0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/sign in again/i) });
  });

  it('refuses to unlink the last way to sign in, also when two unlinks race; a password makes it possible', async () => {
    const created = await signIn(providerUser());
    const token = created.accessToken;
    const only = (await gql(IDENTITIES, {}, { token })).body.data.me.identities[0];
    expect((await gql(UNLINK, { id: only.id }, { token })).body.data.unlinkExternalIdentity).toMatchObject({
      __typename: 'LastSignInMethodError',
      code: 'LAST_SIGN_IN_METHOD',
    });

    // Two identities, unlinked at once: exactly one goes.
    const second = await linked(token, providerUser());
    const raced = await Promise.all([only.id, second.identity.id].map((id) => gql(UNLINK, { id }, { token })));
    expect(raced.map((r) => r.body.data.unlinkExternalIdentity.__typename).sort()).toEqual(['ExternalIdentityUnlinked', 'LastSignInMethodError']);
    const left = (await gql(IDENTITIES, {}, { token })).body.data.me.identities;
    expect(left).toHaveLength(1);

    // With a password (set with a recent sign-in, as an account without one may), the last identity can go.
    const changed = await gql(`mutation { changePassword(newPassword: "a passphrase of its own") { __typename } }`, {}, { token });
    expect(changed.body.data.changePassword.__typename).toBe('ChangePasswordSuccess');
    // Only from a recent sign-in: an older (perhaps stolen) session must not take a way in away.
    offset = 11 * 60_000;
    const stale = await gql(UNLINK, { id: left[0].id }, { token });
    expect(stale.status).toBe(403);
    expect(stale.body.errors![0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/^Sign in again to unlink/) });
    const again = await t.gql(`mutation($e: EmailAddress!, $p: String!) { login(email: $e, password: $p) { ... on AuthSuccess { accessToken } } }`, {
      e: created.user.email,
      p: 'a passphrase of its own',
    });
    expect((await gql(UNLINK, { id: left[0].id }, { token: again.body.data.login.accessToken })).body.data.unlinkExternalIdentity.__typename).toBe(
      'ExternalIdentityUnlinked',
    );
  });
});

describe('refusals: each an ExternalSignInError that says to try again, never what the provider said', () => {
  const refused = (result: any, reason: string) => {
    expect(result).toMatchObject({ __typename: 'ExternalSignInError', code: 'EXTERNAL_SIGN_IN_FAILED', reason });
    expect(result.message).toMatch(/try again|start again/i);
    expect(result.message).not.toMatch(/invalid_grant|nonce|aud|iss|fetch|timeout|JWT|OAUTH|ECONN/i);
  };

  it('a forged state, a replayed state, and an expired one', async () => {
    const user = providerUser();
    const back = await authorized(user);
    refused(await finish({ ...back, state: randomBytes(32).toString('base64url') }), 'INVALID_STATE');
    refused(await finish({ ...back, state: 'not even the shape of a state' }), 'INVALID_STATE');
    expect((await finish(back)).__typename).toBe('AuthSuccess');
    refused(await finish(back), 'INVALID_STATE');

    const expiring = await authorized(user);
    offset = 10 * 60_000 + 1000;
    refused(await finish(expiring), 'INVALID_STATE');
  });

  it("a state of another provider (the code is that provider's)", async () => {
    await late.setMode('up');
    refused(await finish(await authorized(providerUser()), 'late'), 'INVALID_STATE');
  });

  it('a replayed code, with a state of its own', async () => {
    const back = await authorized(providerUser());
    expect((await finish(back)).__typename).toBe('AuthSuccess');
    const fresh = await start();
    refused(await finish({ ...back, state: fresh.state }), 'PROVIDER_REFUSED');
  });

  it('an ID token with a nonce the service did not send, and one issued to another client', async () => {
    refused(await finish(await authorized(providerUser(), { nonce: randomBytes(32).toString('base64url') })), 'PROVIDER_REFUSED');
    refused(await finish(await authorized(providerUser(), { idTokenAudience: OTHER.clientId })), 'PROVIDER_REFUSED');
  });

  it("an ID token whose signature does not verify with the provider's JWKS (checked though it came from the token endpoint)", async () => {
    refused(await finish(await authorized(providerUser(), {}, forged, 'forged'), 'forged'), 'PROVIDER_REFUSED');
    expect(t.logs.some((line) => line.includes('external sign-in refused') && line.includes('signature verification failed'))).toBe(true);
  });

  it('an iss that is not the provider (RFC 9207 mix-up), while leaving out iss is fine', async () => {
    refused(await finish({ ...(await authorized(providerUser())), iss: 'https://evil.example' }), 'PROVIDER_REFUSED');
    const { iss: _iss, ...withoutIss } = await authorized(providerUser());
    expect((await finish(withoutIss)).__typename).toBe('AuthSuccess');
  });

  it('a provider that is down, or slower than EXTERNAL_PROVIDER_TIMEOUT_MS; it works again once back', async () => {
    const [back, another] = [await authorized(providerUser()), await authorized(providerUser())];
    await op.setMode('down');
    refused(await finish(back), 'PROVIDER_UNAVAILABLE');
    await op.setMode('slow', { delayMs: 1500 });
    refused(await finish(another), 'PROVIDER_UNAVAILABLE');
    await op.setMode('up');
    expect((await finish(await authorized(providerUser()))).__typename).toBe('AuthSuccess');
  });

  it('odd input gets a typed answer, never an internal error', async () => {
    const local = await registered(t.gql);
    const odd = ['', ' ', 'x'.repeat(5000), '\u0000', '💥', '../../etc', 'https://evil.example/'];
    for (const value of odd) {
      const started = (await gql(START, { provider: value, redirectUri: value })).body.data.startExternalSignIn;
      expect(started.__typename, JSON.stringify(value)).toBe('InvalidInputError');
      const finished = await finish({ code: value, state: value, iss: value }, value);
      expect(finished, JSON.stringify(value)).toMatchObject({ __typename: 'ExternalSignInError', reason: 'INVALID_STATE' });
      const link = await gql(LINK, { provider: 'test', code: value, state: value, iss: value }, { token: local.token });
      expect(link.body.data.linkExternalIdentity.__typename, JSON.stringify(value)).toBe('ExternalSignInError');
      expect((await gql(UNLINK, { id: value }, { token: local.token })).body.data.unlinkExternalIdentity.code).toBe('EXTERNAL_IDENTITY_NOT_FOUND');
    }
    // A real state with a made-up code or issuer: the provider (or openid-client) refuses it.
    for (const value of ['', 'x'.repeat(5000), 'not-a-code']) {
      const back = await authorized(providerUser());
      refused(await finish({ ...back, code: value }), 'PROVIDER_REFUSED');
      const again = await authorized(providerUser());
      refused(await finish({ ...again, iss: value }), 'PROVIDER_REFUSED');
    }
  });

  it('is limited per client address: failed finishes count, then RateLimitedError', async () => {
    const from = '192.0.2.77';
    for (let i = 0; i < 3; i += 1) refused(await finish({ code: 'x', state: randomBytes(32).toString('base64url') }, 'test', from), 'INVALID_STATE');
    const limited = await finish(await authorized(providerUser()), 'test', from);
    expect(limited).toMatchObject({ __typename: 'RateLimitedError', retryAfter: expect.any(Number) });
  });

});

describe('the callback route (GET /auth/callback/<provider>), for apps that let the service receive the redirect', () => {
  const browser = { origin: APP_ORIGIN, 'x-refresh-token-transport': 'cookie' };

  /** What a browser app does: start for the route (the answer sets the binding cookie), then sign in at the provider. */
  async function atRoute(user: OidcTestUser) {
    const res = await gql(START, { provider: 'test', redirectUri: callbackUrl }, { headers: browser });
    const started = res.body.data.startExternalSignIn;
    expect(started.__typename).toBe('ExternalSignInStart');
    const setCookie = res.headers.get('set-cookie')!;
    const back = await op.authorize(started.authorizationUrl, user);
    expect(back.url.href.startsWith(`${callbackUrl}?`)).toBe(true);
    return { url: back.url, binding: setCookie.split(';')[0], setCookie, body: res.text };
  }

  async function visit(url: URL | string, cookie?: string, method = 'GET') {
    const from = `10.${randomOctet()}.${randomOctet()}.${randomOctet()}`;
    const res = await fetch(url, { method, redirect: 'manual', headers: { 'x-forwarded-for': from, ...(cookie && { cookie }) } });
    const location = res.headers.get('location');
    return { status: res.status, location: location ? new URL(location) : undefined, cookies: res.headers.getSetCookie() };
  }

  const cookieOf = (cookies: string[], name: string) => cookies.find((c) => c.startsWith(`${name}=`));

  it('signs in: the refresh token goes in the httpOnly cookie, never in the URL, and refreshToken turns it into an access token', async () => {
    const { url, binding, setCookie, body } = await atRoute(providerUser());
    expect(setCookie).toMatch(/^external_sign_in_[0-9a-f]{16}=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(body).not.toContain(binding.split('=')[1]);

    const done = await visit(url, binding);
    expect(done.status).toBe(303);
    expect(done.location!.href).toBe(`${RETURN_URL}?result=signed_in`);
    const refresh = cookieOf(done.cookies, 'refresh_token')!;
    expect(refresh).toMatch(/^refresh_token=rt_[A-Za-z0-9_-]+; Max-Age=\d+; Path=\/graphql; HttpOnly; SameSite=Strict$/);
    expect(cookieOf(done.cookies, binding.split('=')[0])).toMatch(/Max-Age=0/);

    const refreshed = await gql(`mutation { refreshToken { __typename ... on AuthSuccess { accessToken refreshToken } } }`, {}, { headers: { ...browser, cookie: refresh.split(';')[0] } });
    expect(refreshed.body.data.refreshToken).toMatchObject({ __typename: 'AuthSuccess', refreshToken: null });
    expect(decodeJwt(refreshed.body.data.refreshToken.accessToken).amr).toEqual(['fed', 'pwd', 'mfa']);

    // Its state is used up: the same callback again is refused.
    expect((await visit(url, binding)).location!.search).toBe('?result=error&reason=INVALID_STATE');
  });

  it('finishes nothing without the browser binding of its start: a callback link sent to someone else signs no one in', async () => {
    const { url, binding } = await atRoute(providerUser());
    const forged = await visit(url, `${binding.split('=')[0]}=${randomBytes(32).toString('base64url')}`);
    expect(forged.location!.search).toBe('?result=error&reason=INVALID_STATE');
    expect(cookieOf(forged.cookies, 'refresh_token')).toBeUndefined();
    const { url: other } = await atRoute(providerUser());
    expect((await visit(other)).location!.search).toBe('?result=error&reason=INVALID_STATE');
    // A state started for the app's own redirect URI has no binding: the route does not finish it.
    const appState = await authorized(providerUser());
    const viaRoute = new URL(callbackUrl);
    for (const [name, value] of Object.entries(appState)) if (value) viaRoute.searchParams.set(name, value);
    expect((await visit(viaRoute)).location!.search).toBe('?result=error&reason=INVALID_STATE');
  });

  it('cannot be finished through GraphQL: whoever reads the callback URL (history, a proxy log) gets nothing from its code', async () => {
    const { url, binding } = await atRoute(providerUser());
    const leaked = { code: url.searchParams.get('code')!, state: url.searchParams.get('state')!, iss: url.searchParams.get('iss') ?? undefined };
    const stolen = await finish(leaked);
    expect(stolen).toMatchObject({ __typename: 'ExternalSignInError', reason: 'INVALID_STATE' });
    expect(stolen.accessToken).toBeUndefined();
    // The try used the state up: the browser that started it starts again.
    expect((await visit(url, binding)).location!.search).toBe('?result=error&reason=INVALID_STATE');
  });

  it('hands a second-factor ticket over as an httpOnly cookie, which verifySecondFactor takes as ticket ""', async () => {
    const { local, code } = await withAuthenticatorApp();
    const { url, binding } = await atRoute(providerUser({ email: local.input.email }));
    const done = await visit(url, binding);
    expect(done.location!.search).toBe('?result=second_factor_required&methods=TOTP%2CRECOVERY_CODE');
    const ticket = cookieOf(done.cookies, 'sign_in_ticket')!;
    expect(ticket).toMatch(/^sign_in_ticket=mfa_[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/graphql; HttpOnly; SameSite=Strict$/);
    expect(done.location!.href).not.toContain('mfa_');

    offset = 30_000;
    const VERIFY = `mutation($c: String!) { verifySecondFactor(ticket: "", code: $c) { __typename ... on AuthSuccess { refreshToken } ... on ErrorResult { code } } }`;
    // The cookie is read only under the refresh cookie's CSRF guard.
    const unguarded = await gql(VERIFY, { c: code(Date.now() + offset) }, { headers: { origin: APP_ORIGIN, cookie: ticket.split(';')[0] } });
    expect(unguarded.body.errors![0].extensions!.code).toBe('FORBIDDEN');
    const verified = await gql(VERIFY, { c: code(Date.now() + offset) }, { headers: { ...browser, cookie: ticket.split(';')[0] } });
    expect(verified.body.data.verifySecondFactor).toEqual({ __typename: 'AuthSuccess', refreshToken: null });
    expect(verified.headers.get('set-cookie')).toMatch(/^refresh_token=rt_/);
    // Without either, the ticket is simply missing.
    expect((await gql(VERIFY, { c: '123456' }, { headers: browser })).body.data.verifySecondFactor.code).toBe('INVALID_TICKET');
  });

  it('lets the passkey second step take the ticket cookie too, under the same guard', async () => {
    const local = await registered(t.gql);
    await verify(local.user.id);
    const key = new SoftAuthenticator({ origin: 'http://localhost:5173' });
    const adding = (await gql(`mutation { startPasskeyRegistration { challengeId options } }`, {}, { token: local.token })).body.data.startPasskeyRegistration;
    await gql(`mutation($c: ID!, $r: JSON!) { finishPasskeyRegistration(challengeId: $c, response: $r) { __typename } }`, { c: adding.challengeId, r: await key.create(adding.options) }, { token: local.token });
    const { url, binding } = await atRoute(providerUser({ email: local.input.email }));
    const done = await visit(url, binding);
    expect(done.location!.search).toBe('?result=second_factor_required&methods=PASSKEY');
    const cookie = cookieOf(done.cookies, 'sign_in_ticket')!.split(';')[0]!;

    const START_2FA = `mutation { startPasskeySecondFactor(ticket: "") { challengeId options } }`;
    const unguarded = await gql(START_2FA, {}, { headers: { origin: APP_ORIGIN, cookie } });
    expect(unguarded.body.errors![0].extensions!.code).toBe('FORBIDDEN');
    const challenge = (await gql(START_2FA, {}, { headers: { ...browser, cookie } })).body.data.startPasskeySecondFactor;
    const response = await key.get(challenge.options);
    const VERIFY = `mutation($c: ID!, $r: JSON!) { verifySecondFactorWithPasskey(ticket: "", challengeId: $c, response: $r) { __typename ... on AuthSuccess { refreshToken } } }`;
    expect((await gql(VERIFY, { c: challenge.challengeId, r: response }, { headers: { origin: APP_ORIGIN, cookie } })).body.errors![0].extensions!.code).toBe('FORBIDDEN');
    const verified = await gql(VERIFY, { c: challenge.challengeId, r: response }, { headers: { ...browser, cookie } });
    expect(verified.body.data.verifySecondFactorWithPasskey).toEqual({ __typename: 'AuthSuccess', refreshToken: null });
    expect(verified.headers.get('set-cookie')).toMatch(/^refresh_token=rt_/);
  });

  it('says account_link_required without the address, and reports a cancel at the provider', async () => {
    const local = await registered(t.gql);
    const { url, binding } = await atRoute(providerUser({ email: local.input.email }));
    const done = await visit(url, binding);
    expect(done.location!.search).toBe('?result=account_link_required');
    expect(done.cookies.filter((c) => !c.startsWith('external_sign_in_'))).toEqual([]);

    const cancelled = await atRoute(providerUser());
    const denied = new URL(callbackUrl);
    denied.searchParams.set('error', 'access_denied');
    denied.searchParams.set('state', cancelled.url.searchParams.get('state')!);
    expect((await visit(denied, cancelled.binding)).location!.search).toBe('?result=error&reason=ACCESS_DENIED');
  });

  it('does nothing for a HEAD (a link preview must not use the sign-in up)', async () => {
    const { url, binding } = await atRoute(providerUser());
    expect((await visit(url, binding, 'HEAD')).status).toBe(405);
    expect((await visit(url, binding)).location!.search).toBe('?result=signed_in');
  });
});

describe('logs', () => {
  it('record reasons without the client secret, codes or tokens, and nothing at error level', () => {
    const logs = t.logs.join('\n');
    expect(logs).toContain('external sign-in refused');
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toMatch(/"code":"[A-Za-z0-9_-]{20,}"/);
    expect(t.logs.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
