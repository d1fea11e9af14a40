import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, OneToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { User } from '../../users/User';

/**
 * A user's authenticator app: its TOTP secret, encrypted (AES-256-GCM, bound to the user), and the
 * last time step a code was accepted for, which makes each code single-use on every instance. While
 * `enabledAt` is null the row is an enrolment waiting for its first code; a new enrolment replaces it.
 */
@Entity({ tableName: 'totp_credentials' })
export class TotpCredential {
  [OptionalProps]?: 'enabledAt' | 'lastUsedStep' | 'createdAt' | 'updatedAt';

  @OneToOne(() => User, { primary: true, deleteRule: 'cascade', ref: true })
  user: Ref<User>;

  /** `SecretBox` output; never serialised. */
  @Property({ type: 'string', length: 200, hidden: true })
  secretSealed: string;

  /** Null while the enrolment waits for its confirming code. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  enabledAt?: Date | null;

  /** The time step of the last code accepted: codes of that step or earlier are refused. */
  @Property({ type: 'integer', nullable: true })
  lastUsedStep?: number | null;

  /** Keys the HMAC of this user's recovery codes (codes.ts says why not bcrypt). */
  @Property({ type: 'string', length: 32, hidden: true })
  recoverySalt: string;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3 })
  updatedAt: Date = new Date();
}

/** One single-use recovery code, stored as its salted HMAC. Used codes stay (counted as used) until regenerated. */
@Entity({ tableName: 'recovery_codes' })
@Index({ name: 'recovery_codes_user_hash_index', properties: ['user', 'codeHash'] })
export class RecoveryCode {
  [OptionalProps]?: 'id' | 'usedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'cascade', ref: true })
  user: Ref<User>;

  @Property({ type: 'string', length: 64, hidden: true })
  codeHash: string;

  @Property({ type: 'datetime', length: 3, nullable: true })
  usedAt?: Date | null;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date;
}
