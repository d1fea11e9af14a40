import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ME, registered, startTestApp, UPDATE_ME, type TestApp } from '../helpers/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('me', () => {
  it('is null without an Authorization header', async () => {
    const res = await t.gql(ME);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { me: null } });
  });

  it('is the signed-in user with a valid token', async () => {
    const { token, user, input } = await registered(t.gql);
    const res = await t.gql(ME, {}, token);
    expect(res.body.data.me).toMatchObject({ id: user.id, email: input.email, firstName: 'Ada', lastName: 'Lovelace' });
    expect(Object.keys(res.body.data.me)).not.toContain('passwordHash');
  });
});

describe('updateMe', () => {
  it('needs authentication', async () => {
    const res = await t.gql(UPDATE_ME, { input: { firstName: 'X' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('changes only the fields given, trimmed, and moves updatedAt', async () => {
    const { token } = await registered(t.gql);
    const before = (await t.gql(ME, {}, token)).body.data.me;
    await new Promise((r) => setTimeout(r, 5));

    const first = await t.gql(UPDATE_ME, { input: { firstName: '  Augusta  ' } }, token);
    expect(first.body.data.updateMe.__typename).toBe('UpdateMeSuccess');
    expect(first.body.data.updateMe.user).toMatchObject({ firstName: 'Augusta', lastName: 'Lovelace' });
    expect(new Date(first.body.data.updateMe.user.updatedAt).getTime()).toBeGreaterThan(new Date(before.updatedAt).getTime());

    const second = await t.gql(UPDATE_ME, { input: { lastName: 'King', firstName: null } }, token);
    expect(second.body.data.updateMe.user).toMatchObject({ firstName: 'Augusta', lastName: 'King' });

    const me = (await t.gql(ME, {}, token)).body.data.me;
    expect(me).toMatchObject({ firstName: 'Augusta', lastName: 'King', email: before.email, createdAt: before.createdAt });
  });

  it('an empty input changes nothing', async () => {
    const { token } = await registered(t.gql);
    const before = (await t.gql(ME, {}, token)).body.data.me;
    const res = await t.gql(UPDATE_ME, { input: {} }, token);
    expect(res.body.data.updateMe.user).toMatchObject({ firstName: before.firstName, updatedAt: before.updatedAt });
  });

  it('reports every invalid field at once and writes nothing', async () => {
    const { token } = await registered(t.gql);
    const before = (await t.gql(ME, {}, token)).body.data.me;
    const res = await t.gql(UPDATE_ME, { input: { firstName: '', lastName: 'x'.repeat(101) } }, token);
    const result = res.body.data.updateMe;
    expect(result.__typename).toBe('InvalidInputError');
    expect(result.code).toBe('INVALID_INPUT');
    expect(result.fields).toEqual([
      { field: 'firstName', message: 'First name is required.' },
      { field: 'lastName', message: 'Last name must be at most 100 characters.' },
    ]);
    expect((await t.gql(ME, {}, token)).body.data.me).toEqual(before);
  });

  it('does not let one invalid field through with a valid one', async () => {
    const { token } = await registered(t.gql);
    const res = await t.gql(UPDATE_ME, { input: { firstName: 'Valid', lastName: 'bad\u0000' } }, token);
    expect(res.body.data.updateMe.__typename).toBe('InvalidInputError');
    expect((await t.gql(ME, {}, token)).body.data.me.firstName).toBe('Ada');
  });
});
