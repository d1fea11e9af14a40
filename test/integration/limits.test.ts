import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, registered, startTestApp, type TestApp } from '../helpers/testApp';
import { FULL_INTROSPECTION_QUERY } from '../helpers/introspection';

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

  it('caps depth (through fragments), total fields and directives, counted as executed', async () => {
    // No field of this schema nests deeper than 4, so only made-up fields reach the limit; it refuses
    // them before validation looks at what they are.
    const nested = (levels: number) => `${'x { '.repeat(levels)}id${' }'.repeat(levels)}`;
    const tooDeep = await t.gql(`{ me { ${nested(8)} } }`);
    expect(tooDeep.body.errors!.map((e) => e.message)).toEqual(['Selections nested deeper than 8 levels.']);
    const viaFragments = await t.gql(`{ me { ...A } } fragment A on User { x { x { x { ...B } } } } fragment B on User { ${nested(5)} }`);
    expect(viaFragments.body.errors!.map((e) => e.message)).toContain('Selections nested deeper than 8 levels.');

    const wide = await t.gql(`{ me { ${'id email firstName lastName createdAt '.repeat(45)} } }`);
    expect(wide.body.errors!.map((e) => e.message)).toContain('More than 200 fields in one document.');
    // A fragment spread ten times is ten times its fields.
    const spread = await t.gql(`{ me { ${'...F '.repeat(10)} } } fragment F on User { ${'id email '.repeat(11)} }`);
    expect(spread.body.errors!.map((e) => e.message)).toContain('More than 200 fields in one document.');

    const directives = await t.gql(`{ me { ${Array.from({ length: 11 }, () => 'id @include(if: true)').join(' ')} } }`);
    expect(directives.body.errors!.map((e) => e.message)).toContain('More than 10 directives in one document.');

    // An ordinary client query passes.
    expect((await t.gql(`{ me { id email firstName lastName createdAt updatedAt emailVerified } }`)).status).toBe(200);
  });

  it('caps fragments, repeats of one field, variables and argument values; refuses unused fragments first', async () => {
    const messages = async (query: string) => {
      const res = await t.gql(query);
      expect(res.status).toBe(400);
      expect(res.body.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
      return res.body.errors!.map((e) => e.message);
    };
    expect(await messages(`{ ${'... on Query { '.repeat(51)} me { id } ${'} '.repeat(51)} }`)).toContain(
      'More than 50 fragments (inline or spread) in one document.',
    );
    expect(await messages(`{ me { ${'firstName '.repeat(21)} } }`)).toEqual([
      'A field is selected more than 20 times at one place of the response (give repeats aliases).',
    ]);
    // Repeats merge across fields: four `me` with six `id` each put 24 fields at `me.id`.
    expect(await messages(`{ ${'me { id id id id id id } '.repeat(4)} }`)).toEqual([
      'A field is selected more than 20 times at one place of the response (give repeats aliases).',
    ]);
    expect(await messages(`query(${Array.from({ length: 31 }, (_, i) => `$v${i}: Int`).join(' ')}) { me { id } }`)).toContain(
      'More than 30 variables in one document.',
    );
    expect(await messages(`{ me(x: [${'1 '.repeat(100)}]) { id } }`)).toContain('More than 100 argument values in one document.');
    expect(await messages(`{ me { id } } fragment Spare on User { id }`)).toEqual(['Fragment "Spare" is never used.']);
  });

  it('lets every tool load the schema with the standard introspection query, and bounds cyclic introspection', async () => {
    const full = await t.gql(FULL_INTROSPECTION_QUERY);
    expect(full.status).toBe(200);
    expect(full.body.errors).toBeUndefined();
    expect(full.body.data.__schema.types.map((type: { name: string }) => type.name)).toContain('AuthSuccess');

    const cyclic = await t.gql(`{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }`);
    expect(cyclic.status).toBe(400);
    expect(cyclic.body.errors!.map((e) => e.message)).toContain('Maximum introspection depth exceeded');

    // 15 aliases of a 30-field fragment: within the alias limit, past the introspection budget.
    const wide = await t.gql(
      `{ __schema { ${Array.from({ length: 15 }, (_, i) => `n${i}: types { ...W } `).join('')} } }
       fragment W on __Type { name kind description specifiedByURL isOneOf
         fields { name description isDeprecated deprecationReason type { name kind } args { name description defaultValue type { name kind } } }
         interfaces { name kind } possibleTypes { name kind } enumValues { name description isDeprecated }
         inputFields { name description type { name kind } } }`,
    );
    expect(wide.body.errors!.map((e) => e.message)).toContain('More than 400 introspection fields in one document.');
  });

  it('refuses documents with too many tokens before parsing them fully', async () => {
    const res = await t.gql(`{ me { ${'__typename '.repeat(2500)} } }`);
    expect(res.status).toBe(400);
    expect(res.body.errors![0].extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});
