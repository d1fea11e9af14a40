import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN, ME, REGISTER, registered, newUser, startTestApp, type TestApp } from '../helpers/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const login = async (email: string, password: string) => (await t.gql(LOGIN, { email, password })).body.data!.login;

describe('login', () => {
  it('signs in with the right password, whatever the case and spacing of the email', async () => {
    const { input, user } = await registered(t.gql, { email: 'Login.Case@Example.com' });
    for (const email of ['login.case@example.com', ' LOGIN.CASE@EXAMPLE.COM ']) {
      const result = await login(email, input.password);
      expect(result.__typename).toBe('AuthSuccess');
      expect(result.user.id).toBe(user.id);
      const me = await t.gql(ME, {}, result.accessToken);
      expect(me.body.data.me.id).toBe(user.id);
    }
  });

  it('gives unknown email and wrong password the very same answer', async () => {
    const { input } = await registered(t.gql);
    const wrongPassword = await login(input.email, 'not the password');
    const unknownEmail = await login(`nobody.${Date.now()}@example.com`, input.password);
    expect(wrongPassword).toEqual({ __typename: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS', message: 'Invalid email or password.' });
    expect(unknownEmail).toEqual(wrongPassword);
  });

  it('spends the same bcrypt work on an unknown email as on a wrong password', async () => {
    const { input } = await registered(t.gql);
    const pool = t.app.hashPool;
    let before = pool.completed;
    await login(input.email, 'not the password');
    const forKnown = pool.completed - before;
    before = pool.completed;
    await login(`nobody.${Date.now()}@example.com`, 'not the password');
    expect(forKnown).toBe(1);
    expect(pool.completed - before).toBe(forKnown);
  });

  it('refuses an empty or over-long password as invalid input, before any lookup', async () => {
    const { input } = await registered(t.gql);
    expect((await login(input.email, '')).fields).toEqual([{ field: 'password', message: 'Password is required.' }]);
    const long = await login(input.email, 'x'.repeat(1025));
    expect(long.__typename).toBe('InvalidInputError');
    expect(long.fields[0].field).toBe('password');
  });

  it('never lets two passwords that differ only after byte 72 both log in', async () => {
    const prefix = 'p'.repeat(72);
    const { input } = await registered(t.gql, { password: `${prefix}-the-real-ending` });
    expect((await login(input.email, `${prefix}-the-real-ending`)).__typename).toBe('AuthSuccess');
    expect((await login(input.email, `${prefix}-another-ending`)).__typename).toBe('InvalidCredentialsError');
    expect((await login(input.email, prefix)).__typename).toBe('InvalidCredentialsError');
    // Also when the first 72 bytes are multi-byte characters (24 × 3 bytes).
    const cjk = '密'.repeat(24);
    const other = await registered(t.gql, { password: `${cjk}甲` });
    expect((await login(other.input.email, `${cjk}乙`)).__typename).toBe('InvalidCredentialsError');
    expect((await login(other.input.email, `${cjk}甲`)).__typename).toBe('AuthSuccess');
  });

  it('treats a password typed as NFC and as NFD as the same password', async () => {
    const nfc = 'Crème brûlée façade'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    const { input } = await registered(t.gql, { password: nfd });
    expect((await login(input.email, nfc)).__typename).toBe('AuthSuccess');
    expect((await login(input.email, nfd)).__typename).toBe('AuthSuccess');
  });

  it('accepts a 64-character password in another script end to end', async () => {
    const password = 'пароль'.repeat(10) + 'ключ';
    expect([...password]).toHaveLength(64);
    const { input } = await registered(t.gql, { password });
    expect((await login(input.email, password)).__typename).toBe('AuthSuccess');
  });

  it('issues a new, distinct token on every login', async () => {
    const { input, token } = await registered(t.gql);
    const a = await login(input.email, input.password);
    const b = await login(input.email, input.password);
    expect(new Set([token, a.accessToken, b.accessToken]).size).toBe(3);
  });

  it('re-hashes at the configured cost on the next successful login, without touching updatedAt', async () => {
    const { input, user } = await registered(t.gql);
    const hashOf = async () =>
      (
        await t.db.query(
          'select c.password_hash, u.updated_at from password_credentials c join users u on u.id = c.user_id where u.id = $1',
          [user.id],
        )
      ).rows[0];
    const before = await hashOf();
    expect(before.password_hash).toMatch(/^\$2b\$04\$/);

    const stronger = await startTestApp({ db: t.db, redisPrefix: t.redisPrefix, env: { BCRYPT_COST: '5' } });
    try {
      const wrong = (await stronger.gql(LOGIN, { email: input.email, password: 'wrong password' })).body.data.login;
      expect(wrong.__typename).toBe('InvalidCredentialsError');
      expect((await hashOf()).password_hash).toBe(before.password_hash);

      const ok = (await stronger.gql(LOGIN, { email: input.email, password: input.password })).body.data.login;
      expect(ok.__typename).toBe('AuthSuccess');
      const after = await hashOf();
      expect(after.password_hash).toMatch(/^\$2b\$05\$/);
      expect(after.updated_at).toEqual(before.updated_at);
      expect((await stronger.gql(LOGIN, { email: input.email, password: input.password })).body.data.login.__typename).toBe('AuthSuccess');
    } finally {
      await stronger.close();
    }
  });

  it('ignores an Authorization header, even a bad one', async () => {
    const input = newUser();
    await t.gql(REGISTER, { input });
    const res = await t.gql(LOGIN, { email: input.email, password: input.password }, 'garbage');
    expect(res.status).toBe(200);
    expect(res.body.data.login.__typename).toBe('AuthSuccess');
  });
});
