import { Field, ObjectType } from 'type-graphql';
import { EmailTakenError, InvalidCredentialsError, InvalidInputError, InvalidTokenError, RateLimitedError } from '../../../graphql/errors';
import { resultUnion } from '../../../graphql/results';
import { EmailAddress } from '../../../graphql/scalars';
import { AccountUpdated } from '../../../graphql/types/AccountUpdated';

@ObjectType('EmailChangeRequested', {
  description: 'A confirmation link was sent to the new address (and a notice to the current one).',
})
export class EmailChangeRequested {
  @Field(() => EmailAddress, { description: 'The address that must be confirmed.' })
  newEmail: string;
}

export const VerifyEmailResult = resultUnion('VerifyEmailResult', 'The outcome of `verifyEmail`.', { 'account-updated': AccountUpdated }, [
  InvalidTokenError,
]);

export const RequestEmailChangeResult = resultUnion(
  'RequestEmailChangeResult',
  'The outcome of `requestEmailChange`.',
  { 'email-change-requested': EmailChangeRequested },
  [InvalidCredentialsError, InvalidInputError, RateLimitedError],
);

export const ConfirmEmailChangeResult = resultUnion(
  'ConfirmEmailChangeResult',
  'The outcome of `confirmEmailChange`.',
  { 'account-updated': AccountUpdated },
  [InvalidTokenError, EmailTakenError],
);
