import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, REGISTER, startTestApp, type TestApp } from '../helpers/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const countUsers = async (email?: string) => {
  const { rows } = email
    ? await t.db.query('select count(*)::int as n from users where email = $1', [email])
    : await t.db.query('select count(*)::int as n from users');
  return rows[0].n as number;
};

describe('register', () => {
  it('creates the account, trims and lower-cases the email, trims names, and signs in', async () => {
    const before = Date.now();
    const res = await t.gql(REGISTER, {
      input: { email: '  Grace.Hopper@Example.COM ', password: 'a long enough password', firstName: '  Grace ', lastName: ' Hopper' },
    });
    expect(res.status).toBe(200);
    const result = res.body.data!.register;
    expect(result.__typename).toBe('AuthSuccess');
    expect(result.tokenType).toBe('Bearer');
    expect(result.user).toMatchObject({ email: 'grace.hopper@example.com', firstName: 'Grace', lastName: 'Hopper' });
    expect(result.user.id).toMatch(/^[0-9a-f-]{36}$/);

    const header = decodeProtectedHeader(result.accessToken);
    expect(header).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: expect.stringMatching(/^hs256-[0-9a-f]{16}$/) });
    const claims = decodeJwt(result.accessToken);
    expect(claims.sub).toBe(result.user.id);
    expect(claims.iss).toBe(t.config.jwt.issuer);
    expect(claims.aud).toBe(t.config.jwt.audience);
    expect(typeof claims.jti).toBe('string');
    expect(claims.exp! - claims.iat!).toBe(15 * 60);
    expect(new Date(result.expiresAt).getTime()).toBe(claims.exp! * 1000);
    expect(claims.iat! * 1000).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);

    // The password is stored only as a bcrypt hash, at the configured cost.
    // The password is a credential of its own, beside the user.
    const { rows } = await t.db.query('select password_hash from password_credentials where user_id = $1', [result.user.id]);
    expect(rows[0].password_hash).toMatch(/^\$2[aby]\$04\$/);
    expect(res.text).not.toContain('password_hash');
  });

  it('treats case variants of one address as one account (EmailTakenError)', async () => {
    const input = newUser({ email: 'Case.Test@Example.com' });
    expect((await t.gql(REGISTER, { input })).body.data!.register.__typename).toBe('AuthSuccess');
    const again = await t.gql(REGISTER, { input: { ...input, email: 'case.test@EXAMPLE.com ' } });
    expect(again.body.data!.register).toEqual({
      __typename: 'EmailTakenError',
      code: 'EMAIL_TAKEN',
      message: 'An account with this email address already exists.',
    });
    expect(await countUsers('case.test@example.com')).toBe(1);
  });

  it('has the database itself refuse an email that was not normalised', async () => {
    await expect(
      t.db.query(
        `insert into users (id, email, first_name, last_name, created_at, updated_at)
         values (gen_random_uuid(), 'Mixed.Case@Example.com', 'a', 'b', now(), now())`,
      ),
    ).rejects.toThrow(/users_email_normalized/);
  });

  it('lets the database decide 50 concurrent registrations of one address: one success, 49 taken, one row', async () => {
    const email = `race.${Date.now()}@example.com`;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.gql(REGISTER, { input: newUser({ email: i % 2 ? email.toUpperCase() : email }) }),
      ),
    );
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.body.errors).toBeUndefined();
    }
    const names = results.map((r) => r.body.data!.register.__typename);
    expect(names.filter((n) => n === 'AuthSuccess')).toHaveLength(1);
    expect(names.filter((n) => n === 'EmailTakenError')).toHaveLength(49);
    expect(await countUsers(email)).toBe(1);
  });

  it('reports every invalid field at once and writes nothing', async () => {
    const before = await countUsers();
    const res = await t.gql(REGISTER, {
      input: { email: 'fields@example.com', password: 'short', firstName: '   ', lastName: 'Bad\u0007Name' },
    });
    const result = res.body.data!.register;
    expect(result.__typename).toBe('InvalidInputError');
    expect(result.code).toBe('INVALID_INPUT');
    expect(result.fields.map((f: { field: string }) => f.field).sort()).toEqual(['firstName', 'lastName', 'password']);
    for (const f of result.fields) expect(f.message.length).toBeGreaterThan(5);
    expect(await countUsers()).toBe(before);
  });

  it('refuses an address the EmailAddress scalar rejects, at the top level, writing nothing', async () => {
    const before = await countUsers();
    for (const email of ['not-an-email', '', `${'a'.repeat(250)}@example.com`]) {
      const res = await t.gql(REGISTER, { input: newUser({ email }) });
      expect(res.status).toBe(400);
      expect(res.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(res.body.data).toBeUndefined();
    }
    expect(await countUsers()).toBe(before);
  });

  describe('password rules', () => {
    const registerWith = async (password: string) =>
      (await t.gql(REGISTER, { input: newUser({ password }) })).body.data!.register;

    it('needs at least 8 characters, counted as characters (not bytes)', async () => {
      expect((await registerWith('r7#kq9!')).__typename).toBe('InvalidInputError');
      expect((await registerWith('r7#kq9!m')).__typename).toBe('AuthSuccess');
      // 7 emoji are 28 UTF-8 bytes but still 7 characters.
      expect((await registerWith('😀'.repeat(7))).__typename).toBe('InvalidInputError');
      expect((await registerWith('😀'.repeat(8))).__typename).toBe('AuthSuccess');
    });

    it('accepts 64 characters of any script, and has no composition rules', async () => {
      for (const password of ['密'.repeat(64), 'й'.repeat(64), 'ش'.repeat(64), 'onlylowercaseletters']) {
        expect((await registerWith(password)).__typename).toBe('AuthSuccess');
      }
    });

    it('caps the length at 1,024 characters', async () => {
      expect((await registerWith('x'.repeat(1024))).__typename).toBe('AuthSuccess');
      const refused = await registerWith('x'.repeat(1025));
      expect(refused.__typename).toBe('InvalidInputError');
      expect(refused.fields).toEqual([{ field: 'password', message: 'Password must be at most 1024 characters.' }]);
    });


    it('refuses the most common passwords, whatever their case', async () => {
      for (const password of ['password1', 'PASSWORD123', 'qwertyuiop', '12345678', 'iloveyou']) {
        const refused = await registerWith(password);
        expect(refused.__typename, password).toBe('InvalidInputError');
        expect(refused.fields[0].message).toMatch(/most common/);
      }
    });

    it('refuses passwords that contain the email address or a name', async () => {
      const refused = async (input: Parameters<typeof newUser>[0]) =>
        (await t.gql(REGISTER, { input: newUser(input) })).body.data.register;
      expect((await refused({ email: 'margaret.hamilton@example.com', password: 'margaret.hamilton!!' })).fields[0].message).toMatch(
        /must not contain your email address or your name/,
      );
      expect((await refused({ firstName: 'Katherine', password: 'katherine-the-great' })).__typename).toBe('InvalidInputError');
      expect((await refused({ lastName: 'Johnson', password: 'xJOHNSONx-1969' })).__typename).toBe('InvalidInputError');
      // Short names are not searched for (too many false matches).
      expect((await refused({ firstName: 'Al', password: 'always a valid passphrase' })).__typename).toBe('AuthSuccess');
    });
  });

  describe('name rules', () => {
    const registerNamed = async (firstName: string, lastName = 'Ok') =>
      (await t.gql(REGISTER, { input: newUser({ firstName, lastName }) })).body.data!.register;

    it('accepts 1 to 100 characters after trimming', async () => {
      expect((await registerNamed('A')).__typename).toBe('AuthSuccess');
      expect((await registerNamed(`  ${'é'.repeat(100)}  `)).__typename).toBe('AuthSuccess');
      expect((await registerNamed('é'.repeat(101))).fields).toEqual([
        { field: 'firstName', message: 'First name must be at most 100 characters.' },
      ]);
    });

    it('refuses control characters and direction overrides', async () => {
      for (const name of ['Tab\tName', 'New\nLine', 'Nul\u0000', 'evil\u202Egnp.exe', 'line\u2028sep']) {
        const result = await registerNamed(name);
        expect(result.__typename, JSON.stringify(name)).toBe('InvalidInputError');
      }
    });
  });

  it('ignores an Authorization header, even a bad one', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' },
      body: JSON.stringify({ query: REGISTER, variables: { input: newUser() } }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).data.register.__typename).toBe('AuthSuccess');
  });
});
