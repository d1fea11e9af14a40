import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLInputType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/testApp';

/**
 * Which root fields need a signed-in user, as the service answers without a token, against the list the
 * README gives for UNAUTHENTICATED: a new field that needs one (or stops needing one) must be documented.
 */
const ROOT = path.resolve(__dirname, '../..');
const schema = buildSchema(readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8'));
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** A value of the right type for every required argument; its content does not matter here. */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).filter((f) => isNonNullType(f.type)).map((f) => [f.name, sample(f.type)]));
  }
  if (isEnumType(type)) return type.getValues()[0]!.value;
  return ({ EmailAddress: 'someone@example.com', Int: 1, Boolean: true, JSON: {}, DateTime: new Date().toISOString() } as Record<string, unknown>)[type.name] ?? 'x';
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('operations that need a signed-in user', () => {
  it('answer UNAUTHENTICATED without a token, exactly those the README lists', async () => {
    const documented = readme
      .split('\n')
      .find((line) => line.startsWith('| `UNAUTHENTICATED` | 401, `WWW-Authenticate: Bearer` |'))!
      .split('(the others')[0]!
      .match(/`(\w+)`/g)!
      .map((name) => name.slice(1, -1))
      // Operation names start lower-case (not `Authorization`), and `email` is an argument.
      .filter((name) => /^[a-z]/.test(name) && name !== 'email');

    const refused: string[] = [];
    for (const [kind, root] of [['query', schema.getQueryType()!], ['mutation', schema.getMutationType()!]] as const) {
      for (const field of Object.values(root.getFields())) {
        const required = field.args.filter((arg) => isNonNullType(arg.type));
        const declared = required.map((arg) => `$${arg.name}: ${arg.type}`).join(', ');
        const passed = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
        const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
        const query = `${kind}${declared ? `(${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${selection} }`;
        const res = await t.gql(query, Object.fromEntries(required.map((arg) => [arg.name, sample(arg.type)])));
        if (res.body.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED') refused.push(field.name);
      }
    }
    expect(refused.length).toBeGreaterThan(15);
    expect(refused.sort()).toEqual([...documented].sort());
  });
});
