import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { User } from '../users/User';

/**
 * One signed-in device or browser, opened by the login flow and kept alive by refreshing. Durable in
 * PostgreSQL, so sessions outlive a Redis restart; the Redis allowlist only holds the short-lived
 * access tokens issued within a session.
 */
@Entity({ tableName: 'sessions' })
@Index({ name: 'sessions_user_id_index', properties: ['user'] })
export class Session {
  [OptionalProps]?: 'id' | 'revokedAt' | 'userAgent' | 'ipAddress';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  // Deleting a user deletes their sessions (and, through them, their refresh tokens).
  @ManyToOne(() => User, { deleteRule: 'cascade', ref: true })
  user: Ref<User>;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date;

  /** Last sign-in or refresh; the idle lifetime counts from here. */
  @Property({ type: 'datetime', length: 3 })
  lastUsedAt: Date;

  /** The absolute end of the session, however active it is. */
  @Property({ type: 'datetime', length: 3 })
  expiresAt: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  revokedAt?: Date | null;

  /**
   * How the user proved who they are when this session was opened or last re-checked: RFC 8176
   * authentication method references (`pwd`, `otp`, `hwk`, `fed`...). Access tokens carry them as `amr`.
   */
  @Property({ type: 'text[]' })
  authMethods: string[];

  /** When the user last proved who they are in this session: the tokens' `auth_time`. */
  @Property({ type: 'datetime', length: 3 })
  authTime: Date;

  @Property({ type: 'string', length: 512, nullable: true })
  userAgent?: string | null;

  /** The client's address as seen through the configured number of trusted proxies. */
  @Property({ type: 'string', length: 64, nullable: true })
  ipAddress?: string | null;
}
