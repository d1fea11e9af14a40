import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AccountResolver } from '../features/email-links/graphql/EmailLinkResolver';
import { AuthResolver } from '../features/password/graphql/PasswordResolver';
import { MeResolver } from '../features/account/graphql/AccountResolver';
import { SessionResolver } from '../features/sessions/graphql/SessionResolver';
import { authChecker } from './viewer';
import {
  EmailNotVerifiedError,
  EmailTakenError,
  ErrorResult,
  InvalidCredentialsError,
  InvalidInputError,
  InvalidRefreshTokenError,
  InvalidTokenError,
  RefreshTokenReusedError,
  SessionNotFoundError,
} from './errors';

/** Every resolver class; each must carry `@UseMiddleware(RootFieldInterceptor)` (a test checks). */
export const RESOLVERS = [AuthResolver, MeResolver, SessionResolver, AccountResolver] as const;

/** Builds the schema from the resolvers. Pure: also used by `npm run schema` to emit schema.graphql. */
export async function createSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    orphanedTypes: [
      ErrorResult,
      InvalidInputError,
      EmailTakenError,
      InvalidCredentialsError,
      InvalidRefreshTokenError,
      RefreshTokenReusedError,
      SessionNotFoundError,
      InvalidTokenError,
      EmailNotVerifiedError,
    ],
    authChecker,
    // Input rules live in the services and come back as InvalidInputError, not as thrown errors.
    validate: false,
  });
  // type-graphql cannot describe the root types; every type in the contract carries a description.
  Object.assign(schema.getQueryType()!, { description: 'Reads. Send `Authorization: Bearer <accessToken>` to act as a user.' });
  Object.assign(schema.getMutationType()!, {
    description:
      'Writes. `register`, `login` and `refreshToken` ignore the `Authorization` header; the emailed-link ones, ' +
      '`requestPasswordReset` and `requestEmailVerification(email:)` need none; the others require it.',
  });
  return schema;
}
