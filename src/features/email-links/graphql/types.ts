import { createUnionType, Field, ObjectType } from 'type-graphql';
import { EmailTakenError, InvalidCredentialsError, InvalidInputError, InvalidTokenError, RateLimitedError } from '../../../graphql/errors';
import { EmailAddress } from '../../../graphql/scalars';
import { UserType } from '../../../graphql/types/UserType';

@ObjectType('AccountUpdated', { description: 'The account was changed as asked.' })
export class AccountUpdated {
  @Field(() => UserType, { description: 'The user after the change.' })
  user: UserType;

  constructor(user: UserType) {
    this.user = user;
  }
}

@ObjectType('EmailChangeRequested', {
  description: 'A confirmation link was sent to the new address (and a notice to the current one).',
})
export class EmailChangeRequested {
  @Field(() => EmailAddress, { description: 'The address that must be confirmed.' })
  newEmail: string;

  constructor(newEmail: string) {
    this.newEmail = newEmail;
  }
}

@ObjectType('AccountDeleted', { description: 'The account and everything of it were deleted; every token stopped working.' })
export class AccountDeleted {
  @Field(() => Boolean, { description: 'Always true.' })
  deleted = true;
}

export const VerifyEmailResult = createUnionType({
  name: 'VerifyEmailResult',
  description: 'The outcome of `verifyEmail`.',
  types: () => [AccountUpdated, InvalidTokenError] as const,
});

export const ResetPasswordResult = createUnionType({
  name: 'ResetPasswordResult',
  description: 'The outcome of `resetPassword`.',
  types: () => [AccountUpdated, InvalidTokenError, InvalidInputError, RateLimitedError] as const,
});

export const RequestEmailChangeResult = createUnionType({
  name: 'RequestEmailChangeResult',
  description: 'The outcome of `requestEmailChange`.',
  types: () => [EmailChangeRequested, InvalidCredentialsError, InvalidInputError, RateLimitedError] as const,
});

export const ConfirmEmailChangeResult = createUnionType({
  name: 'ConfirmEmailChangeResult',
  description: 'The outcome of `confirmEmailChange`.',
  types: () => [AccountUpdated, InvalidTokenError, EmailTakenError] as const,
});

export const DeleteAccountResult = createUnionType({
  name: 'DeleteAccountResult',
  description: 'The outcome of `deleteAccount`.',
  types: () => [AccountDeleted, InvalidCredentialsError, RateLimitedError] as const,
});
