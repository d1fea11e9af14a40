import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { User } from '../../users/User';

/**
 * An account at another identity provider (an OpenID Connect issuer, GitHub) that signs in to a user
 * here: the provider's id and its stable subject (`sub`; GitHub's numeric user id), never the email,
 * which can change or be reassigned at the provider. Changing the account's address here moves nothing.
 */
@Entity({ tableName: 'external_identities' })
// One subject of one provider belongs to one user, whoever races to link it: the database decides.
@Unique({ name: 'external_identities_provider_subject_unique', properties: ['provider', 'subject'] })
@Index({ name: 'external_identities_user_id_index', properties: ['user'] })
export class ExternalIdentity {
  [OptionalProps]?: 'id' | 'email' | 'lastUsedAt' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  // Deleting the account deletes its identities.
  @ManyToOne(() => User, { deleteRule: 'cascade', ref: true })
  user: Ref<User>;

  /** The provider's id in the configuration (`google`, `github`...). */
  @Property({ type: 'string', length: 32 })
  provider: string;

  /** OpenID Connect `sub` (at most 255 ASCII characters, Core section 2), or GitHub's user id. */
  @Property({ type: 'string', length: 255 })
  subject: string;

  /** The address the provider last gave for it, for the user to tell their identities apart; not used to sign in. */
  @Property({ type: 'string', length: 254, nullable: true })
  email?: string | null;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, nullable: true })
  lastUsedAt?: Date | null;
}
