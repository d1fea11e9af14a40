import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { User } from './User';

export type AccountTokenPurpose = 'verify_email' | 'reset_password' | 'change_email';

/**
 * A single-use token sent by email (verification, password reset, email change), stored only as its
 * SHA-256 hash and bound to one purpose and one address: a reset token cannot verify an email, and a
 * verification link for an old address does nothing once the address has changed.
 */
@Entity({ tableName: 'account_tokens' })
@Index({ name: 'account_tokens_user_purpose_index', properties: ['user', 'purpose'] })
export class AccountToken {
  [OptionalProps]?: 'usedAt';

  @PrimaryKey({ type: 'string', length: 64 })
  tokenHash: string;

  @ManyToOne(() => User, { deleteRule: 'cascade', ref: true })
  user: Ref<User>;

  @Property({ type: 'string', length: 20 })
  purpose: AccountTokenPurpose;

  /** The address the link was sent to: the account's (verify, reset) or the requested new one (change). */
  @Property({ type: 'string', length: 254 })
  email: string;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date;

  @Property({ type: 'datetime', length: 3 })
  expiresAt: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  usedAt?: Date | null;
}
