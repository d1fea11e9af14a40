import { decodeJwt } from 'jose';
import { Secret, TOTP } from 'otpauth';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpReceiver } from '../helpers/SmtpReceiver';
import { SoftAuthenticator, type CreateOptions, type GetOptions, type SoftAuthenticatorSettings } from '../helpers/softAuthenticator';
import { confirmAddress, LOGIN, ME, newUser, registered, startTestApp, type Gql, type TestApp } from '../helpers/testApp';

/**
 * Passkeys end to end against real PostgreSQL, Redis and SMTP. The authenticator is a software one
 * (test/helpers/softAuthenticator.ts): real keys from node:crypto, real CBOR, real signatures, with a
 * knob for every response the service must refuse. Its origin and RP ID are the development
 * defaults (the demo page on http://localhost:5173, RP ID localhost).
 */

const ORIGIN = 'http://localhost:5173';
const CHALLENGE = 'challengeId options expiresAt';
const ERROR = '... on ErrorResult { code message }';
const START_NEW = `mutation($i: PasskeyAccountInput!) { startPasskeyRegistrationForNewAccount(input: $i) { ${CHALLENGE} } }`;
const FINISH_NEW = `mutation($c: ID!, $r: JSON!) { finishPasskeyRegistrationForNewAccount(challengeId: $c, response: $r) {
  __typename ... on AuthSuccess { accessToken refreshToken user { id email passkeys { id name deviceType backedUp lastUsedAt } } } ${ERROR} } }`;
const START_LOGIN = `mutation($e: EmailAddress) { startPasskeyLogin(email: $e) { ${CHALLENGE} } }`;
const FINISH_LOGIN = `mutation($c: ID!, $r: JSON!) { finishPasskeyLogin(challengeId: $c, response: $r) {
  __typename ... on AuthSuccess { accessToken user { id email passkeys { id lastUsedAt } } } ${ERROR} ... on RateLimitedError { retryAfter } } }`;
const START_ADD = `mutation { startPasskeyRegistration { ${CHALLENGE} } }`;
const FINISH_ADD = `mutation($c: ID!, $r: JSON!, $n: String) { finishPasskeyRegistration(challengeId: $c, response: $r, name: $n) {
  __typename ... on PasskeyAdded { passkey { id name deviceType backedUp createdAt lastUsedAt } } ${ERROR} ... on InvalidInputError { fields { field } } } }`;
const START_2FA = `mutation($t: String!) { startPasskeySecondFactor(ticket: $t) { ${CHALLENGE} } }`;
const VERIFY_2FA = `mutation($t: String!, $c: ID!, $r: JSON!) { verifySecondFactorWithPasskey(ticket: $t, challengeId: $c, response: $r) {
  __typename ... on AuthSuccess { accessToken } ${ERROR} } }`;
const START_REAUTH = `mutation { startPasskeyReauthentication { ${CHALLENGE} } }`;
const CHANGE_PASSWORD = `mutation($p: PasskeyAssertionInput, $n: String!) { changePassword(passkey: $p, newPassword: $n) { __typename ${ERROR} } }`;
const RENAME = `mutation($id: ID!, $n: String!) { renamePasskey(id: $id, name: $n) { __typename ... on PasskeyRenamed { passkey { id name } } ${ERROR} } }`;
const REMOVE = `mutation($id: ID!) { removePasskey(id: $id) { __typename ... on PasskeyRemoved { passkeyId user { passkeys { id } } } ${ERROR} } }`;
const PASSKEYS = `query { me { passkeys { id name deviceType backedUp createdAt lastUsedAt } } }`;
const EVENTS = `query { me { securityEvents(first: 100) { edges { node { type } } } } }`;
const LOGIN_2FA = `mutation($email: EmailAddress!, $password: String!) { login(email: $email, password: $password) {
  __typename ... on AuthSuccess { accessToken } ... on SecondFactorRequired { ticket methods } ${ERROR} } }`;

const smtp = new SmtpReceiver();
let clock = Date.now();
let t: TestApp;
let other: TestApp;
/** Low limits, and a Redis prefix of its own so its counters start at zero. */
let limited: TestApp;
beforeAll(async () => {
  const env = { SMTP_URL: `smtp://127.0.0.1:${await smtp.start()}`, TOTP_ENCRYPTION_KEY: 'c'.repeat(64) };
  t = await startTestApp({ now: () => clock, env });
  [other, limited] = await Promise.all([
    // A second instance on the same database and Redis: challenges are shared.
    startTestApp({ now: () => clock, env, db: t.db, redisPrefix: t.redisPrefix }),
    startTestApp({
      now: () => clock,
      db: t.db,
      // The same mail server: every instance on the database delivers the outbox, this one too, so a
      // notice it happens to take must reach the receiver the tests read.
      env: { ...env, RATE_LIMIT_LOGIN_PER_ACCOUNT: '3', RATE_LIMIT_LOGIN_PER_IP: '5', RATE_LIMIT_PASSKEY_CHALLENGES_PER_IP: '12' },
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([other?.close(), limited?.close()]);
  await t?.close();
  await smtp.stop();
});

const device = (settings: Partial<SoftAuthenticatorSettings> = {}) => new SoftAuthenticator({ origin: ORIGIN, ...settings });
const account = () => {
  const { email, firstName, lastName } = newUser();
  return { email, firstName, lastName };
};
const data = async (gql: Gql, query: string, variables: Record<string, unknown> = {}, token?: string) => {
  const res = await gql(query, variables, token);
  if (!res.body.data) throw new Error(`no data: ${res.text}`);
  return Object.values(res.body.data)[0] as any;
};

/** A new account whose only credential is a passkey, signed in. */
async function passkeyAccount(authenticator = device(), opts: CreateOptions = {}, gql: Gql = t.gql) {
  const input = account();
  const start = await data(gql, START_NEW, { i: input });
  const response = await authenticator.create(start.options, opts);
  const result = await data(gql, FINISH_NEW, { c: start.challengeId, r: response });
  expect(result.__typename, JSON.stringify(result)).toBe('AuthSuccess');
  return { authenticator, input, token: result.accessToken as string, user: result.user, credentialId: response.id, response };
}

/** A sign-in with the authenticator's newest passkey, optionally naming an address; the finish's answer. */
async function signIn(authenticator: SoftAuthenticator, opts: GetOptions & { email?: string; gql?: Gql } = {}) {
  const gql = opts.gql ?? t.gql;
  const start = await data(gql, START_LOGIN, { e: opts.email });
  return data(gql, FINISH_LOGIN, { c: start.challengeId, r: await authenticator.get(start.options, opts) });
}

/** Adds a passkey to a signed-in account. */
async function addPasskey(token: string, authenticator = device(), opts: CreateOptions & { name?: string } = {}) {
  const start = await data(t.gql, START_ADD, {}, token);
  const response = await authenticator.create(start.options, opts);
  return { response, result: await data(t.gql, FINISH_ADD, { c: start.challengeId, r: response, n: opts.name }, token) };
}

const row = async (credentialId: string) =>
  (await t.db.query('select counter::int, last_used_at, backed_up from passkeys where credential_id = $1', [credentialId])).rows[0];
const eventTypes = async (token: string) => (await data(t.gql, EVENTS, {}, token)).securityEvents.edges.map((e: any) => e.node.type as string);
async function waitForSubjects(address: string, wanted: string[]): Promise<string[]> {
  await expect.poll(() => smtp.to(address).map((m) => m.subject), { timeout: 10_000 }).toEqual(expect.arrayContaining(wanted));
  return smtp.to(address).map((m) => m.subject);
}

describe('an account with a passkey and no password', () => {
  it('is created and signed in (amr hwk+user), has no password, and signs in again usernameless or by its address', async () => {
    const { authenticator, input, token, user, credentialId } = await passkeyAccount();
    expect(decodeJwt(token).amr).toEqual(['hwk', 'user']);
    expect(user).toMatchObject({ email: input.email, passkeys: [{ name: 'Passkey', deviceType: 'singleDevice', backedUp: false, lastUsedAt: null }] });
    expect((await t.db.query('select count(*)::int as n from password_credentials where user_id = $1', [user.id])).rows[0].n).toBe(0);
    expect((await data(t.gql, LOGIN, { email: input.email, password: 'correct horse battery staple' })).__typename).toBe('InvalidCredentialsError');
    expect(await eventTypes(token)).toEqual(expect.arrayContaining(['REGISTERED', 'SIGNED_IN']));

    const usernameless = await signIn(authenticator);
    expect(usernameless.__typename).toBe('AuthSuccess');
    expect(usernameless.user.id).toBe(user.id);
    expect(decodeJwt(usernameless.accessToken)).toMatchObject({ amr: ['hwk', 'user'], auth_time: Math.floor(clock / 1000) });
    expect(usernameless.user.passkeys[0].lastUsedAt).toBe(new Date(clock).toISOString());
    expect((await signIn(authenticator, { email: input.email.toUpperCase() })).__typename).toBe('AuthSuccess');
    expect((await row(credentialId)).counter).toBe(2);
  });

  it('a synced passkey (backup eligible, Ed25519) signs in as swk', async () => {
    const { authenticator, token, user } = await passkeyAccount(device({ backupEligible: true }), { algorithm: 'Ed25519' });
    expect(decodeJwt(token).amr).toEqual(['swk', 'user']);
    expect(user.passkeys[0]).toMatchObject({ deviceType: 'multiDevice', backedUp: true });
    expect(decodeJwt((await signIn(authenticator)).accessToken).amr).toEqual(['swk', 'user']);
  });

  it("follows register's rules: a bad input is refused before the ceremony, a taken address after it", async () => {
    const bad = await t.gql(START_NEW, { i: { email: 'ada@example.com', firstName: ' ', lastName: 'x'.repeat(101) } });
    expect(bad.body.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(bad.body.errors![0].message).toMatch(/firstName: First name is required\. lastName: Last name must be at most 100/);
    const existing = await registered(t.gql);
    const start = await data(t.gql, START_NEW, { i: { ...account(), email: ` ${existing.input.email.toUpperCase()} ` } });
    const taken = await data(t.gql, FINISH_NEW, { c: start.challengeId, r: await device().create(start.options) });
    expect(taken).toMatchObject({ __typename: 'EmailTakenError', code: 'EMAIL_TAKEN' });
    expect((await t.db.query('select count(*)::int as n from passkeys where user_id = $1', [existing.user.id])).rows[0].n).toBe(0);
  });

  it('answers startPasskeyLogin the same for a known address, an unknown one and none: nothing to enumerate', async () => {
    const { input } = await passkeyAccount();
    const options = await Promise.all(
      [input.email, 'nobody.here@example.com', undefined].map(async (email) => (await data(t.gql, START_LOGIN, { e: email })).options),
    );
    const shapes = options.map(({ challenge, ...rest }: PublicKeyCredentialRequestOptionsJSON) => {
      expect(Buffer.from(challenge, 'base64url')).toHaveLength(32);
      return rest;
    });
    expect(shapes[0]).toEqual({ rpId: 'localhost', allowCredentials: [], timeout: 300000, userVerification: 'required' });
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
  });
});

describe('refusals', () => {
  it('refuses every bad sign-in with the same InvalidPasskeyError, writing nothing', async () => {
    const { authenticator, input, token, credentialId } = await passkeyAccount();
    const stranger = await passkeyAccount();
    // Two responses that signed in once (one on each instance), to be sent again.
    const answered = async (gql: Gql) => {
      const start = await data(t.gql, START_LOGIN);
      const response = { c: start.challengeId, r: await authenticator.get(start.options) };
      expect((await data(gql, FINISH_LOGIN, response)).__typename).toBe('AuthSuccess');
      return response;
    };
    const [used, usedElsewhere] = [await answered(t.gql), await answered(other.gql)];
    const sessions = await sessionCount(input.email);
    const challenges: string[] = [];
    const refusals: Array<[string, () => Promise<any>]> = [
      ['another origin', () => signIn(authenticator, { origin: 'https://evil.example' })],
      ['another RP ID', () => signIn(authenticator, { rpId: 'evil.example' })],
      ['no user verification', () => signIn(authenticator, { userVerified: false })],
      ['no user presence', () => signIn(authenticator, { userPresent: false })],
      ['a creation passed off as an assertion', () => signIn(authenticator, { type: 'webauthn.create' })],
      ['a bad signature', () => signIn(authenticator, { tamperSignature: true })],
      ['an unknown credential', () => signIn(authenticator, { unknownCredential: true })],
      ['backup eligibility appearing', () => signIn(authenticator, { backupEligible: true, backedUp: false })],
      ['another account named', () => signIn(authenticator, { email: stranger.input.email })],
      ['an unknown account named', () => signIn(authenticator, { email: 'nobody.here@example.com' })],
      ['another challenge', async () => {
        const [first, second] = [await data(t.gql, START_LOGIN), await data(t.gql, START_LOGIN)];
        challenges.push(first.options.challenge, second.options.challenge);
        return data(t.gql, FINISH_LOGIN, { c: second.challengeId, r: await authenticator.get(first.options) });
      }],
      ['a used challenge', () => data(t.gql, FINISH_LOGIN, used)],
      ['a challenge used on the other instance', () => data(t.gql, FINISH_LOGIN, usedElsewhere)],
      ['a challenge issued for a re-authentication', async () => {
        const start = await data(t.gql, START_REAUTH, {}, token);
        return data(t.gql, FINISH_LOGIN, { c: start.challengeId, r: await authenticator.get(start.options) });
      }],
      ['an expired challenge', async () => {
        const start = await data(t.gql, START_LOGIN);
        clock += 5 * 60_000;
        return data(t.gql, FINISH_LOGIN, { c: start.challengeId, r: await authenticator.get(start.options) });
      }],
      ['a made-up challenge id', async () => data(t.gql, FINISH_LOGIN, { c: 'pkc_' + 'A'.repeat(32), r: await authenticator.get((await data(t.gql, START_LOGIN)).options) })],
      ['no response at all', async () => data(t.gql, FINISH_LOGIN, { c: (await data(t.gql, START_LOGIN)).challengeId, r: 'hello' })],
      ['a response of the wrong shape', async () => data(t.gql, FINISH_LOGIN, { c: (await data(t.gql, START_LOGIN)).challengeId, r: { id: credentialId, response: 7 } })],
    ];
    const answers = [];
    for (const [name, attempt] of refusals) {
      const before = await row(credentialId);
      const answer = await attempt();
      expect(answer.__typename, name).toBe('InvalidPasskeyError');
      // Nothing written: not the counter, not the time of last use.
      expect(await row(credentialId), name).toEqual(before);
      answers.push(answer);
    }
    // One message for every check: the client never learns which one failed.
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0].message).toBe('The passkey could not be verified. Please try again, or use another way to sign in.');
    expect(await sessionCount(input.email)).toBe(sessions);
    const failed = (await eventTypes((await signIn(authenticator)).accessToken)).filter((type: string) => type === 'SIGN_IN_FAILED');
    expect(failed.length).toBeGreaterThanOrEqual(6);
    // The reasons are logged, but not the challenges the library's messages quote.
    expect(t.logs.join('\n')).toContain('passkey refused');
    for (const challenge of challenges) expect(t.logs.join('\n')).not.toContain(challenge);
  });

  it('refuses a bad registration the same way, adding nothing', async () => {
    const { token, user } = await registered(t.gql);
    const refused: Array<[string, CreateOptions]> = [
      ['another origin', { origin: 'https://evil.example' }],
      ['another RP ID', { rpId: 'evil.example' }],
      ['another challenge', { challenge: 'c3RhbGU' }],
      ['no user verification', { userVerified: false }],
      ['an assertion passed off as a creation', { type: 'webauthn.get' }],
      ['backed up but not backup eligible', { backupEligible: false, backedUp: true }],
    ];
    for (const [name, opts] of refused) expect((await addPasskey(token, device(), opts)).result.__typename, name).toBe('InvalidPasskeyError');
    // Reused, expired, other purpose, another account's:
    const start = await data(t.gql, START_ADD, {}, token);
    const response = await device().create(start.options);
    expect((await data(t.gql, FINISH_ADD, { c: start.challengeId, r: response }, token)).__typename).toBe('PasskeyAdded');
    expect((await data(t.gql, FINISH_ADD, { c: start.challengeId, r: response }, token)).__typename).toBe('InvalidPasskeyError');
    const later = await data(t.gql, START_ADD, {}, token);
    clock += 5 * 60_000;
    expect((await data(t.gql, FINISH_ADD, { c: later.challengeId, r: await device().create(later.options) }, token)).__typename).toBe('InvalidPasskeyError');
    const fresh = await registered(t.gql);
    const newAccount = await data(t.gql, START_NEW, { i: account() });
    expect((await data(t.gql, FINISH_ADD, { c: newAccount.challengeId, r: await device().create(newAccount.options) }, fresh.token)).__typename).toBe(
      'InvalidPasskeyError',
    );
    const othersChallenge = await data(t.gql, START_ADD, {}, fresh.token);
    expect((await data(t.gql, FINISH_ADD, { c: othersChallenge.challengeId, r: await device().create(othersChallenge.options) }, token)).__typename).toBe(
      'InvalidPasskeyError',
    );
    expect((await t.db.query('select count(*)::int as n from passkeys where user_id in ($1, $2)', [user.id, fresh.user.id])).rows[0].n).toBe(1);
  });

  it('refuses a counter that goes back (a clone) as a security event with a notice; a passkey without a counter is fine', async () => {
    const { authenticator, input, credentialId } = await passkeyAccount();
    expect((await signIn(authenticator, { signCount: 5 })).__typename).toBe('AuthSuccess');
    // A forged response with a low counter and a bad signature is only a refusal, not an alarm.
    expect((await signIn(authenticator, { signCount: 3, tamperSignature: true })).__typename).toBe('InvalidPasskeyError');
    expect((await signIn(authenticator, { signCount: 3 })).__typename).toBe('InvalidPasskeyError');
    expect((await signIn(authenticator, { signCount: 5 })).__typename).toBe('InvalidPasskeyError');
    expect((await row(credentialId)).counter).toBe(5);
    const next = await signIn(authenticator, { signCount: 6 });
    expect(next.__typename).toBe('AuthSuccess');
    const events = await eventTypes(next.accessToken);
    expect(events.filter((type: string) => type === 'PASSKEY_CLONE_SUSPECTED')).toHaveLength(2);
    expect(await waitForSubjects(input.email, ['A sign-in with one of your passkeys was refused'])).toContain('A sign-in with one of your passkeys was refused');
    expect(t.logs.join('\n')).toContain('possibly a cloned authenticator');

    const synced = await passkeyAccount(device({ backupEligible: true }), { zeroCounter: true });
    for (let i = 0; i < 2; i++) expect((await signIn(synced.authenticator)).__typename).toBe('AuthSuccess');
    expect((await row(synced.credentialId)).counter).toBe(0);
  });
});

describe('adding, renaming and removing passkeys', () => {
  it('adds a named passkey to a password account, with a notice and a log entry; needs a recent sign-in', async () => {
    const { token, input } = await registered(t.gql);
    const { result } = await addPasskey(token, device(), { name: '  Ada’s laptop ' });
    expect(result).toMatchObject({ __typename: 'PasskeyAdded', passkey: { name: 'Ada’s laptop', deviceType: 'singleDevice', lastUsedAt: null } });
    expect((await data(t.gql, PASSKEYS, {}, token)).passkeys).toEqual([result.passkey]);
    expect(await eventTypes(token)).toContain('PASSKEY_ADDED');
    expect(await waitForSubjects(input.email, ['A passkey was added to your account'])).toContain('A passkey was added to your account');
    // A bad name is refused before the challenge is used: the same response goes through with a good one.
    const start = await data(t.gql, START_ADD, {}, token);
    const response = await device().create(start.options);
    expect(await data(t.gql, FINISH_ADD, { c: start.challengeId, r: response, n: '\u202Eevil' }, token)).toMatchObject({
      __typename: 'InvalidInputError',
      fields: [{ field: 'name' }],
    });
    expect(await data(t.gql, FINISH_ADD, { c: start.challengeId, r: response }, token)).toMatchObject({ passkey: { name: 'Passkey 2' } });

    const later = await registered(t.gql);
    clock += 11 * 60_000;
    const stale = await t.gql(START_ADD, {}, later.token);
    expect(stale.status).toBe(403);
    expect(stale.body.errors![0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });

  it('never registers one credential twice, for one account or two, even at once', async () => {
    const first = await registered(t.gql);
    const { response } = await addPasskey(first.token);
    // With `none` attestation nothing signs a registration: anyone can send a known credential id
    // and key again with a fresh challenge. The unique constraint refuses it.
    const again = async (token: string) => {
      const start = await data(t.gql, START_ADD, {}, token);
      return data(t.gql, FINISH_ADD, { c: start.challengeId, r: withChallenge(response, start.options) }, token);
    };
    const second = await registered(t.gql);
    expect((await again(first.token)).__typename).toBe('InvalidPasskeyError');
    expect((await again(second.token)).__typename).toBe('InvalidPasskeyError');
    // Nor as the passkey of a new account: the account is not created either.
    const input = account();
    const start = await data(t.gql, START_NEW, { i: input });
    expect((await data(t.gql, FINISH_NEW, { c: start.challengeId, r: withChallenge(response, start.options) })).__typename).toBe('InvalidPasskeyError');
    expect((await t.db.query('select count(*)::int as n from users where email = $1', [input.email])).rows[0].n).toBe(0);

    const [a, b] = [await registered(t.gql), await registered(t.gql)];
    const fresh = await device().create((await data(t.gql, START_ADD, {}, a.token)).options);
    const starts = await Promise.all([a, b].map((u) => data(t.gql, START_ADD, {}, u.token)));
    const outcomes = await Promise.all(
      [a, b].map((u, i) => data(i === 0 ? t.gql : other.gql, FINISH_ADD, { c: starts[i].challengeId, r: withChallenge(fresh, starts[i].options) }, u.token)),
    );
    expect(outcomes.map((o) => o.__typename).sort()).toEqual(['InvalidPasskeyError', 'PasskeyAdded']);
    expect((await t.db.query('select count(*)::int as n from passkeys where credential_id = $1', [fresh.id])).rows[0].n).toBe(1);
  });

  it('renames; removes with a notice, but never the last way to sign in, even when two removals race', async () => {
    const { authenticator, token, input } = await passkeyAccount();
    const secondDevice = device();
    await addPasskey(token, secondDevice);
    const [oldest, newest] = (await data(t.gql, PASSKEYS, {}, token)).passkeys;
    expect(await data(t.gql, RENAME, { id: oldest.id, n: 'Phone' }, token)).toMatchObject({ passkey: { id: oldest.id, name: 'Phone' } });
    expect((await data(t.gql, RENAME, { id: oldest.id, n: '' }, token)).__typename).toBe('InvalidInputError');
    const outsider = await registered(t.gql);
    for (const id of [oldest.id, 'not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      expect((await data(t.gql, RENAME, { id, n: 'Mine' }, outsider.token)).__typename).toBe('PasskeyNotFoundError');
      expect((await data(t.gql, REMOVE, { id }, outsider.token)).__typename).toBe('PasskeyNotFoundError');
    }

    const race = await Promise.all([oldest, newest].map((p) => data(t.gql, REMOVE, { id: p.id }, token)));
    expect(race.map((r) => r.__typename).sort()).toEqual(['LastSignInMethodError', 'PasskeyRemoved']);
    expect(race.find((r) => r.code)).toMatchObject({ code: 'LAST_SIGN_IN_METHOD' });
    const remaining = (await data(t.gql, PASSKEYS, {}, token)).passkeys;
    expect(remaining).toHaveLength(1);
    expect(await waitForSubjects(input.email, ['A passkey was removed from your account'])).toContain('A passkey was removed from your account');
    expect(await eventTypes(token)).toContain('PASSKEY_REMOVED');
    // The removed one signs in no more; the other does (which one won the race is up to the database).
    const outcomes = [(await signIn(authenticator)).__typename, (await signIn(secondDevice)).__typename];
    expect(outcomes.sort()).toEqual(['AuthSuccess', 'InvalidPasskeyError']);

    // With a password, the last passkey may go, but only from a recent sign-in: the passkey is the
    // password's second factor, and an older (perhaps stolen) session must not take it away.
    const withPassword = await registered(t.gql);
    const key = device();
    const only = (await addPasskey(withPassword.token, key)).result.passkey;
    clock += 11 * 60_000;
    const stale = await t.gql(REMOVE, { id: only.id }, withPassword.token);
    expect(stale.status).toBe(403);
    expect(stale.body.errors![0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/^Sign in again to remove a passkey/) });
    expect((await data(t.gql, PASSKEYS, {}, withPassword.token)).passkeys).toHaveLength(1);
    const fresh = await data(t.gql, LOGIN_2FA, { email: withPassword.input.email, password: withPassword.input.password });
    const start = await data(t.gql, START_2FA, { t: fresh.ticket });
    const again = await data(t.gql, VERIFY_2FA, { t: fresh.ticket, c: start.challengeId, r: await key.get(start.options) });
    expect((await data(t.gql, REMOVE, { id: only.id }, again.accessToken)).__typename).toBe('PasskeyRemoved');
  });
});

describe('an account registered with someone else\'s address', () => {
  it('is reclaimed by a reset from the mailbox: passkeys added before the address was proven are gone, the app stays', async () => {
    // Whoever registers first with an address they do not own adds ways in of their own, and waits.
    const squatter = await registered(t.gql);
    const key = device();
    await addPasskey(squatter.token, key);
    const enrollment = await data(t.gql, 'mutation { startTotpEnrollment { secret } }', {}, squatter.token);
    const code = TOTP.generate({ secret: Secret.fromBase32(enrollment.secret), timestamp: clock });
    expect((await data(t.gql, 'mutation($c: String!) { confirmTotpEnrollment(code: $c) { __typename } }', { c: code }, squatter.token)).__typename).toBe(
      'TotpEnabled',
    );

    // The address's owner asks for a reset and follows the link.
    await data(t.gql, 'mutation($e: EmailAddress!) { requestPasswordReset(email: $e) }', { e: squatter.input.email });
    const reset = await data(t.gql, 'mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) { __typename } }', {
      t: await smtp.linkToken(squatter.input.email, 'reset'),
      p: 'the real owner chose this one',
    });
    expect(reset.__typename).toBe('AccountUpdated');

    // The squatter's passkey signs in no more, nor is it offered as a second factor. The app stays: a
    // reset is never a way around it (issue 13), and alone it lets no one in.
    expect((await signIn(key)).__typename).toBe('InvalidPasskeyError');
    expect((await t.db.query('select count(*)::int as n from passkeys where user_id = $1', [squatter.user.id])).rows[0].n).toBe(0);
    const logged = (await t.db.query('select type from security_events where user_id = $1', [squatter.user.id])).rows.map((r) => r.type);
    expect(logged).toEqual(expect.arrayContaining(['PASSWORD_RESET', 'PASSKEYS_RECLAIMED']));
    const owner = await data(t.gql, LOGIN_2FA, { email: squatter.input.email, password: 'the real owner chose this one' });
    expect(owner).toMatchObject({ __typename: 'SecondFactorRequired', methods: ['TOTP', 'RECOVERY_CODE'] });
    await expect
      .poll(() => smtp.to(squatter.input.email).find((m) => m.subject === 'Your password was reset')?.text, { timeout: 10_000 })
      .toMatch(/had not been confirmed before[\s\S]*passkeys and linked sign-ins[\s\S]*were removed/);
  });

  it('keeps them once the address was proven: a reset is then no way around them', async () => {
    const { token, input } = await registered(t.gql);
    await confirmAddress(t.gql, smtp, input.email);
    const key = device();
    await addPasskey(token, key);
    await data(t.gql, 'mutation($e: EmailAddress!) { requestPasswordReset(email: $e) }', { e: input.email });
    const reset = await data(t.gql, 'mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) { __typename } }', {
      t: await smtp.linkToken(input.email, 'reset'),
      p: 'a new passphrase for this',
    });
    expect(reset.__typename).toBe('AccountUpdated');
    expect((await data(t.gql, LOGIN_2FA, { email: input.email, password: 'a new passphrase for this' })).methods).toEqual(['PASSKEY']);
    expect((await signIn(key)).__typename).toBe('AuthSuccess');
  });
});

describe('as the second factor', () => {
  it('follows a password: PASSKEY offered (with TOTP), the ticket bound; amr adds hwk, and user when verified', async () => {
    const { token, input } = await registered(t.gql);
    const authenticator = device();
    await addPasskey(token, authenticator);
    const ticket = async () => {
      const login = await data(t.gql, LOGIN_2FA, { email: input.email, password: input.password });
      expect(login.__typename).toBe('SecondFactorRequired');
      return login as { ticket: string; methods: string[] };
    };
    const first = await ticket();
    expect(first.methods).toEqual(['PASSKEY']);
    const start = await data(t.gql, START_2FA, { t: first.ticket });
    expect(start.options).toMatchObject({ userVerification: 'preferred', allowCredentials: [{ id: authenticator.credentials[0].id, type: 'public-key' }] });
    const response = await authenticator.get(start.options, { userVerified: false });
    // Another ticket (another sign-in) cannot use this challenge.
    const another = await ticket();
    expect((await data(t.gql, VERIFY_2FA, { t: another.ticket, c: start.challengeId, r: response })).__typename).toBe('InvalidPasskeyError');
    const again = await data(t.gql, START_2FA, { t: first.ticket });
    const signedIn = await data(t.gql, VERIFY_2FA, { t: first.ticket, c: again.challengeId, r: await authenticator.get(again.options, { userVerified: false }) });
    expect(signedIn.__typename).toBe('AuthSuccess');
    expect(decodeJwt(signedIn.accessToken).amr).toEqual(['pwd', 'hwk']);
    // The ticket is used up; a dead ticket gets no challenge.
    expect((await t.gql(START_2FA, { t: first.ticket })).body.errors![0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });

    const verified = await ticket();
    const challenge = await data(t.gql, START_2FA, { t: verified.ticket });
    const withUv = await data(t.gql, VERIFY_2FA, { t: verified.ticket, c: challenge.challengeId, r: await authenticator.get(challenge.options) });
    expect(decodeJwt(withUv.accessToken).amr).toEqual(['pwd', 'hwk', 'user']);

    // With an authenticator app too, all are offered; a passkey sign-in skips the second factor.
    const enrollment = await data(t.gql, 'mutation { startTotpEnrollment { secret } }', {}, token);
    const code = TOTP.generate({ secret: Secret.fromBase32(enrollment.secret), timestamp: clock });
    expect((await data(t.gql, 'mutation($c: String!) { confirmTotpEnrollment(code: $c) { __typename } }', { c: code }, token)).__typename).toBe('TotpEnabled');
    expect((await ticket()).methods).toEqual(['TOTP', 'RECOVERY_CODE', 'PASSKEY']);
    const alone = await signIn(authenticator, { email: input.email });
    expect(alone.__typename).toBe('AuthSuccess');
    expect(decodeJwt(alone.accessToken).amr).toEqual(['hwk', 'user']);
  });
});

describe('re-authentication', () => {
  it('a fresh assertion confirms a sensitive change; an account without a password relies on it once its sign-in is old', async () => {
    const { authenticator, token } = await passkeyAccount();
    const assertion = async (bearer = token) => {
      const start = await data(t.gql, START_REAUTH, {}, bearer);
      expect(start.options).toMatchObject({ userVerification: 'required', allowCredentials: [{ id: authenticator.credentials[0].id }] });
      return { challengeId: start.challengeId, response: await authenticator.get(start.options) };
    };
    clock += 11 * 60_000;
    const fresh = await signIn(authenticator);
    clock += 11 * 60_000;
    // Old sign-in, no password: only a passkey will do.
    expect((await data(t.gql, CHANGE_PASSWORD, { n: 'a first password for me' }, fresh.accessToken)).code).toBe('INVALID_CREDENTIALS');
    const unverified = await data(t.gql, START_REAUTH, {}, fresh.accessToken);
    expect(
      (await data(t.gql, CHANGE_PASSWORD, { p: { challengeId: unverified.challengeId, response: await authenticator.get(unverified.options, { userVerified: false }) }, n: 'a first password for me' }, fresh.accessToken)).code,
    ).toBe('INVALID_CREDENTIALS');
    // A challenge of another session does not carry over.
    const elsewhere = (await signIn(authenticator)).accessToken;
    expect((await data(t.gql, CHANGE_PASSWORD, { p: await assertion(elsewhere), n: 'a first password for me' }, fresh.accessToken)).code).toBe('INVALID_CREDENTIALS');
    const proof = await assertion(fresh.accessToken);
    expect((await data(t.gql, CHANGE_PASSWORD, { p: proof, n: 'a first password for me' }, fresh.accessToken)).__typename).toBe('ChangePasswordSuccess');
    // Single use.
    expect((await data(t.gql, CHANGE_PASSWORD, { p: proof, n: 'a second password for me' }, fresh.accessToken)).code).toBe('INVALID_CREDENTIALS');
  });
});

describe('limits', () => {
  it('counts sign-ins per account and failures per address; challenges for anonymous callers per address', async () => {
    const { authenticator, input } = await passkeyAccount(device(), {}, limited.gql); // challenge 1
    const bystander = await passkeyAccount(device(), {}, limited.gql); // 2
    for (let i = 0; i < 3; i++) {
      expect((await signIn(authenticator, { gql: limited.gql, email: input.email, tamperSignature: true })).__typename).toBe('InvalidPasskeyError');
    } // 5
    // The account is at its limit: even a right passkey waits, usernameless too (the passkey says whose it is).
    expect((await signIn(authenticator, { gql: limited.gql, email: input.email })).__typename).toBe('RateLimitedError'); // 6
    expect((await signIn(authenticator, { gql: limited.gql })).__typename).toBe('RateLimitedError'); // 7
    // Two more failures (no account known) fill the address's failures: then nobody signs in from it.
    for (let i = 0; i < 2; i++) expect((await signIn(authenticator, { gql: limited.gql, unknownCredential: true })).__typename).toBe('InvalidPasskeyError'); // 9
    expect(await signIn(bystander.authenticator, { gql: limited.gql })).toMatchObject({ __typename: 'RateLimitedError', code: 'RATE_LIMITED' }); // 10
    for (let i = 0; i < 2; i++) expect((await limited.gql(START_LOGIN, {})).status).toBe(200); // 12
    const refused = await limited.gql(START_LOGIN, {});
    expect(refused.status).toBe(429);
    expect(refused.body.errors![0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
  });
});

describe('secrets and errors', () => {
  it('never puts a challenge id, a signature or a token in the logs, nor driver text in an answer', async () => {
    const { authenticator } = await passkeyAccount();
    const start = await data(t.gql, START_LOGIN);
    const response = await authenticator.get(start.options);
    const signedIn = await data(t.gql, FINISH_LOGIN, { c: start.challengeId, r: response });
    const logs = [...t.logs, ...other.logs].join('\n');
    expect(logs).not.toContain(start.challengeId);
    expect(logs).not.toContain(response.response.signature);
    expect(logs).not.toContain(signedIn.accessToken);
    const odd = await t.gql(FINISH_LOGIN, { c: 'x'.repeat(5000), r: { id: 'y'.repeat(3000), response: { authenticatorData: '!!', userHandle: 5 } } });
    expect(odd.status).toBe(200);
    expect(odd.body.data.finishPasskeyLogin.__typename).toBe('InvalidPasskeyError');
    expect((await t.gql(ME, {}, signedIn.accessToken)).status).toBe(200);
    // Every refusal in this file was an expected outcome: none is an error in the log.
    expect([...t.logs, ...other.logs].map((line) => JSON.parse(line)).filter((entry) => entry.level === 'error')).toEqual([]);
    expect(logs).toContain('"msg":"passkey refused"');
  });
});

/** The same registration response, answering another challenge: what an attacker can build, as `none` attestation signs nothing. */
function withChallenge(response: RegistrationResponseJSON, options: PublicKeyCredentialCreationOptionsJSON): RegistrationResponseJSON {
  const clientData = JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString());
  const clientDataJSON = Buffer.from(JSON.stringify({ ...clientData, challenge: options.challenge })).toString('base64url');
  return { ...response, response: { ...response.response, clientDataJSON } };
}

async function sessionCount(email: string): Promise<number> {
  const { rows } = await t.db.query('select count(*)::int as n from sessions s join users u on u.id = s.user_id where u.email = $1', [email]);
  return rows[0].n;
}
