import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../helpers/services';
import { SmtpReceiver } from '../helpers/SmtpReceiver';
import { registered, startTestApp, UPDATE_ME, type TestApp } from '../helpers/testApp';

/**
 * `me` answers from the profile cached in Redis next to the user's tokens. These tests check that it
 * really does, and that every change to the account is visible on the very next `me`.
 */
const PROFILE = '{ me { id email emailVerified emailVerifiedAt firstName lastName createdAt updatedAt } }';
const VERIFY = 'mutation($t: String!) { verifyEmail(token: $t) { __typename } }';
const REQUEST_CHANGE = 'mutation($e: EmailAddress!, $p: String!) { requestEmailChange(newEmail: $e, currentPassword: $p) { __typename } }';
const CONFIRM_CHANGE = 'mutation($t: String!) { confirmEmailChange(token: $t) { __typename } }';
const CHANGE_PASSWORD =
  'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { __typename } }';

const smtp = new SmtpReceiver();
const redis = createClient({ url: REDIS_URL });
let t: TestApp;
beforeAll(async () => {
  const port = await smtp.start();
  await redis.connect();
  t = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, APP_URL: 'https://app.example/' } });
});
afterAll(async () => {
  await t?.close();
  await smtp.stop();
  await redis.close();
});

const profileKey = (userId: string) => `${t.redisPrefix}profile:{${userId}}`;

/** `me` once, then wait until its profile is cached (the cache is filled after the response). */
async function warm(token: string, userId: string) {
  const me = (await t.gql(PROFILE, {}, token)).body.data.me;
  for (let i = 0; i < 100 && !(await redis.exists(profileKey(userId))); i++) await new Promise((r) => setTimeout(r, 20));
  expect(await redis.exists(profileKey(userId))).toBe(1);
  return me;
}

describe('the profile cache of me', () => {
  it('answers me from Redis once warm, with exactly what the database gave', async () => {
    const { token, user } = await registered(t.gql);
    const fromDatabase = await warm(token, user.id);
    expect((await t.gql(PROFILE, {}, token)).body.data.me).toEqual(fromDatabase);
    // Proof that the second answer came from the cache: change the cached copy behind the service's back.
    const cached = JSON.parse((await redis.get(profileKey(user.id)))!);
    await redis.set(profileKey(user.id), JSON.stringify({ ...cached, firstName: 'FromCache' }), { KEEPTTL: true });
    expect((await t.gql(PROFILE, {}, token)).body.data.me.firstName).toBe('FromCache');
  });

  it('reads the database when the cached value is not one it wrote, and replaces it', async () => {
    const { token, user } = await registered(t.gql);
    const fromDatabase = await warm(token, user.id);
    await redis.set(profileKey(user.id), '{"id":"someone else"}', { KEEPTTL: true });
    expect((await t.gql(PROFILE, {}, token)).body.data.me).toEqual(fromDatabase);
    for (let i = 0; i < 100 && (await redis.get(profileKey(user.id)))!.includes('someone else'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(JSON.parse((await redis.get(profileKey(user.id)))!)).toMatchObject({ id: user.id });
  });

  it('never outlives the token: a revoked token gets 401 even with the profile cached', async () => {
    const { token, user } = await registered(t.gql);
    await warm(token, user.id);
    await t.gql('mutation { logout }', {}, token);
    expect((await t.gql(PROFILE, {}, token)).status).toBe(401);
  });

  it('shows every change to the account on the next me: updateMe, verifyEmail, email change, password change', async () => {
    const { token, user, input } = await registered(t.gql);
    const verification = await smtp.waitFor(input.email);

    await warm(token, user.id);
    await t.gql(UPDATE_ME, { input: { firstName: 'Grace' } }, token);
    expect((await t.gql(PROFILE, {}, token)).body.data.me.firstName).toBe('Grace');

    await warm(token, user.id);
    expect((await t.gql(VERIFY, { t: verification.token })).body.data.verifyEmail.__typename).toBe('AccountUpdated');
    expect((await t.gql(PROFILE, {}, token)).body.data.me.emailVerified).toBe(true);

    const before = await warm(token, user.id);
    const next = `cached.${Date.now()}@example.com`;
    await t.gql(REQUEST_CHANGE, { e: next, p: input.password }, token);
    const confirm = await smtp.waitFor(next);
    expect((await t.gql(CONFIRM_CHANGE, { t: confirm.token })).body.data.confirmEmailChange.__typename).toBe('AccountUpdated');
    expect((await t.gql(PROFILE, {}, token)).body.data.me.email).toBe(next);

    const beforePassword = await warm(token, user.id);
    expect(beforePassword.updatedAt).not.toBe(before.updatedAt);
    const changed = await t.gql(CHANGE_PASSWORD, { c: input.password, n: 'a brand new passphrase 2026' }, token);
    expect(changed.body.data.changePassword.__typename).toBe('ChangePasswordSuccess');
    expect((await t.gql(PROFILE, {}, token)).body.data.me.updatedAt).not.toBe(beforePassword.updatedAt);
  });

  it('can be turned off: PROFILE_CACHE_TTL=0 reads the database every time and caches nothing', async () => {
    const off = await startTestApp({ env: { PROFILE_CACHE_TTL: '0' } });
    try {
      const { token, user } = await registered(off.gql);
      const fromDatabase = (await off.gql(PROFILE, {}, token)).body.data.me;
      expect(fromDatabase.id).toBe(user.id);
      await new Promise((r) => setTimeout(r, 100));
      const key = `${off.redisPrefix}profile:{${user.id}}`;
      expect(await redis.exists(key)).toBe(0);
      // Even an entry left from when the cache was on is not read.
      await redis.set(key, JSON.stringify({ v: 1, ...fromDatabase, firstName: 'FromCache' }), { EX: 60 });
      expect((await off.gql(PROFILE, {}, token)).body.data.me.firstName).toBe(fromDatabase.firstName);
    } finally {
      await off.close();
    }
  });
});
