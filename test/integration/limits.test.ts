import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, registered, startTestApp, type TestApp } from '../helpers/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('one request cannot buy many attempts', () => {
  it('refuses aliased logins before any password is checked', async () => {
    const { input } = await registered(t.gql);
    const guesses = Array.from({ length: 100 }, (_, i) => `g${i}: login(email: "${input.email}", password: "guess-${i}") { __typename }`);
    const before = t.app.hashPool.completed;
    const res = await t.gql(`mutation { ${guesses.join('\n')} }`);
    expect(res.status).toBe(400);
    expect(res.text).not.toContain('InvalidCredentialsError');
    expect(res.body.data).toBeUndefined();
    expect(t.app.hashPool.completed).toBe(before);
  });

  it('allows one password-hashing field per document, even without aliases or across fragments', async () => {
    const { input } = await registered(t.gql);
    const before = t.app.hashPool.completed;
    const two = await t.gql(
      `mutation($input: RegisterInput!) { ...L register(input: $input) { __typename } }
       fragment L on Mutation { login(email: "${input.email}", password: "${input.password}") { __typename } }`,
      { input: newUser() },
    );
    expect(two.status).toBe(400);
    expect(two.body.errors![0].message).toBe('Only one password-checking operation (register, login, password or email change, reset, deletion) per request.');
    expect(two.body.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(t.app.hashPool.completed).toBe(before);
  });

  it('caps aliases and root fields', async () => {
    const aliases = await t.gql(`{ ${Array.from({ length: 16 }, (_, i) => `m${i}: me { id }`).join(' ')} }`);
    expect(aliases.status).toBe(400);
    expect(aliases.body.errors!.map((e) => e.message)).toContain('More than 15 aliases in one document.');

    const roots = await t.gql(`{ ${Array.from({ length: 11 }, () => 'me { id }').join(' ')} }`);
    expect(roots.status).toBe(400);
    expect(roots.body.errors!.map((e) => e.message)).toContain('More than 10 root fields in one operation.');

    const fine = await t.gql(`{ a: me { id } b: me { id } }`);
    expect(fine.status).toBe(200);
  });

  it('caps depth (through fragments), total fields and directives', async () => {
    const tooDeep = await t.gql(
      `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } }`,
    );
    expect(tooDeep.body.errors!.map((e) => e.message)).toContain('Selections nested deeper than 8 levels.');
    const viaFragments = await t.gql(
      `{ __schema { ...T } } fragment T on __Schema { types { fields { ...F } } }
       fragment F on __Field { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } }`,
    );
    expect(viaFragments.body.errors!.map((e) => e.message)).toContain('Selections nested deeper than 8 levels.');

    const wide = await t.gql(`{ me { ${'id email firstName lastName createdAt '.repeat(45)} } }`);
    expect(wide.body.errors!.map((e) => e.message)).toContain('More than 200 fields in one document.');

    const directives = await t.gql(`{ me { ${Array.from({ length: 11 }, () => 'id @include(if: true)').join(' ')} } }`);
    expect(directives.body.errors!.map((e) => e.message)).toContain('More than 10 directives in one document.');

    // An ordinary client query passes.
    expect((await t.gql(`{ me { id email firstName lastName createdAt updatedAt emailVerified } }`)).status).toBe(200);
  });

  it('refuses documents with too many tokens before parsing them fully', async () => {
    const res = await t.gql(`{ me { ${'__typename '.repeat(2500)} } }`);
    expect(res.status).toBe(400);
    expect(res.body.errors![0].extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});
