import { ArgsType, createUnionType, Field, InputType, ObjectType } from 'type-graphql';
import {
  EmailNotVerifiedError,
  EmailTakenError,
  InvalidCredentialsError,
  InvalidInputError,
  InvalidRefreshTokenError,
  RateLimitedError,
  RefreshTokenReusedError,
} from '../../../graphql/errors';
import { DateTime, EmailAddress } from '../../../graphql/scalars';
import { UserType } from '../../../graphql/types/UserType';

@ObjectType('AuthSuccess', {
  description: 'A successful register, login or refresh: a new access token, a refresh token and the user.',
})
export class AuthSuccess {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <accessToken>`. A JWT; treat it as opaque.' })
  accessToken: string;

  @Field(() => String, { description: 'Always `Bearer`.' })
  tokenType: 'Bearer' = 'Bearer';

  @Field(() => DateTime, { description: 'When the access token stops working.' })
  expiresAt: Date;

  @Field(() => String, {
    nullable: true,
    description:
      'Exchange with `refreshToken` for a new pair before `refreshTokenExpiresAt`. Single use: each refresh ' +
      'returns a new one. Opaque; keep it secret and never send it as an access token. Null when the request ' +
      'asked for it as a cookie (`X-Refresh-Token-Transport: cookie`): then it is only in the httpOnly cookie.',
  })
  refreshToken: string | null;

  @Field(() => DateTime, {
    description: 'When the refresh token stops working: the session idle or absolute limit, whichever is first.',
  })
  refreshTokenExpiresAt: Date;

  @Field(() => UserType, { description: 'The signed-in user.' })
  user: UserType;

  constructor(fields: Omit<AuthSuccess, 'tokenType'>) {
    this.accessToken = fields.accessToken;
    this.expiresAt = fields.expiresAt;
    this.refreshToken = fields.refreshToken;
    this.refreshTokenExpiresAt = fields.refreshTokenExpiresAt;
    this.user = fields.user;
  }
}

@InputType('RegisterInput', { description: 'A new account.' })
export class RegisterInput {
  @Field(() => EmailAddress, { description: 'Sign-in email; must not belong to another account (case-insensitive).' })
  email: string;

  @Field(() => String, { description: '8 to 1,024 characters, any script; no composition rules.' })
  password: string;

  @Field(() => String, { description: 'Given name, 1 to 100 characters after trimming, no control characters.' })
  firstName: string;

  @Field(() => String, { description: 'Family name, 1 to 100 characters after trimming, no control characters.' })
  lastName: string;
}

export const RegisterResult = createUnionType({
  name: 'RegisterResult',
  description:
    'The outcome of `register`. `EmailNotVerifiedError` when the service requires verification: the account ' +
    'was created and a link sent; sign in after following it.',
  types: () => [AuthSuccess, EmailTakenError, InvalidInputError, EmailNotVerifiedError, RateLimitedError] as const,
});

export const LoginResult = createUnionType({
  name: 'LoginResult',
  description: 'The outcome of `login`.',
  types: () => [AuthSuccess, InvalidCredentialsError, EmailNotVerifiedError, InvalidInputError, RateLimitedError] as const,
});

export const RefreshResult = createUnionType({
  name: 'RefreshResult',
  description: 'The outcome of `refreshToken`.',
  types: () => [AuthSuccess, InvalidRefreshTokenError, RefreshTokenReusedError, RateLimitedError] as const,
});

@ArgsType()
export class LoginArgs {
  @Field(() => EmailAddress, { description: "The account's email address (case-insensitive)." })
  email: string;

  @Field(() => String, { description: "The account's password." })
  password: string;
}
