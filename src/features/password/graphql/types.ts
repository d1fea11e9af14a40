import { ArgsType, Field, InputType, Int, ObjectType } from 'type-graphql';
import { InvalidCredentialsError, InvalidInputError, InvalidTokenError, RateLimitedError } from '../../../graphql/errors';
import { resultUnion } from '../../../graphql/results';
import { EmailAddress } from '../../../graphql/scalars';
import { AccountUpdated } from '../../../graphql/types/AccountUpdated';
import { UserType } from '../../../graphql/types/UserType';

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

@ArgsType()
export class LoginArgs {
  @Field(() => EmailAddress, { description: "The account's email address (case-insensitive)." })
  email: string;

  @Field(() => String, { description: "The account's password." })
  password: string;
}

@ObjectType('ChangePasswordSuccess', {
  description: 'The password was changed; every other session was ended, this one goes on.',
})
export class ChangePasswordSuccess {
  @Field(() => UserType, { description: 'The signed-in user.' })
  user: UserType;

  @Field(() => Int, { description: 'How many other sessions were ended.' })
  endedSessions: number;
}

export const ChangePasswordResult = resultUnion(
  'ChangePasswordResult',
  'The outcome of `changePassword`.',
  { 'password-changed': ChangePasswordSuccess },
  [InvalidCredentialsError, InvalidInputError, RateLimitedError],
);

export const ResetPasswordResult = resultUnion(
  'ResetPasswordResult',
  'The outcome of `resetPassword`.',
  { 'account-updated': AccountUpdated },
  [InvalidTokenError, InvalidInputError, RateLimitedError],
);
