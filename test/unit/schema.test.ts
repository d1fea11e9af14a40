import { readFileSync } from 'node:fs';
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { emitSchema, SCHEMA_FILE } from '../../scripts/emit-schema';

describe('schema.graphql', () => {
  it('is exactly what the code emits (run `npm run schema` after changing the API)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await emitSchema());
  });

  it('keeps the contract clients code against', () => {
    const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
    const fields = (type: string) => Object.keys((schema.getType(type) as any).getFields());
    expect(fields('User')).toEqual(['id', 'email', 'firstName', 'lastName', 'createdAt', 'updatedAt']);
    expect(fields('AuthSuccess')).toEqual(['accessToken', 'tokenType', 'expiresAt', 'user']);
    expect(fields('Query')).toEqual(['me']);
    expect(fields('Mutation').sort()).toEqual(['login', 'logout', 'register', 'updateMe']);
    const login = (schema.getMutationType()!.getFields().login.args ?? []).map((a) => `${a.name}: ${a.type}`);
    expect(login).toEqual(['email: EmailAddress!', 'password: String!']);
    const union = (name: string) => (schema.getType(name) as any).getTypes().map((t: any) => t.name);
    expect(union('RegisterResult')).toEqual(['AuthSuccess', 'EmailTakenError', 'InvalidInputError']);
    expect(union('LoginResult')).toEqual(['AuthSuccess', 'InvalidCredentialsError', 'InvalidInputError']);
    expect(union('UpdateMeResult')).toEqual(['UpdateMeSuccess', 'InvalidInputError']);
    expect((schema.getType('ErrorCode') as any).getValues().map((v: any) => v.name)).toEqual([
      'INVALID_INPUT',
      'EMAIL_TAKEN',
      'INVALID_CREDENTIALS',
    ]);
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
