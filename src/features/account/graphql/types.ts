import { createUnionType, Field, InputType, ObjectType } from 'type-graphql';
import { InvalidInputError } from '../../../graphql/errors';
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

  constructor(user: UserType) {
    this.user = user;
  }
}

export const UpdateMeResult = createUnionType({
  name: 'UpdateMeResult',
  description: 'The outcome of `updateMe`.',
  types: () => [UpdateMeSuccess, InvalidInputError] as const,
});
