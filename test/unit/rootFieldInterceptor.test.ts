import 'reflect-metadata';
import { GraphQLError, isObjectType, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createSchema } from '../../src/graphql/schema';
import { silentLogger } from '../../src/infra/logger';

const claims = { userId: 'u1', sessionId: 's1', jti: 'j1', expiresAt: new Date(Date.now() + 60_000), amr: ['pwd'], authTime: new Date() };
const authenticated = async () => ({ kind: 'authenticated' as const, claims });

/** A context whose every service throws a plain Error: a bug, as far as the resolver layer knows. */
function brokenContext() {
  const broken = new Proxy({}, { get: () => { throw new Error('boom: select * from users'); } });
  return {
    services: broken,
    logger: silentLogger,
    service: { requestId: 'test', client: {} },
    requestId: 'test',
    trace: {},
    refreshCookie: { wanted: false, token: undefined, refused: undefined, secure: false },
    auth: authenticated,
    verifiedToken: authenticated,
  };
}

describe('RootFieldInterceptor', () => {
  it('wraps every root field: an unexpected error becomes a bare INTERNAL_SERVER_ERROR', async () => {
    const schema = await createSchema();
    const roots = [schema.getQueryType()!, schema.getMutationType()!];
    const fields = roots.flatMap((root) => Object.values(root.getFields()).map((field) => ({ root, field })));
    expect(fields.length).toBeGreaterThan(10);
    for (const { root, field } of fields) {
      const info = { fieldName: field.name, parentType: root, path: { key: field.name, prev: undefined } } as unknown as GraphQLResolveInfo;
      const outcome = await Promise.resolve()
        .then(() => field.resolve!(undefined, {}, brokenContext(), info))
        .then(() => 'resolved', (error: unknown) => error);
      expect(outcome, field.name).toBeInstanceOf(GraphQLError);
      expect((outcome as GraphQLError).extensions.code, field.name).toBe('INTERNAL_SERVER_ERROR');
      expect((outcome as GraphQLError).message, field.name).not.toContain('boom');
    }
  });

  it('leaves the fields of returned objects as plain property reads, not promise chains (but those a feature computes)', async () => {
    const schema = await createSchema();
    const rootNames = new Set([schema.getQueryType()!.name, schema.getMutationType()!.name]);
    const objectTypes = Object.values(schema.getTypeMap()).filter(
      (type) => isObjectType(type) && !type.name.startsWith('__') && !rootNames.has(type.name),
    );
    expect(objectTypes.map((t) => t.name)).toContain('User');
    const computed: string[] = [];
    for (const type of objectTypes) {
      if (!isObjectType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        // Fields a feature adds with a resolver of its own (User.securityEvents) are wrapped like root fields.
        if (field.extensions?.computed) {
          computed.push(`${type.name}.${field.name}`);
          continue;
        }
        const value = field.resolve?.({ [field.name]: 'x' }, {}, brokenContext(), {} as GraphQLResolveInfo) ?? 'x';
        expect(value, `${type.name}.${field.name}`).toBe('x');
      }
    }
    expect(computed.sort()).toEqual(['User.identities', 'User.passkeys', 'User.recoveryCodesRemaining', 'User.securityEvents', 'User.twoFactorEnabled']);
  });
});
