import { Field, ObjectType } from 'type-graphql';
import { UserType } from './UserType';

@ObjectType('AccountUpdated', { description: 'The account was changed as asked.' })
export class AccountUpdated {
  @Field(() => UserType, { description: 'The user after the change.' })
  user: UserType;
}
