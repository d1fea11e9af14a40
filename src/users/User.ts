import { randomUUID } from 'node:crypto';
import { Check, Entity, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/**
 * An account holder: who they are, not how they sign in. Each way of signing in is a credential of its
 * own (a password, later an authenticator app, a passkey, an identity at another provider), so an
 * account may have no password at all.
 */
@Entity({ tableName: 'users' })
// The service normalises emails before writing; the database refuses any row that was not, so the
// unique constraint can never be bypassed by a differently-cased or padded address.
@Check({ name: 'users_email_normalized', expression: 'email = lower(btrim(email))' })
export class User {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'emailVerifiedAt' | 'emailVerified';

  // Random UUIDs: ids reveal neither how many accounts exist nor when one was made.
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /**
   * Stored trimmed and lower-cased, so the unique constraint itself makes `A@X.com` and `a@x.com` one
   * account: concurrent registrations are decided by the database, not by a check-then-insert.
   */
  @Property({ type: 'string', length: 254 })
  @Unique({ name: 'users_email_unique' })
  email: string;

  /** When the current address was proven by a link sent to it; null until then. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  emailVerifiedAt?: Date | null;

  @Property({ type: 'string', length: 100 })
  firstName: string;

  @Property({ type: 'string', length: 100 })
  lastName: string;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  get emailVerified(): boolean {
    return this.emailVerifiedAt != null;
  }
}
