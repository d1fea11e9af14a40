import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpReceiver } from '../helpers/SmtpReceiver';
import { LOGIN, ME, newUser, REFRESH, REGISTER, registered, startTestApp, type TestApp } from '../helpers/testApp';

let offsetMs = 0;
const smtp = new SmtpReceiver();
let t: TestApp;
beforeAll(async () => {
  const port = await smtp.start();
  t = await startTestApp({
    now: () => Date.now() + offsetMs,
    env: { SMTP_URL: `smtp://127.0.0.1:${port}`, APP_URL: 'https://app.example/', MAIL_RETRY_BASE_MS: '100' },
  });
});
afterAll(async () => {
  await t?.close();
  await smtp.stop();
});

const VERIFY = `mutation($t: String!) { verifyEmail(token: $t) { __typename ... on AccountUpdated { user { emailVerified emailVerifiedAt } } ... on ErrorResult { code message } } }`;
const REQUEST_RESET = `mutation($e: EmailAddress!) { requestPasswordReset(email: $e) }`;
const RESET = `mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) { __typename ... on ErrorResult { code message } } }`;
const REQUEST_CHANGE = `mutation($e: EmailAddress!, $p: String!) { requestEmailChange(newEmail: $e, currentPassword: $p) { __typename ... on EmailChangeRequested { newEmail } ... on ErrorResult { code } } }`;
const CONFIRM_CHANGE = `mutation($t: String!) { confirmEmailChange(token: $t) { __typename ... on AccountUpdated { user { email emailVerified } } ... on ErrorResult { code } } }`;
const DELETE = `mutation($p: String!) { deleteAccount(currentPassword: $p) { __typename ... on ErrorResult { code } } }`;

const verify = async (token: string | undefined) => (await t.gql(VERIFY, { t: token })).body.data.verifyEmail;
const reset = async (token: string | undefined, password: string) => (await t.gql(RESET, { t: token, p: password })).body.data.resetPassword;
const login = async (email: string, password: string) => (await t.gql(LOGIN, { email, password })).body.data.login.__typename;
const invalidToken = { __typename: 'InvalidTokenError', code: 'INVALID_TOKEN', message: 'This link is invalid or has expired. Please request a new one.' };

describe('email verification', () => {
  it('registration mails a link (text and HTML parts, token= parameter) that verifies the address once', async () => {
    const { input, token } = await registered(t.gql);
    const mail = await smtp.waitFor(input.email);
    expect(mail.subject).toBe('Confirm your email address');
    expect(mail.link).toMatch(/^https:\/\/app\.example\/verify-email\?token=[A-Za-z0-9_-]{43}$/);
    expect(mail.html).toContain(`href="${mail.link}"`);
    expect((await t.gql('{ me { emailVerified emailVerifiedAt } }', {}, token)).body.data.me).toEqual({
      emailVerified: false,
      emailVerifiedAt: null,
    });

    const done = await verify(mail.token);
    expect(done.__typename).toBe('AccountUpdated');
    expect(done.user.emailVerified).toBe(true);
    expect(await verify(mail.token)).toEqual(invalidToken);
  });

  it('requestEmailVerification sends a new link and the older one dies', async () => {
    const { input, token } = await registered(t.gql);
    const first = await smtp.waitFor(input.email, 1);
    expect((await t.gql('mutation { requestEmailVerification }', {}, token)).body.data.requestEmailVerification).toBe(true);
    const second = await smtp.waitFor(input.email, 2);
    expect(await verify(first.token)).toEqual(invalidToken);
    expect((await verify(second.token)).__typename).toBe('AccountUpdated');
  });

  it('refuses wrong and expired tokens with the same error', async () => {
    const { input } = await registered(t.gql);
    const mail = await smtp.waitFor(input.email);
    expect(await verify('x'.repeat(43))).toEqual(invalidToken);
    expect(await verify('not even the right shape')).toEqual(invalidToken);
    offsetMs = 25 * 3600 * 1000;
    try {
      expect(await verify(mail.token)).toEqual(invalidToken);
    } finally {
      offsetMs = 0;
    }
  });
});

describe('password reset', () => {
  it('answers true for known and unknown addresses alike; only a known one gets mail', async () => {
    const { input } = await registered(t.gql);
    const unknown = `nobody.${Date.now()}@example.com`;
    expect((await t.gql(REQUEST_RESET, { e: unknown })).body).toEqual({ data: { requestPasswordReset: true } });
    expect((await t.gql(REQUEST_RESET, { e: input.email })).body).toEqual({ data: { requestPasswordReset: true } });
    const mail = await smtp.waitFor(input.email, 2); // 1: verification, 2: reset
    expect(mail.subject).toBe('Reset your password');
    expect(mail.link).toMatch(/^https:\/\/app\.example\/reset-password\?token=/);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.to(unknown)).toEqual([]);
  });

  it('sets the new password, ends every session, and burns the token', async () => {
    const { input, token, refreshToken } = await registered(t.gql);
    await t.gql(REQUEST_RESET, { e: input.email });
    const mail = await smtp.waitFor(input.email, 2);

    expect((await reset(mail.token, 'short')).__typename).toBe('InvalidInputError');
    // A password containing the account's name is refused, and the link still works afterwards.
    expect((await reset(mail.token, `${input.lastName} forever and ever`)).__typename).toBe('InvalidInputError');
    expect((await reset(mail.token, 'a fresh new password')).__typename).toBe('AccountUpdated');
    expect((await t.gql(ME, {}, token)).status).toBe(401);
    expect((await t.gql(REFRESH, { refreshToken })).body.data.refreshToken.__typename).toBe('InvalidRefreshTokenError');
    expect(await login(input.email, input.password)).toBe('InvalidCredentialsError');
    expect(await login(input.email, 'a fresh new password')).toBe('AuthSuccess');
    expect(await reset(mail.token, 'yet another password')).toEqual(invalidToken);
  });

  it('kills an older reset link when a newer one is issued, and binds tokens to their purpose', async () => {
    const { input } = await registered(t.gql);
    const verification = await smtp.waitFor(input.email, 1);
    await t.gql(REQUEST_RESET, { e: input.email });
    const older = await smtp.waitFor(input.email, 2);
    offsetMs = 61_000; // past the one-minute cooldown between reset links
    await t.gql(REQUEST_RESET, { e: input.email });
    const newer = await smtp.waitFor(input.email, 3);
    offsetMs = 0;
    expect(await reset(older.token, 'a fresh new password')).toEqual(invalidToken);
    // A verification token cannot reset a password, nor a reset token verify an address.
    expect(await reset(verification.token, 'a fresh new password')).toEqual(invalidToken);
    expect(await verify(newer.token)).toEqual(invalidToken);
    // Expired after PASSWORD_RESET_TTL (30 min).
    offsetMs = 32 * 60 * 1000;
    try {
      expect(await reset(newer.token, 'a fresh new password')).toEqual(invalidToken);
    } finally {
      offsetMs = 0;
    }
  });
});

describe('reset requests cannot be used to flood or to keep old links alive', () => {
  it('sends at most one reset link a minute per account, even for concurrent requests', async () => {
    const { input } = await registered(t.gql);
    await smtp.waitFor(input.email, 1);
    await Promise.all(Array.from({ length: 8 }, () => t.gql(REQUEST_RESET, { e: input.email })));
    await smtp.waitFor(input.email, 2);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.to(input.email)).toHaveLength(2);
    const { rows } = await t.db.query(
      `select count(*)::int as n from account_tokens t join users u on u.id = t.user_id
       where u.email = $1 and t.purpose = 'reset_password' and t.used_at is null`,
      [input.email],
    );
    expect(rows[0].n).toBe(1);
  });

  it('a reset link for the old address does nothing once the address changed', async () => {
    const { input, token } = await registered(t.gql);
    await t.gql(REQUEST_RESET, { e: input.email });
    const resetMail = await smtp.waitFor(input.email, 2);
    const next = `renamed.${Date.now()}@example.com`;
    await t.gql(REQUEST_CHANGE, { e: next, p: input.password }, token);
    await t.gql(CONFIRM_CHANGE, { t: (await smtp.waitFor(next)).token });
    expect(await reset(resetMail.token, 'an attacker password')).toEqual(invalidToken);
    expect(await login(next, input.password)).toBe('AuthSuccess');
  });
});

describe('email change', () => {
  it('a pending change dies when the owner resets or changes the password (no takeover by the requester)', async () => {
    const { input, token } = await registered(t.gql);
    const attackerAddress = `attacker.${Date.now()}@example.com`;
    await t.gql(REQUEST_CHANGE, { e: attackerAddress, p: input.password }, token);
    const attackerLink = await smtp.waitFor(attackerAddress);

    // The owner follows the notice's advice and resets the password.
    await t.gql(REQUEST_RESET, { e: input.email });
    const resetMail = await smtp.waitFor(input.email, 3); // verification, change notice, reset
    expect((await reset(resetMail.token, 'the owner takes it back')).__typename).toBe('AccountUpdated');
    expect((await t.gql(CONFIRM_CHANGE, { t: attackerLink.token })).body.data.confirmEmailChange.code).toBe('INVALID_TOKEN');

    // Likewise after changePassword.
    const fresh = (await t.gql(LOGIN, { email: input.email, password: 'the owner takes it back' })).body.data.login;
    const second = `attacker2.${Date.now()}@example.com`;
    await t.gql(REQUEST_CHANGE, { e: second, p: 'the owner takes it back' }, fresh.accessToken);
    const secondLink = await smtp.waitFor(second);
    const change = await t.gql(
      `mutation { changePassword(currentPassword: "the owner takes it back", newPassword: "and changes it again") { __typename } }`,
      {},
      fresh.accessToken,
    );
    expect(change.body.data.changePassword.__typename).toBe('ChangePasswordSuccess');
    expect((await t.gql(CONFIRM_CHANGE, { t: secondLink.token })).body.data.confirmEmailChange.code).toBe('INVALID_TOKEN');
    expect((await t.gql(ME, {}, fresh.accessToken)).body.data.me.email).toBe(input.email);
  });

  it('racing a registration of the same address: exactly one gets it, no internal error', async () => {
    const { input, token } = await registered(t.gql);
    const contested = `raced.${Date.now()}@example.com`;
    await t.gql(REQUEST_CHANGE, { e: contested, p: input.password }, token);
    const link = await smtp.waitFor(contested);
    const [confirmed, registration] = await Promise.all([
      t.gql(CONFIRM_CHANGE, { t: link.token }),
      t.gql(REGISTER, { input: newUser({ email: contested }) }),
    ]);
    const outcomes = [confirmed.body.data.confirmEmailChange.__typename, registration.body.data.register.__typename];
    expect(outcomes.filter((o) => o === 'AccountUpdated' || o === 'AuthSuccess')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'EmailTakenError')).toHaveLength(1);
    const { rows } = await t.db.query('select count(*)::int as n from users where email = $1', [contested]);
    expect(rows[0].n).toBe(1);
  });

  it('needs the current password, mails the new address and notifies the old, then switches', async () => {
    const { input, token } = await registered(t.gql);
    const next = `moved.${Date.now()}@example.com`;
    expect((await t.gql(REQUEST_CHANGE, { e: next, p: 'wrong password' }, token)).body.data.requestEmailChange.code).toBe(
      'INVALID_CREDENTIALS',
    );
    const requested = await t.gql(REQUEST_CHANGE, { e: next, p: input.password }, token);
    expect(requested.body.data.requestEmailChange).toEqual({ __typename: 'EmailChangeRequested', newEmail: next });

    const confirm = await smtp.waitFor(next);
    expect(confirm.link).toMatch(/^https:\/\/app\.example\/confirm-email-change\?token=/);
    const notice = await smtp.waitFor(input.email, 2);
    expect(notice.subject).toBe('Your sign-in email address is being changed');
    expect(notice.text).toContain(next);
    expect(notice.token).toBeUndefined();

    const done = (await t.gql(CONFIRM_CHANGE, { t: confirm.token })).body.data.confirmEmailChange;
    expect(done).toEqual({ __typename: 'AccountUpdated', user: { email: next, emailVerified: true } });
    expect(await login(next, input.password)).toBe('AuthSuccess');
    expect(await login(input.email, input.password)).toBe('InvalidCredentialsError');
    expect((await t.gql(CONFIRM_CHANGE, { t: confirm.token })).body.data.confirmEmailChange.code).toBe('INVALID_TOKEN');
  });

  it('is still decided by the database: an address registered meanwhile gives EmailTakenError', async () => {
    const { input, token } = await registered(t.gql);
    const contested = `contested.${Date.now()}@example.com`;
    await t.gql(REQUEST_CHANGE, { e: contested, p: input.password }, token);
    const confirm = await smtp.waitFor(contested);
    expect((await t.gql(REGISTER, { input: newUser({ email: contested }) })).body.data.register.__typename).toBe('AuthSuccess');
    expect((await t.gql(CONFIRM_CHANGE, { t: confirm.token })).body.data.confirmEmailChange).toEqual({
      __typename: 'EmailTakenError',
      code: 'EMAIL_TAKEN',
    });
    expect((await t.gql(ME, {}, token)).body.data.me.email).toBe(input.email);
  });
});

describe('account deletion', () => {
  it('needs the password; removes the user and everything of theirs; the address can register again', async () => {
    const { input, token, refreshToken, user } = await registered(t.gql);
    expect((await t.gql(DELETE, { p: 'wrong password' }, token)).body.data.deleteAccount.code).toBe('INVALID_CREDENTIALS');
    expect((await t.gql(DELETE, { p: input.password }, token)).body.data.deleteAccount.__typename).toBe('AccountDeleted');

    expect((await t.gql(ME, {}, token)).status).toBe(401);
    expect((await t.gql(REFRESH, { refreshToken })).body.data.refreshToken.__typename).toBe('InvalidRefreshTokenError');
    for (const table of ['users', 'sessions', 'account_tokens']) {
      const column = table === 'users' ? 'id' : 'user_id';
      const { rows } = await t.db.query(`select count(*)::int as n from ${table} where ${column} = $1`, [user.id]);
      expect(rows[0].n, table).toBe(0);
    }
    expect(await login(input.email, input.password)).toBe('InvalidCredentialsError');
    expect((await t.gql(REGISTER, { input })).body.data.register.__typename).toBe('AuthSuccess');
  });
});

describe('mail server outage', () => {
  it('requests still succeed, and the message is delivered once the server is back', async () => {
    await smtp.stop();
    const input = newUser();
    try {
      const res = await t.gql(REGISTER, { input });
      expect(res.body.data.register.__typename).toBe('AuthSuccess');
      await new Promise((r) => setTimeout(r, 400));
      expect(smtp.to(input.email)).toEqual([]);
    } finally {
      await smtp.start();
    }
    const mail = await smtp.waitFor(input.email, 1, 15_000);
    const verified = await verify(mail.token);
    expect(verified.__typename).toBe('AccountUpdated');
    expect(verified.user.emailVerified).toBe(true);
  });
});

describe('with REQUIRE_EMAIL_VERIFICATION=true', () => {
  it('refuses login until the address is verified, and only after the right password', async () => {
    const strict = await startTestApp({
      env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, REQUIRE_EMAIL_VERIFICATION: 'true' },
    });
    try {
      const input = newUser();
      // Registration creates the account and sends the link, but signs nobody in.
      const created = (await strict.gql(REGISTER, { input })).body.data.register;
      expect(created).toMatchObject({ __typename: 'EmailNotVerifiedError', code: 'EMAIL_NOT_VERIFIED' });
      expect(created.accessToken).toBeUndefined();
      const attempt = async (password: string) =>
        (await strict.gql(LOGIN, { email: input.email, password })).body.data.login.__typename;
      expect(await attempt('wrong password')).toBe('InvalidCredentialsError');
      expect(await attempt(input.password)).toBe('EmailNotVerifiedError');
      const mail = await smtp.waitFor(input.email);
      await strict.gql(VERIFY, { t: mail.token });
      expect(await attempt(input.password)).toBe('AuthSuccess');
    } finally {
      await strict.close();
    }
  });
});

describe('without SMTP_URL', () => {
  it('writes each message to the outbox folder as an .eml file and to the log', async () => {
    const local = await startTestApp();
    try {
      const { input } = await registered(local.gql);
      const dir = local.config.mail.outboxDir;
      await expect.poll(() => readdirSync(dir).filter((f) => f.endsWith('.eml')).length).toBe(1);
      const eml = readFileSync(`${dir}/${readdirSync(dir)[0]}`, 'utf8');
      expect(eml).toContain(`To: ${input.email}`);
      expect(eml).toContain('Subject: Confirm your email address');
      expect(eml).toMatch(/multipart\/alternative/);
      // The file appears as it is being written; the log line follows once it is.
      await expect.poll(() => local.logs.some((line) => line.includes('mail written to outbox') && line.includes('verify-email?token='))).toBe(true);
    } finally {
      await local.close();
    }
  });
});
