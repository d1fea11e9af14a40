import { ArgsType, createUnionType, Field, InputType, ObjectType } from 'type-graphql';
import { EmailTakenError, InvalidCredentialsError, InvalidInputError } from '../errors';
import { DateTime, EmailAddress } from '../scalars';
import { UserType } from './UserType';

@ObjectType('AuthSuccess', { description: 'A successful register or login: an access token and its user.' })
export class AuthSuccess {
  @Field(() => String, { description: 'Send as `Authorization: Bearer <accessToken>`. A JWT; treat it as opaque.' })
  accessToken: string;

  @Field(() => String, { description: 'Always `Bearer`.' })
  tokenType: 'Bearer' = 'Bearer';

  @Field(() => DateTime, { description: 'When the access token stops working.' })
  expiresAt: Date;

  @Field(() => UserType, { description: 'The signed-in user.' })
  user: UserType;

  constructor(accessToken: string, expiresAt: Date, user: UserType) {
    this.accessToken = accessToken;
    this.expiresAt = expiresAt;
    this.user = user;
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
  description: 'The outcome of `register`.',
  types: () => [AuthSuccess, EmailTakenError, InvalidInputError] as const,
});

export const LoginResult = createUnionType({
  name: 'LoginResult',
  description: 'The outcome of `login`.',
  types: () => [AuthSuccess, InvalidCredentialsError, InvalidInputError] as const,
});

@ArgsType()
export class LoginArgs {
  @Field(() => EmailAddress, { description: 'The account\'s email address (case-insensitive).' })
  email: string;

  @Field(() => String, { description: 'The account\'s password.' })
  password: string;
}
