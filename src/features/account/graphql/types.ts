import { Field, InputType, ObjectType } from 'type-graphql';
import { InvalidCredentialsError, InvalidInputError, RateLimitedError } from '../../../graphql/errors';
import { resultUnion } from '../../../graphql/results';
import { UserType } from '../../../graphql/types/UserType';

@InputType('UpdateMeInput', { description: 'Profile changes. Omitted or null fields are left as they are.' })
export class UpdateMeInput {
  @Field(() => String, { nullable: true, description: 'New given name, 1 to 100 characters after trimming.' })
  firstName?: string | null;

  @Field(() => String, { nullable: true, description: 'New family name, 1 to 100 characters after trimming.' })
  lastName?: string | null;
}

@ObjectType('UpdateMeSuccess', { description: 'The profile was updated (or was already as asked).' })
export class UpdateMeSuccess {
  @Field(() => UserType, { description: 'The user after the update.' })
  user: UserType;
}

@ObjectType('AccountDeleted', { description: 'The account and everything of it were deleted; every token stopped working.' })
export class AccountDeleted {
  @Field(() => Boolean, { description: 'Always true.' })
  deleted: boolean;
}

export const UpdateMeResult = resultUnion('UpdateMeResult', 'The outcome of `updateMe`.', { 'me-updated': UpdateMeSuccess }, [InvalidInputError]);

export const DeleteAccountResult = resultUnion(
  'DeleteAccountResult',
  'The outcome of `deleteAccount`.',
  { 'account-deleted': AccountDeleted },
  [InvalidCredentialsError, RateLimitedError],
);
