import { randomUUID } from 'node:crypto';
import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A message waiting to be sent, written in the same transaction as the change that causes it (a reset
 * link with its token, a "your password was changed" notice with the change): if the change commits,
 * the message is on disk; if it rolls back, there is none. `MailDelivery` sends it at least once, with
 * back-off, from whichever instance takes it first.
 */
@Entity({ tableName: 'mail_outbox' })
@Index({
  name: 'mail_outbox_due_index',
  expression: 'create index "mail_outbox_due_index" on "mail_outbox" ("next_attempt_at") where "sent_at" is null and "gave_up_at" is null',
})
export class OutboxMessage {
  [OptionalProps]?: 'id' | 'attempts' | 'leasedUntil' | 'sentAt' | 'gaveUpAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 254 })
  recipient: string;

  @Property({ type: 'string', length: 200 })
  subject: string;

  /** Erased once the message is sent or given up: a body may hold a link token. */
  @Property({ type: 'text', nullable: true })
  text: string | null;

  @Property({ type: 'text', nullable: true })
  html: string | null;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date;

  /** Sending is abandoned after this: the message's link has expired, or it is older than MAIL_MAX_AGE. */
  @Property({ type: 'datetime', length: 3 })
  expiresAt: Date;

  @Property({ type: 'integer' })
  attempts: number = 0;

  @Property({ type: 'datetime', length: 3 })
  nextAttemptAt: Date;

  /** While in the future, one instance is sending this message and no other takes it. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  leasedUntil?: Date | null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  sentAt?: Date | null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  gaveUpAt?: Date | null;
}
