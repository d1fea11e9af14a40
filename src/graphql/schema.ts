import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { FEATURES } from '../features';
import { ERROR_TYPES } from './errors';
import { registerLateEnums } from './lateEnum';
import { SECOND_FACTOR_TYPES } from './types/secondFactor';
import { authChecker } from './viewer';

/** Every resolver class; each must carry `@UseMiddleware(RootFieldInterceptor)` (a test checks). */
export const RESOLVERS = FEATURES.flatMap((feature) => feature.resolvers) as unknown as NonEmptyArray<Function>;

/** Builds the schema from the features' resolvers. Pure: also used by `npm run schema` to emit schema.graphql. */
export async function createSchema(): Promise<GraphQLSchema> {
  registerLateEnums();
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    orphanedTypes: [...ERROR_TYPES, ...SECOND_FACTOR_TYPES, ...FEATURES.flatMap((feature) => feature.types ?? [])],
    authChecker,
    // Input rules live in the services and come back as InvalidInputError, not as thrown errors.
    validate: false,
  });
  // type-graphql cannot describe the root types; every type in the contract carries a description.
  Object.assign(schema.getQueryType()!, { description: 'Reads. Send `Authorization: Bearer <accessToken>` to act as a user.' });
  Object.assign(schema.getMutationType()!, {
    description:
      'Writes. The sign-ins (`register`, `login`, `refreshToken`, the second factors, the passkey sign-in and ' +
      'account-creation ones, `startExternalSignIn` and `finishExternalSignIn`) ignore the `Authorization` header; ' +
      'the emailed-link ones, `requestPasswordReset` and ' +
      '`requestEmailVerification(email:)` need none; the others require it.',
  });
  return schema;
}
