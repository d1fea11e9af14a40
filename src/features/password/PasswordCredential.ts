import { Entity, OneToOne, OptionalProps, Property, type Ref } from '@mikro-orm/core';
import { User } from '../../users/User';

/**
 * A user's password, as one credential among the ways to sign in: an account may have none (a
 * passkey-only account, one made through another identity provider). Only the bcrypt hash is stored.
 */
@Entity({ tableName: 'password_credentials' })
export class PasswordCredential {
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  // One password per user; deleting the user deletes it.
  @OneToOne(() => User, { primary: true, deleteRule: 'cascade', ref: true })
  user: Ref<User>;

  // `hidden`: never serialised, never exposed; it has no GraphQL field either.
  @Property({ type: 'string', length: 100, hidden: true })
  passwordHash: string;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  /** When the password was last set (registration, a change, a reset). */
  @Property({ type: 'datetime', length: 3 })
  updatedAt: Date = new Date();
}
