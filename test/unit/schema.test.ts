import { readFileSync } from 'node:fs';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  parse,
  type GraphQLNamedType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { emitSchema, SCHEMA_FILE } from '../../scripts/emit-schema';

describe('schema.graphql', () => {
  it('is exactly what the code emits (run `npm run schema` after changing the API)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await emitSchema());
  });

  it.each([
    ['the API', CONTRACT],
    ['passkeys (issue 14)', PASSKEYS_CONTRACT],
  ])('keeps the contract clients code against (%s): every type, field, argument and nullability', (_name, sdl) => {
    const actual = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
    const contract = buildSchema(sdl);
    for (const type of Object.values(contract.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const expected = shape(type) as Record<string, unknown>;
      const got = shape(actual.getType(type.name)) as Record<string, unknown>;
      expect(got, type.name).toBeDefined();
      // Additions are allowed (new fields, enum values, union members); nothing may change or go.
      for (const key of ['enum', 'union', 'interfaces'] as const) {
        if (expected[key]) expect(got[key], `${type.name} ${key}`).toEqual(expect.arrayContaining(expected[key] as string[]));
      }
      expect(got.kind, type.name).toEqual(expected.kind);
      if (expected.fields) expect(got.fields, type.name).toMatchObject(expected.fields as object);
    }
  });

  it('describes every argument, and names the specification of DateTime (RFC 3339)', () => {
    const doc = parse(readFileSync(SCHEMA_FILE, 'utf8'));
    const undescribed: string[] = [];
    for (const def of doc.definitions as any[]) {
      for (const field of def.fields ?? []) {
        for (const arg of field.arguments ?? []) if (!arg.description) undescribed.push(`${def.name.value}.${field.name.value}(${arg.name.value})`);
      }
    }
    expect(undescribed).toEqual([]);
    expect(buildSchema(readFileSync(SCHEMA_FILE, 'utf8')).getType('DateTime')).toMatchObject({
      specifiedByURL: 'https://datatracker.ietf.org/doc/html/rfc3339',
    });
  });

  it('describes every type and field', () => {
    const doc = parse(readFileSync(SCHEMA_FILE, 'utf8'));
    const missing: string[] = [];
    for (const def of doc.definitions as any[]) {
      if (!def.name) continue;
      if (!def.description) missing.push(def.name.value);
      for (const field of def.fields ?? []) if (!field.description) missing.push(`${def.name.value}.${field.name.value}`);
      for (const value of def.values ?? []) if (!value.description) missing.push(`${def.name.value}.${value.name.value}`);
    }
    expect(missing).toEqual([]);
  });
});

/** The contract from the issue that defined the API: later work may add to it, never change it. */
const CONTRACT = /* GraphQL */ `
  scalar DateTime
  scalar EmailAddress
  enum ErrorCode { INVALID_INPUT EMAIL_TAKEN INVALID_CREDENTIALS }
  interface ErrorResult { code: ErrorCode! message: String! }
  type FieldError { field: String! message: String! }
  type InvalidInputError implements ErrorResult { code: ErrorCode! message: String! fields: [FieldError!]! }
  type EmailTakenError implements ErrorResult { code: ErrorCode! message: String! }
  type InvalidCredentialsError implements ErrorResult { code: ErrorCode! message: String! }
  type User { id: ID! email: EmailAddress! firstName: String! lastName: String! createdAt: DateTime! updatedAt: DateTime! }
  type AuthSuccess { accessToken: String! tokenType: String! expiresAt: DateTime! user: User! }
  type UpdateMeSuccess { user: User! }
  union RegisterResult = AuthSuccess | EmailTakenError | InvalidInputError
  union LoginResult = AuthSuccess | InvalidCredentialsError | InvalidInputError
  union UpdateMeResult = UpdateMeSuccess | InvalidInputError
  input RegisterInput { email: EmailAddress! password: String! firstName: String! lastName: String! }
  input UpdateMeInput { firstName: String lastName: String }
  type Query { me: User }
  type Mutation {
    register(input: RegisterInput!): RegisterResult!
    login(email: EmailAddress!, password: String!): LoginResult!
    updateMe(input: UpdateMeInput!): UpdateMeResult!
    logout: Boolean!
  }
`;

/** The passkeys contract (issue 14): its names and types are exact; members and fields may be added. */
const PASSKEYS_CONTRACT = /* GraphQL */ `
  scalar DateTime
  scalar EmailAddress
  scalar JSON
  enum ErrorCode { INVALID_PASSKEY INVALID_INPUT RATE_LIMITED }
  enum SecondFactorMethod { PASSKEY }
  interface ErrorResult { code: ErrorCode! message: String! }
  type InvalidPasskeyError implements ErrorResult { code: ErrorCode! message: String! }
  type InvalidInputError implements ErrorResult { code: ErrorCode! message: String! }
  type RateLimitedError implements ErrorResult { code: ErrorCode! message: String! }
  type Passkey { id: ID! name: String! createdAt: DateTime! lastUsedAt: DateTime deviceType: String! backedUp: Boolean! }
  type User { id: ID! passkeys: [Passkey!]! }
  type AuthSuccess { accessToken: String! user: User! }
  type SecondFactorRequired { ticket: String! methods: [SecondFactorMethod!]! expiresAt: DateTime! }
  type PasskeyChallenge { challengeId: ID! options: JSON! }
  type PasskeyAdded { passkey: Passkey! }
  union FinishPasskeyRegistrationResult = PasskeyAdded | InvalidPasskeyError | InvalidInputError
  union LoginResult = AuthSuccess | InvalidPasskeyError | RateLimitedError
  union RegisterResult = AuthSuccess | InvalidPasskeyError
  union VerifySecondFactorResult = AuthSuccess | InvalidPasskeyError
  input PasskeyAccountInput { email: EmailAddress! firstName: String! lastName: String! }
  input PasskeyAssertionInput { challengeId: ID! response: JSON! }
  type Query { me: User }
  type Mutation {
    startPasskeyRegistration: PasskeyChallenge!
    finishPasskeyRegistration(challengeId: ID!, response: JSON!, name: String): FinishPasskeyRegistrationResult!
    startPasskeyLogin(email: EmailAddress): PasskeyChallenge!
    finishPasskeyLogin(challengeId: ID!, response: JSON!): LoginResult!
    startPasskeySecondFactor(ticket: String!): PasskeyChallenge!
    verifySecondFactorWithPasskey(ticket: String!, challengeId: ID!, response: JSON!): VerifySecondFactorResult!
    startPasskeyRegistrationForNewAccount(input: PasskeyAccountInput!): PasskeyChallenge!
    finishPasskeyRegistrationForNewAccount(challengeId: ID!, response: JSON!): RegisterResult!
    startPasskeyReauthentication: PasskeyChallenge!
  }
`;

/** A type reduced to what clients depend on. Contract fields must all be present with the same shape. */
function shape(type: GraphQLNamedType | undefined | null): unknown {
  if (!type) return undefined;
  if (isEnumType(type)) return { enum: type.getValues().map((v) => v.name) };
  if (isUnionType(type)) return { union: type.getTypes().map((t) => t.name) };
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
    return {
      kind: type.constructor.name,
      interfaces: 'getInterfaces' in type ? type.getInterfaces().map((i) => i.name) : [],
      fields: Object.fromEntries(
        Object.values(type.getFields()).map((field) => [
          field.name,
          // Arguments are named, so their order is not part of the contract.
          `${'args' in field ? `(${field.args.map((a: { name: string; type: unknown }) => `${a.name}: ${String(a.type)}`).sort().join(', ')})` : ''}${field.type}`,
        ]),
      ),
    };
  }
  return { scalar: type.name };
}
