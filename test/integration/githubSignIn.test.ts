import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubStandIn, type GitHubStandIn, type GitHubTestUser } from '../helpers/githubStandIn';
import { registered, startTestApp, type TestApp } from '../helpers/testApp';

/**
 * Sign-in with GitHub (OAuth 2, not OpenID Connect) against a local stand-in for github.com and
 * api.github.com with GitHub's quirks (token errors as HTTP 200, JSON only when asked, single-use codes,
 * PKCE), the service's GITHUB_WEB_URL and GITHUB_API_URL pointed at it.
 */

const APP_REDIRECT = 'https://app.example/signed-in';
const GITHUB_APP = { clientId: 'Iv1.0123456789abcdef', clientSecret: `gh-secret-${randomBytes(8).toString('hex')}`, callbackUrl: APP_REDIRECT };

const START = /* GraphQL */ `
  mutation($redirectUri: String!) {
    startExternalSignIn(provider: "github", redirectUri: $redirectUri) {
      __typename
      ... on ExternalSignInStart { authorizationUrl state }
      ... on ErrorResult { code message }
    }
  }
`;
const FINISH = /* GraphQL */ `
  mutation($code: String!, $state: String!, $iss: String) {
    finishExternalSignIn(provider: "github", code: $code, state: $state, iss: $iss) {
      __typename
      ... on AuthSuccess { accessToken user { id email emailVerified firstName lastName identities { provider email } } }
      ... on AccountLinkRequired { email signInMethods: methods }
      ... on ErrorResult { code message }
      ... on ExternalSignInError { reason }
    }
  }
`;

let gh: GitHubStandIn;
let t: TestApp;
beforeAll(async () => {
  gh = await startGitHubStandIn({ apps: [GITHUB_APP] });
  t = await startTestApp({
    env: {
      GITHUB_CLIENT_ID: GITHUB_APP.clientId,
      GITHUB_CLIENT_SECRET: GITHUB_APP.clientSecret,
      GITHUB_WEB_URL: gh.webUrl,
      GITHUB_API_URL: gh.apiUrl,
      EXTERNAL_REDIRECT_URIS: APP_REDIRECT,
      EXTERNAL_PROVIDER_TIMEOUT_MS: '500',
    },
  });
});
afterEach(() => gh.setMode('up'));
afterAll(async () => {
  await t?.close();
  await gh?.close();
});

let ids = 9000;
function gitHubUser(overrides: Partial<GitHubTestUser> = {}): GitHubTestUser {
  ids += 1;
  const login = `octo${ids}`;
  return {
    id: ids,
    login,
    name: 'The Octocat',
    emails: [
      { email: `old-${login}@example.net`, primary: false, verified: false },
      { email: `${login}@example.net`, primary: true, verified: true },
    ],
    ...overrides,
  };
}

async function authorized(user: GitHubTestUser) {
  const started = (await t.gql(START, { redirectUri: APP_REDIRECT })).body.data.startExternalSignIn;
  expect(started.__typename).toBe('ExternalSignInStart');
  const back = await gh.authorize(started.authorizationUrl, user);
  expect(back.state).toBe(started.state);
  return { code: back.code!, state: back.state! };
}

const finish = async (callback: { code: string; state: string; iss?: string }) => (await t.gql(FINISH, callback)).body.data.finishExternalSignIn;

describe('GitHub', () => {
  it('is listed, and starts at its authorize endpoint with PKCE S256, state and the scopes for the profile and addresses', async () => {
    expect((await t.gql(`{ identityProviders { id name } }`)).body.data.identityProviders).toEqual([{ id: 'github', name: 'GitHub' }]);
    const started = (await t.gql(START, { redirectUri: APP_REDIRECT })).body.data.startExternalSignIn;
    const url = new URL(started.authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(gh.authorizationEndpoint);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: GITHUB_APP.clientId,
      redirect_uri: APP_REDIRECT,
      scope: 'read:user user:email',
      code_challenge_method: 'S256',
      state: started.state,
    });
    expect(url.searchParams.has('nonce')).toBe(false);
  });

  it('makes an account from the primary verified address; the subject is the numeric id, so a renamed login stays the same account', async () => {
    const user = gitHubUser();
    const result = await finish(await authorized(user));
    expect(result).toMatchObject({
      __typename: 'AuthSuccess',
      user: { email: `${user.login}@example.net`, emailVerified: true, firstName: 'The', lastName: 'Octocat', identities: [{ provider: 'github' }] },
    });
    expect(decodeJwt(result.accessToken).amr).toEqual(['fed']);
    const [row] = (await t.db.query('select subject from external_identities where user_id = $1', [result.user.id])).rows;
    expect(row.subject).toBe(String(user.id));

    const renamed = { ...user, login: `renamed-${user.login}`, name: null };
    expect((await finish(await authorized(renamed))).user.id).toBe(result.user.id);
  });

  it('links to a verified account with the same address, and refuses to make one when the primary address is unverified', async () => {
    const local = await registered(t.gql);
    await t.db.query('update users set email_verified_at = now() where id = $1', [local.user.id]);
    const same = gitHubUser({ emails: [{ email: local.input.email, primary: true, verified: true }] });
    expect((await finish(await authorized(same))).user.id).toBe(local.user.id);

    const unverified = gitHubUser({
      emails: [
        { email: `verified-${ids}@example.net`, primary: false, verified: true },
        { email: `primary-${ids}@example.net`, primary: true, verified: false },
      ],
    });
    expect(await finish(await authorized(unverified))).toMatchObject({ __typename: 'ExternalSignInError', reason: 'NO_VERIFIED_EMAIL' });
    const other = await registered(t.gql);
    const claimed = gitHubUser({ emails: [{ email: other.input.email, primary: true, verified: false }] });
    expect(await finish(await authorized(claimed))).toEqual({ __typename: 'AccountLinkRequired', email: other.input.email, signInMethods: ['password'] });
  });

  it("refuses a replayed code (GitHub's HTTP 200 error), a forged state, and a code of another sign-in", async () => {
    const back = await authorized(gitHubUser());
    expect((await finish(back)).__typename).toBe('AuthSuccess');
    const fresh = (await t.gql(START, { redirectUri: APP_REDIRECT })).body.data.startExternalSignIn;
    const replayed = await finish({ code: back.code, state: fresh.state });
    expect(replayed).toMatchObject({ __typename: 'ExternalSignInError', reason: 'PROVIDER_REFUSED' });
    expect(replayed.message).not.toMatch(/bad_verification_code/);
    expect((await finish({ ...(await authorized(gitHubUser())), state: randomBytes(32).toString('base64url') })).reason).toBe('INVALID_STATE');

    // A code issued for one start, finished with another's state: PKCE binds the code to its own verifier.
    const [first, second] = [await authorized(gitHubUser()), await authorized(gitHubUser())];
    expect((await finish({ code: first.code, state: second.state })).reason).toBe('PROVIDER_REFUSED');
  });

  it('answers "try again" while GitHub is down or slow', async () => {
    const [a, b] = [await authorized(gitHubUser()), await authorized(gitHubUser())];
    await gh.setMode('down');
    expect(await finish(a)).toMatchObject({ __typename: 'ExternalSignInError', reason: 'PROVIDER_UNAVAILABLE', message: expect.stringMatching(/try again/) });
    await gh.setMode('slow', { delayMs: 1500 });
    expect((await finish(b)).reason).toBe('PROVIDER_UNAVAILABLE');
  });

  it('never writes the client secret or an access token to the log', () => {
    const logs = t.logs.join('\n');
    expect(logs).toContain('external sign-in refused');
    expect(logs).not.toContain(GITHUB_APP.clientSecret);
    expect(logs).not.toMatch(/gho_/);
  });
});
