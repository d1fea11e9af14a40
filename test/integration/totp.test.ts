import { decodeJwt } from 'jose';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpReceiver } from '../helpers/SmtpReceiver';
import { LOGIN, ME, REFRESH, registered, startTestApp, type Gql, type TestApp } from '../helpers/testApp';

/**
 * Two-factor authentication with an authenticator app, end to end against real PostgreSQL, Redis and
 * SMTP, with the service's clock in the test's hands. The "authenticator app" is otpauth itself, fed
 * the secret the service handed out: it computes codes as any app would.
 */

const START = /* GraphQL */ `mutation { startTotpEnrollment { secret otpauthUri qrCodeSvg } }`;
const CONFIRM = /* GraphQL */ `
  mutation($code: String!) {
    confirmTotpEnrollment(code: $code) {
      __typename
      ... on TotpEnabled { recoveryCodes }
      ... on ErrorResult { code message }
    }
  }
`;
const VERIFY = /* GraphQL */ `
  mutation($ticket: String!, $code: String!) {
    verifySecondFactor(ticket: $ticket, code: $code) {
      __typename
      ... on AuthSuccess { accessToken refreshToken user { id twoFactorEnabled recoveryCodesRemaining } }
      ... on ErrorResult { code message }
    }
  }
`;
const LOGIN_2FA = /* GraphQL */ `
  mutation($email: EmailAddress!, $password: String!) {
    login(email: $email, password: $password) {
      __typename
      ... on AuthSuccess { accessToken }
      ... on SecondFactorRequired { ticket methods expiresAt }
      ... on ErrorResult { code message }
    }
  }
`;
const STATUS = /* GraphQL */ `query { me { twoFactorEnabled recoveryCodesRemaining } }`;
const DISABLE = /* GraphQL */ `
  mutation($code: String!) { disableTotp(code: $code) { __typename ... on TotpDisabled { user { twoFactorEnabled recoveryCodesRemaining } } ... on ErrorResult { code } } }
`;
const REGENERATE = /* GraphQL */ `
  mutation($code: String!) { regenerateRecoveryCodes(code: $code) { __typename ... on RecoveryCodes { codes } ... on ErrorResult { code } } }
`;
const EVENTS = /* GraphQL */ `query { me { securityEvents(first: 100) { edges { node { type } } } } }`;

const STEP = 30_000;
const smtp = new SmtpReceiver();
/** Starts in the middle of a time step, so ±1 step is unambiguous. */
let clock = Math.floor(Date.now() / STEP) * STEP + STEP / 2;
let t: TestApp;
let other: TestApp;
beforeAll(async () => {
  const port = await smtp.start();
  const env = { SMTP_URL: `smtp://127.0.0.1:${port}`, TOTP_ENCRYPTION_KEY: 'a'.repeat(64), TOTP_ISSUER: 'Acme Auth' };
  t = await startTestApp({ now: () => clock, env });
  // A second instance on the same database and Redis: tickets and used codes are shared.
  other = await startTestApp({ now: () => clock, env, db: t.db, redisPrefix: t.redisPrefix });
});
afterAll(async () => {
  await other?.close();
  await t?.close();
  await smtp.stop();
});

/** What an authenticator app shows for a secret at a moment. */
const appCode = (secret: string, at = clock) => TOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: at });
/** Moves on to the middle of a later time step, so the next code is new. */
const nextStep = () => (clock += STEP);

/** A signed-in user with an authenticator app turned on. */
async function withTotp(gql: Gql = t.gql) {
  const user = await registered(gql);
  const started = (await gql(START, {}, user.token)).body.data.startTotpEnrollment as { secret: string; otpauthUri: string; qrCodeSvg: string };
  const confirmed = (await gql(CONFIRM, { code: appCode(started.secret) }, user.token)).body.data.confirmTotpEnrollment;
  expect(confirmed.__typename).toBe('TotpEnabled');
  nextStep();
  return { ...user, secret: started.secret, recoveryCodes: confirmed.recoveryCodes as string[] };
}

async function ticketFor(user: { input: { email: string; password: string } }, gql: Gql = t.gql): Promise<string> {
  const login = (await gql(LOGIN_2FA, { email: user.input.email, password: user.input.password })).body.data.login;
  expect(login.__typename).toBe('SecondFactorRequired');
  return login.ticket;
}

describe('setting up an authenticator app', () => {
  it('hands out a 160-bit secret as text, otpauth URI (issuer and email) and SVG QR code, in force only once confirmed', async () => {
    const user = await registered(t.gql);
    const { secret, otpauthUri, qrCodeSvg } = (await t.gql(START, {}, user.token)).body.data.startTotpEnrollment;
    expect(Secret.fromBase32(secret).bytes.length).toBe(20);
    const uri = new URL(otpauthUri);
    expect([uri.protocol, uri.host]).toEqual(['otpauth:', 'totp']);
    expect(decodeURIComponent(uri.pathname)).toBe(`/Acme Auth:${user.input.email}`);
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({ issuer: 'Acme Auth', secret, algorithm: 'SHA1', digits: '6', period: '30' });
    expect(qrCodeSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

    // Pending: sign-in is unchanged, and the app is off.
    expect((await t.gql(LOGIN_2FA, { email: user.input.email, password: user.input.password })).body.data.login.__typename).toBe('AuthSuccess');
    expect((await t.gql(STATUS, {}, user.token)).body.data.me).toEqual({ twoFactorEnabled: false, recoveryCodesRemaining: null });
    // The secret is stored encrypted, never as given out.
    const [row] = (await t.db.query('select secret_sealed from totp_credentials where user_id = $1', [user.user.id])).rows;
    expect(row.secret_sealed).toMatch(/^v1\./);
    expect(row.secret_sealed).not.toContain(secret);
  });

  it('replaces a pending secret on a second start; a wrong code confirms nothing', async () => {
    const user = await registered(t.gql);
    const first = (await t.gql(START, {}, user.token)).body.data.startTotpEnrollment.secret;
    const second = (await t.gql(START, {}, user.token)).body.data.startTotpEnrollment.secret;
    expect(second).not.toBe(first);
    expect((await t.gql(CONFIRM, { code: appCode(first) }, user.token)).body.data.confirmTotpEnrollment.code).toBe('INVALID_SECOND_FACTOR');
    expect((await t.gql(CONFIRM, { code: 'abcdef' }, user.token)).body.data.confirmTotpEnrollment.code).toBe('INVALID_SECOND_FACTOR');
    expect((await t.gql(STATUS, {}, user.token)).body.data.me.twoFactorEnabled).toBe(false);
    expect((await t.gql(CONFIRM, { code: appCode(second) }, user.token)).body.data.confirmTotpEnrollment.__typename).toBe('TotpEnabled');
  });

  it('turns it on with a right code: ten recovery codes, every other session ended, a notice and a log entry', async () => {
    const user = await registered(t.gql);
    const elsewhere = (await t.gql(LOGIN, { email: user.input.email, password: user.input.password })).body.data.login.accessToken;
    const { secret } = (await t.gql(START, {}, user.token)).body.data.startTotpEnrollment;
    const result = (await t.gql(CONFIRM, { code: appCode(secret) }, user.token)).body.data.confirmTotpEnrollment;
    expect(result.__typename).toBe('TotpEnabled');
    expect(result.recoveryCodes).toHaveLength(10);
    expect(new Set(result.recoveryCodes).size).toBe(10);
    for (const code of result.recoveryCodes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);

    expect((await t.gql(ME, {}, elsewhere)).status).toBe(401);
    expect((await t.gql(STATUS, {}, user.token)).body.data.me).toEqual({ twoFactorEnabled: true, recoveryCodesRemaining: 10 });
    expect(await waitForSubjects(user.input.email, ['Two-factor authentication was turned on'])).toContain('Two-factor authentication was turned on');
    const types = (await t.gql(EVENTS, {}, user.token)).body.data.me.securityEvents.edges.map((e: { node: { type: string } }) => e.node.type);
    expect(types).toContain('TOTP_ENABLED');
    // Stored hashed: no code appears in the table.
    const hashes = (await t.db.query('select code_hash from recovery_codes where user_id = $1', [user.user.id])).rows.map((r) => r.code_hash as string);
    expect(hashes).toHaveLength(10);
    for (const code of result.recoveryCodes) expect(hashes.join()).not.toContain(code.replace('-', ''));

    // Never changes an active one.
    const again = await t.gql(START, {}, user.token);
    expect(again.status).toBe(403);
    expect(again.body.errors![0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(again.body.errors![0].message).toMatch(/already on/);
  });

  it('needs a recent sign-in: an older session cannot put its own app on the account', async () => {
    const user = await registered(t.gql);
    clock += 11 * 60_000;
    const res = await t.gql(START, {}, user.token);
    expect(res.status).toBe(403);
    expect(res.body.errors![0].message).toMatch(/Sign in again/);
  });
});

describe('signing in with a second factor', () => {
  it('answers SecondFactorRequired with a ticket that is not a session; the code opens one with amr pwd+otp, kept on refresh', async () => {
    const user = await withTotp();
    const login = (await t.gql(LOGIN_2FA, { email: user.input.email, password: user.input.password })).body.data.login;
    expect(login).toMatchObject({ __typename: 'SecondFactorRequired', methods: ['TOTP', 'RECOVERY_CODE'] });
    expect(login.ticket).toMatch(/^mfa_[\w-]{43}$/);
    expect(new Date(login.expiresAt).getTime()).toBe(clock + 5 * 60_000);
    // Not a session: not an access token, not a refresh token.
    expect((await t.gql(ME, {}, login.ticket)).status).toBe(401);
    expect((await t.gql(REFRESH, { refreshToken: login.ticket })).body.data.refreshToken.code).toBe('INVALID_REFRESH_TOKEN');

    const signedIn = (await t.gql(VERIFY, { ticket: login.ticket, code: appCode(user.secret) })).body.data.verifySecondFactor;
    expect(signedIn.__typename).toBe('AuthSuccess');
    expect(decodeJwt(signedIn.accessToken).amr).toEqual(['pwd', 'otp']);
    const sessions = (await t.gql('{ sessions { current authMethods authTime } }', {}, signedIn.accessToken)).body.data.sessions;
    expect(sessions.find((s: { current: boolean }) => s.current)).toMatchObject({ authMethods: ['pwd', 'otp'], authTime: new Date(clock).toISOString() });
    clock += 60_000;
    const refreshed = (await t.gql(REFRESH, { refreshToken: signedIn.refreshToken })).body.data.refreshToken;
    expect(decodeJwt(refreshed.accessToken)).toMatchObject({ amr: ['pwd', 'otp'], auth_time: Math.floor((clock - 60_000) / 1000) });
    // The ticket was single-use.
    nextStep();
    expect((await t.gql(VERIFY, { ticket: login.ticket, code: appCode(user.secret) })).body.data.verifySecondFactor.code).toBe('INVALID_TICKET');
  });

  it('ends pending tickets with the sessions: a ticket from before signing out everywhere or a password reset opens nothing', async () => {
    const user = await withTotp();
    const signedIn = (await t.gql(VERIFY, { ticket: await ticketFor(user), code: appCode(user.secret) })).body.data.verifySecondFactor;
    expect(signedIn.__typename).toBe('AuthSuccess');
    nextStep();
    const pending = await ticketFor(user, other.gql);
    expect((await t.gql('mutation { logoutEverywhere }', {}, signedIn.accessToken)).body.data.logoutEverywhere).toBe(true);
    // On every instance: the ticket was made on the other one.
    expect((await t.gql(VERIFY, { ticket: pending, code: appCode(user.secret) })).body.data.verifySecondFactor.code).toBe('INVALID_TICKET');
    // A sign-in after it is not affected, even in the same millisecond (the clock here stands still).
    const after = await ticketFor(user);
    expect((await other.gql(VERIFY, { ticket: after, code: appCode(user.secret) })).body.data.verifySecondFactor.__typename).toBe('AuthSuccess');

    nextStep();
    const beforeReset = await ticketFor(user);
    await t.gql('mutation($e: EmailAddress!) { requestPasswordReset(email: $e) }', { e: user.input.email });
    const reset = await t.gql('mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) { __typename } }', {
      t: await smtp.linkToken(user.input.email, 'reset'),
      p: 'the password after the ticket',
    });
    expect(reset.body.data.resetPassword.__typename).toBe('AccountUpdated');
    expect((await t.gql(VERIFY, { ticket: beforeReset, code: appCode(user.secret) })).body.data.verifySecondFactor.code).toBe('INVALID_TICKET');
  });

  it('accepts one step of clock drift either way, not two', async () => {
    const user = await withTotp();
    // Three steps past the code that confirmed the set-up (withTotp moved one): neither a step behind nor
    // two is a used step, so a refusal of -2 is the window's, not the replay rule's.
    nextStep();
    nextStep();
    const ticket = await ticketFor(user);
    for (const steps of [-2, 2]) {
      const code = appCode(user.secret, clock + steps * STEP);
      expect((await t.gql(VERIFY, { ticket, code })).body.data.verifySecondFactor.code, `${steps} steps`).toBe('INVALID_SECOND_FACTOR');
    }
    expect((await t.gql(VERIFY, { ticket, code: appCode(user.secret, clock - STEP) })).body.data.verifySecondFactor.__typename).toBe('AuthSuccess');
    const again = await ticketFor(user);
    expect((await t.gql(VERIFY, { ticket: again, code: appCode(user.secret, clock + STEP) })).body.data.verifySecondFactor.__typename).toBe('AuthSuccess');
  });

  it('takes a code once, on every instance: a replay is refused, and so is an older code inside the window', async () => {
    const user = await withTotp();
    const code = appCode(user.secret);
    const first = await ticketFor(user, other.gql); // a ticket from one instance...
    expect((await t.gql(VERIFY, { ticket: first, code })).body.data.verifySecondFactor.__typename).toBe('AuthSuccess'); // ...works on the other
    const second = await ticketFor(user);
    expect((await other.gql(VERIFY, { ticket: second, code })).body.data.verifySecondFactor.code).toBe('INVALID_SECOND_FACTOR');
    expect((await t.gql(VERIFY, { ticket: second, code: appCode(user.secret, clock - STEP) })).body.data.verifySecondFactor.code).toBe(
      'INVALID_SECOND_FACTOR',
    );
    nextStep();
    expect((await other.gql(VERIFY, { ticket: second, code: appCode(user.secret) })).body.data.verifySecondFactor.__typename).toBe('AuthSuccess');
  });

  it('lets two concurrent uses of one code win once', async () => {
    const user = await withTotp();
    const tickets = [await ticketFor(user), await ticketFor(user, other.gql)];
    const code = appCode(user.secret);
    const outcomes = await Promise.all([t.gql(VERIFY, { ticket: tickets[0], code }), other.gql(VERIFY, { ticket: tickets[1], code })]);
    expect(outcomes.map((r) => r.body.data.verifySecondFactor.__typename).sort()).toEqual(['AuthSuccess', 'InvalidSecondFactorError']);
  });

  it('ends a ticket after five minutes, and after five wrong codes (each a failed sign-in in the log)', async () => {
    const user = await withTotp();
    const expiring = await ticketFor(user);
    clock += 5 * 60_000;
    expect((await t.gql(VERIFY, { ticket: expiring, code: appCode(user.secret) })).body.data.verifySecondFactor.code).toBe('INVALID_TICKET');

    const ticket = await ticketFor(user);
    for (let i = 0; i < 5; i++) {
      expect((await t.gql(VERIFY, { ticket, code: '000000' === appCode(user.secret) ? '111111' : '000000' })).body.data.verifySecondFactor.code).toBe(
        'INVALID_SECOND_FACTOR',
      );
    }
    expect((await t.gql(VERIFY, { ticket, code: appCode(user.secret) })).body.data.verifySecondFactor.code).toBe('INVALID_TICKET');
    const types = (await t.gql(EVENTS, {}, user.token)).body.data.me.securityEvents.edges.map((e: { node: { type: string } }) => e.node.type);
    expect(types.filter((type: string) => type === 'SIGN_IN_FAILED')).toHaveLength(5);
  });

  it('never tells a wrong password whether the account has a second factor', async () => {
    const user = await withTotp();
    const plain = await registered(t.gql);
    const answers = await Promise.all(
      [user, plain].map(async (u) => (await t.gql(LOGIN_2FA, { email: u.input.email, password: 'not the password at all' })).body.data.login),
    );
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0].code).toBe('INVALID_CREDENTIALS');
  });

  it('is not bypassed by a password reset: the reset opens no session, and the next sign-in asks for the code', async () => {
    // The address was never confirmed: the reset is its first proof, and still no way around the app.
    const user = await withTotp();
    expect((await t.gql('mutation($e: EmailAddress!) { requestPasswordReset(email: $e) }', { e: user.input.email })).status).toBe(200);
    const reset = await t.gql(
      'mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) { __typename } }',
      { t: await smtp.linkToken(user.input.email, 'reset'), p: 'a brand new passphrase 2026' },
    );
    expect(reset.body.data.resetPassword.__typename).toBe('AccountUpdated');
    const login = (await t.gql(LOGIN_2FA, { email: user.input.email, password: 'a brand new passphrase 2026' })).body.data.login;
    expect(login.__typename).toBe('SecondFactorRequired');
  });

  it("counts second-factor tries against the account's login limit", async () => {
    const limited = await startTestApp({ now: () => clock, env: { RATE_LIMIT_LOGIN_PER_ACCOUNT: '4', TOTP_ENCRYPTION_KEY: 'b'.repeat(64) } });
    try {
      const user = await withTotp(limited.gql);
      const ticket = await ticketFor(user, limited.gql); // 1
      for (let i = 0; i < 3; i++) await limited.gql(VERIFY, { ticket, code: 'zzzzzzzzzz' }); // 2, 3, 4
      const blocked = (await limited.gql(VERIFY, { ticket, code: appCode(user.secret) })).body.data.verifySecondFactor;
      expect(blocked.__typename).toBe('RateLimitedError');
      expect((await limited.gql(LOGIN_2FA, { email: user.input.email, password: user.input.password })).body.data.login.__typename).toBe(
        'RateLimitedError',
      );
    } finally {
      await limited.close();
    }
  });
});

describe('recovery codes', () => {
  it('sign in once each, in any case, with or without the dash and spaces; the last one leaves the app on', async () => {
    const user = await withTotp();
    const [first, second, ...rest] = user.recoveryCodes;
    const spellings = [first.toUpperCase(), ` ${second.replace('-', ' ')} `, ...rest.map((c) => c.replace('-', ''))];
    for (const [i, code] of spellings.entries()) {
      const result = (await t.gql(VERIFY, { ticket: await ticketFor(user), code })).body.data.verifySecondFactor;
      expect(result.__typename, code).toBe('AuthSuccess');
      expect(decodeJwt(result.accessToken).amr).toEqual(['pwd', 'otp']);
      expect(result.user.recoveryCodesRemaining).toBe(9 - i);
    }
    // Used up: each refused the second time; no codes left, so only the app is offered.
    expect((await t.gql(VERIFY, { ticket: await ticketFor(user), code: first })).body.data.verifySecondFactor.code).toBe('INVALID_SECOND_FACTOR');
    const login = (await t.gql(LOGIN_2FA, { email: user.input.email, password: user.input.password })).body.data.login;
    expect(login.methods).toEqual(['TOTP']);
    expect((await t.gql(STATUS, {}, user.token)).body.data.me).toEqual({ twoFactorEnabled: true, recoveryCodesRemaining: 0 });
    expect((await t.gql(VERIFY, { ticket: login.ticket, code: appCode(user.secret) })).body.data.verifySecondFactor.__typename).toBe('AuthSuccess');
  });

  it('are single-use under concurrency: two parallel uses of one code, one success', async () => {
    const user = await withTotp();
    const tickets = await Promise.all([ticketFor(user), ticketFor(user, other.gql)]);
    const code = user.recoveryCodes[0];
    const outcomes = await Promise.all([t.gql(VERIFY, { ticket: tickets[0], code }), other.gql(VERIFY, { ticket: tickets[1], code })]);
    expect(outcomes.map((r) => r.body.data.verifySecondFactor.__typename).sort()).toEqual(['AuthSuccess', 'InvalidSecondFactorError']);
  });

  it('regenerate: new codes work, the old die, with a notice and a log entry', async () => {
    const user = await withTotp();
    expect((await t.gql(REGENERATE, { code: '123' }, user.token)).body.data.regenerateRecoveryCodes.code).toBe('INVALID_SECOND_FACTOR');
    const codes = (await t.gql(REGENERATE, { code: appCode(user.secret) }, user.token)).body.data.regenerateRecoveryCodes.codes as string[];
    expect(codes).toHaveLength(10);
    expect(codes.some((c) => user.recoveryCodes.includes(c))).toBe(false);
    expect((await t.gql(VERIFY, { ticket: await ticketFor(user), code: user.recoveryCodes[0] })).body.data.verifySecondFactor.code).toBe(
      'INVALID_SECOND_FACTOR',
    );
    expect((await t.gql(VERIFY, { ticket: await ticketFor(user), code: codes[0] })).body.data.verifySecondFactor.__typename).toBe('AuthSuccess');
    await waitForSubjects(user.input.email, ['New recovery codes were made', 'A recovery code was used']);
    const types = (await t.gql(EVENTS, {}, user.token)).body.data.me.securityEvents.edges.map((e: { node: { type: string } }) => e.node.type);
    expect(types).toEqual(expect.arrayContaining(['RECOVERY_CODES_REGENERATED', 'RECOVERY_CODE_USED']));
  });
});

describe('turning it off and re-authenticating with a code', () => {
  it('disable needs a right code; then sign-in takes the password alone again', async () => {
    const user = await withTotp();
    expect((await t.gql(DISABLE, { code: '000000' === appCode(user.secret) ? '111111' : '000000' }, user.token)).body.data.disableTotp.code).toBe(
      'INVALID_SECOND_FACTOR',
    );
    const disabled = (await t.gql(DISABLE, { code: user.recoveryCodes[3] }, user.token)).body.data.disableTotp;
    expect(disabled).toEqual({ __typename: 'TotpDisabled', user: { twoFactorEnabled: false, recoveryCodesRemaining: null } });
    expect((await t.gql(LOGIN_2FA, { email: user.input.email, password: user.input.password })).body.data.login.__typename).toBe('AuthSuccess');
    expect(await waitForSubjects(user.input.email, ['Two-factor authentication was turned off'])).toContain(
      'Two-factor authentication was turned off',
    );
    const types = (await t.gql(EVENTS, {}, user.token)).body.data.me.securityEvents.edges.map((e: { node: { type: string } }) => e.node.type);
    expect(types).toEqual(expect.arrayContaining(['TOTP_DISABLED', 'RECOVERY_CODE_USED', 'TOTP_ENABLED']));
  });

  it('confirms changePassword, requestEmailChange and deleteAccount with a code instead of the password; neither is refused', async () => {
    const user = await withTotp();
    const change = 'mutation($c: String, $p: String, $n: String!) { changePassword(code: $c, currentPassword: $p, newPassword: $n) { __typename ... on ErrorResult { code } } }';
    expect((await t.gql(change, { n: 'another fine passphrase' }, user.token)).body.data.changePassword.code).toBe('INVALID_CREDENTIALS');
    expect((await t.gql(change, { c: '999999' === appCode(user.secret) ? '888888' : '999999', n: 'another fine passphrase' }, user.token)).body.data.changePassword.code).toBe(
      'INVALID_CREDENTIALS',
    );
    expect((await t.gql(change, { c: appCode(user.secret), n: 'another fine passphrase' }, user.token)).body.data.changePassword.__typename).toBe(
      'ChangePasswordSuccess',
    );
    nextStep();
    const emailChange = 'mutation($c: String, $e: EmailAddress!) { requestEmailChange(code: $c, newEmail: $e) { __typename } }';
    expect((await t.gql(emailChange, { c: user.recoveryCodes[0], e: `new.${user.input.email}` }, user.token)).body.data.requestEmailChange.__typename).toBe(
      'EmailChangeRequested',
    );
    const remove = 'mutation($c: String) { deleteAccount(code: $c) { __typename ... on ErrorResult { code } } }';
    expect((await t.gql(remove, {}, user.token)).body.data.deleteAccount.code).toBe('INVALID_CREDENTIALS');
    expect((await t.gql(remove, { c: appCode(user.secret) }, user.token)).body.data.deleteAccount.__typename).toBe('AccountDeleted');
    expect((await t.db.query('select count(*)::int as n from recovery_codes where user_id = $1', [user.user.id])).rows[0].n).toBe(0);
  });
});

describe('secrets', () => {
  it('never reach the logs: not the TOTP secret, not a recovery code, not a ticket', async () => {
    const user = await withTotp();
    const ticket = await ticketFor(user);
    await t.gql(VERIFY, { ticket, code: user.recoveryCodes[0] });
    const logs = [...t.logs, ...other.logs].join('\n');
    expect(logs).not.toContain(user.secret);
    for (const code of user.recoveryCodes) {
      expect(logs).not.toContain(code);
      expect(logs).not.toContain(code.replace('-', ''));
    }
    expect(logs).not.toContain(ticket);
    expect(logs).not.toContain(ticket.slice(4));
  });
});

/** The subjects mailed to an address, once those wanted have arrived. */
async function waitForSubjects(address: string, wanted: string[]): Promise<string[]> {
  await expect.poll(() => smtp.to(address).map((m) => m.subject), { timeout: 10_000 }).toEqual(expect.arrayContaining(wanted));
  return smtp.to(address).map((m) => m.subject);
}
