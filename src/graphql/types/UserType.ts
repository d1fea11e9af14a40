import { Field, ID, ObjectType } from 'type-graphql';
import { DateTime, EmailAddress } from '../scalars';

@ObjectType('User', { description: 'An account holder. Never exposes the password or its hash.' })
export class UserType {
  @Field(() => ID, { description: 'Stable, opaque identifier (a random UUID).' })
  id: string;

  @Field(() => EmailAddress, { description: 'Sign-in email address, stored trimmed and lower-cased.' })
  email: string;

  @Field(() => Boolean, { description: 'True once the current email address was confirmed by a link sent to it.' })
  emailVerified: boolean;

  @Field(() => DateTime, { nullable: true, description: 'When the current email address was confirmed.' })
  emailVerifiedAt?: Date | null;

  @Field(() => String, { description: 'Given name, 1 to 100 characters.' })
  firstName: string;

  @Field(() => String, { description: 'Family name, 1 to 100 characters.' })
  lastName: string;

  @Field(() => DateTime, { description: 'When the account was created.' })
  createdAt: Date;

  @Field(() => DateTime, { description: 'When the profile was last changed.' })
  updatedAt: Date;
}
