import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { User } from '../../users/User';

/**
 * What the security log records; the GraphQL enum `SecurityEventType` names the same values: the
 * account's own events, and the credential event kinds features declare (core/credentialEvents.ts).
 */
export type SecurityEventType =
  | 'REGISTERED'
  | 'SIGNED_IN'
  | 'SIGN_IN_FAILED'
  | 'PASSWORD_CHANGED'
  | 'PASSWORD_RESET'
  | 'EMAIL_CHANGE_REQUESTED'
  | 'EMAIL_CHANGED'
  | 'EMAIL_VERIFIED'
  | 'SESSION_REVOKED'
  | 'SIGNED_OUT_EVERYWHERE'
  | 'SECOND_FACTORS_RESET'
  | 'ACCOUNT_DELETED'
  | (string & {});

/**
 * One entry of an account's security log: what happened, when, and from where (the client's address
 * and user agent, the session). Never a password, a token or a hash. Deleting the account deletes its
 * entries; what stays is one `ACCOUNT_DELETED` entry without a user, an address or a user agent.
 */
@Entity({ tableName: 'security_events' })
@Index({ name: 'security_events_user_id_index', properties: ['user', 'id'] })
@Index({ name: 'security_events_created_index', properties: ['createdAt'] })
export class SecurityEvent {
  [OptionalProps]?: 'id' | 'user' | 'ipAddress' | 'userAgent' | 'sessionId';

  /** In the order entries were written: the log's order (clocks of several instances may disagree). */
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id: string;

  /** Null only for the record that an account (no longer named) was deleted. */
  @ManyToOne(() => User, { deleteRule: 'cascade', ref: true, nullable: true })
  user?: Ref<User> | null;

  @Property({ type: 'string', length: 40 })
  type: SecurityEventType;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date;

  @Property({ type: 'string', length: 64, nullable: true })
  ipAddress?: string | null;

  @Property({ type: 'string', length: 512, nullable: true })
  userAgent?: string | null;

  /** The session it happened in, or the session it is about (one that was signed in, or ended). */
  @Property({ type: 'uuid', nullable: true })
  sessionId?: string | null;
}
