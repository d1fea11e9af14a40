import { Kind, MaxIntrospectionDepthRule, parse, specifiedRules, validate, type ValidationRule } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLSchema } from 'graphql';
import { checkLimits, MAX_TOKENS, operationLimits } from '../../src/graphql/limits';
import { createSchema } from '../../src/graphql/schema';
import { HOSTILE_DOCUMENTS } from '../helpers/hostileDocuments';
import { FULL_INTROSPECTION_QUERY } from '../helpers/introspection';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema();
});

/** Counts the nodes that rules placed after the limits get to see. */
function spy(): { rule: ValidationRule; seen: () => number } {
  let seen = 0;
  return {
    rule: () => ({
      enter(node) {
        if (node.kind !== Kind.DOCUMENT) seen += 1;
      },
    }),
    seen: () => seen,
  };
}

/** Validation as the server runs it: graphql-js's rules, then the limits, then the introspection bound. */
function validateAsServer(source: string, after?: ValidationRule) {
  const document = parse(source, { maxTokens: MAX_TOKENS });
  return validate(schema, document, [...specifiedRules, operationLimits(), MaxIntrospectionDepthRule, ...(after ? [after] : [])], {
    maxErrors: 10,
  }).map((error) => error.message);
}

describe('operation limits', () => {
  it.each(Object.entries(HOSTILE_DOCUMENTS))('refuse %s, a document within the body and token caps', (_, source) => {
    expect(Buffer.byteLength(source)).toBeLessThan(64 * 1024);
    expect(validateAsServer(source)).not.toEqual([]);
  });

  it('stop validation when a limit is passed: no later rule walks into the document', () => {
    for (const [name, source] of Object.entries(HOSTILE_DOCUMENTS)) {
      const refusedByLimits = checkLimits(parse(source, { maxTokens: MAX_TOKENS }), schema).length > 0;
      const { rule, seen } = spy();
      validateAsServer(source, rule);
      // Refused: the rest of validation saw an empty document. Admitted: it saw all of it.
      expect(seen() === 0, name).toBe(refusedByLimits);
    }
    // All but the ones whose only fault is made-up names (cheap to report, 10 errors at most).
    const admitted = Object.entries(HOSTILE_DOCUMENTS).filter(([, source]) => checkLimits(parse(source, { maxTokens: MAX_TOKENS }), schema).length === 0);
    expect(admitted.map(([name]) => name)).toEqual(['unknownFields']);
  });

  it('count through fragments as executed: a fragment spread ten times is ten times its fields', () => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `f${i}: id`).join(' ');
    const within = `{ me { ${'...F '.repeat(10)} } } fragment F on User { ${fields(1)} email firstName lastName createdAt updatedAt emailVerified emailVerifiedAt }`;
    expect(checkLimits(parse(within), schema)).toEqual([]);
    expect(checkLimits(parse(`{ me { ${'...F '.repeat(10)} } } fragment F on User { ${'id '.repeat(20)} }`), schema)).toContain(
      'More than 200 fields in one document.',
    );
  });

  it('measure each fragment once however often it is spread (linear in the document)', () => {
    // 10^12 fields as executed, from a few hundred bytes: counted, not walked.
    const levels = Array.from({ length: 12 }, (_, i) => `fragment L${i + 1} on User { ${`...L${i} `.repeat(10)} }`).join('\n');
    const source = `{ me { ...L12 } }\nfragment L0 on User { id }\n${levels}`;
    expect(checkLimits(parse(source), schema)).toEqual([
      'More than 200 fields in one document.',
      'More than 50 fragments (inline or spread) in one document.',
    ]);
  });

  it('admit what real clients send: the full introspection query and typed-client documents with fragments', () => {
    expect(validateAsServer(FULL_INTROSPECTION_QUERY)).toEqual([]);
    const client = `
      query Me { me { ...Profile ...Verification sessionsCount: __typename } }
      fragment Profile on User { id email firstName lastName }
      fragment Verification on User { id emailVerified emailVerifiedAt }
      mutation Login($email: EmailAddress!, $password: String!) {
        login(email: $email, password: $password) {
          __typename
          ... on AuthSuccess { accessToken expiresAt refreshToken user { ...Profile } }
          ... on ErrorResult { code message }
        }
      }`;
    expect(validateAsServer(client)).toEqual([]);
  });
});
