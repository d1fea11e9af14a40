import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { OutgoingMail } from '../../core/events';
import type { MailOutbox } from '../../core/Transactions';
import { throttledErrorLog, type Logger } from '../logger';
import { afterFailure, expiryOf } from './deliveryPolicy';
import { OutboxMessage } from './OutboxMessage';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Delivers one message or throws: SMTP, or the development outbox folder. */
export interface MailTransport {
  send(message: MailMessage): Promise<void>;
  close?(): void;
}

export interface DeliverySettings {
  /** First retry delay; it doubles per attempt (capped at five minutes). */
  retryBaseMs: number;
  /** How often each instance looks for messages that are due (others' retries, a crashed peer's). */
  pollIntervalMs: number;
  /** How long a taken message is reserved for the instance sending it: well above a send's timeout. */
  leaseMs: number;
  /** How long sent and given-up messages (without their bodies) are kept. */
  keepDoneSeconds: number;
  /** A message not delivered after this long is given up (sooner when its link expires sooner). */
  maxAgeSeconds: number;
}

const BATCH = 20;

/**
 * Sends the messages of the outbox table, at least once each, surviving restarts. Any number of
 * instances may run it: each takes due messages with `FOR UPDATE SKIP LOCKED` and reserves them for a
 * lease, so no message is sent by two instances at once. A message whose instance died mid-send is
 * taken again once its lease has passed (the one case where a message can arrive twice: sent, then the
 * instance died before recording it). Sent and abandoned messages lose their bodies at once, and their
 * rows are pruned after `keepDoneSeconds`.
 */
export class MailDelivery implements MailOutbox {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  /** Only a started loop looks for mail; an operator's command leaves its mail to the serving instances. */
  private started = false;
  private readonly reportFailure: (error: unknown) => void;

  constructor(
    private readonly orm: MikroORM,
    private readonly transport: MailTransport,
    private readonly settings: DeliverySettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.reportFailure = throttledErrorLog(logger, 'mail delivery pass failed');
  }

  /** Queues a message in the caller's transaction: it exists once, and only if, the transaction commits. */
  add(em: EntityManager, message: OutgoingMail, at: Date): void {
    em.create(OutboxMessage, {
      recipient: message.to,
      subject: message.subject.slice(0, 200),
      text: message.text,
      html: message.html,
      createdAt: at,
      expiresAt: expiryOf(at, this.settings.maxAgeSeconds, message.linkTtlSeconds),
      nextAttemptAt: at,
    });
  }

  /** Starts looking for due messages every poll interval. */
  start(): void {
    this.started = true;
    this.schedule(0);
  }

  /** Something was just queued: look now rather than at the next poll. */
  nudge(): void {
    if (this.closed || !this.started) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Stops polling and waits for the sends in progress (their messages are recorded either way). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
    this.transport.close?.();
  }

  /**
   * One pass: takes the due messages (a batch at a time) and tries each. Returns how many were sent.
   * The loop calls it; tests call it directly.
   */
  async deliverDue(): Promise<number> {
    let sent = 0;
    for (;;) {
      const taken = await this.take();
      const results = await Promise.all(taken.map((message) => this.attempt(message)));
      sent += results.filter(Boolean).length;
      if (taken.length < BATCH || this.closed) return sent;
    }
  }

  /** Deletes sent and abandoned messages older than `keepDoneSeconds`; returns how many. */
  async prune(): Promise<number> {
    const before = new Date(this.now() - this.settings.keepDoneSeconds * 1000);
    return this.orm.em.fork().nativeDelete(OutboxMessage, {
      $or: [{ sentAt: { $lt: before } }, { gaveUpAt: { $lt: before } }],
    });
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pass(), delayMs);
    this.timer.unref();
  }

  private pass(): void {
    if (this.closed || this.running) return;
    this.running = this.deliverDue()
      .then(
        () => undefined,
        (error: unknown) => this.reportFailure(error),
      )
      .finally(() => {
        this.running = undefined;
        if (this.closed) return;
        const again = this.again;
        this.again = false;
        this.schedule(again ? 0 : this.settings.pollIntervalMs);
      });
  }

  /** Reserves up to a batch of due messages for this instance, in one statement. */
  private async take(): Promise<OutboxMessage[]> {
    const now = new Date(this.now());
    const em = this.orm.em.fork();
    const rows = await em.execute<Array<Record<string, unknown>>>(
      `update mail_outbox set leased_until = ?, attempts = attempts + 1
       where id in (
         select id from mail_outbox
         where sent_at is null and gave_up_at is null and next_attempt_at <= ?
           and (leased_until is null or leased_until < ?)
         order by next_attempt_at
         limit ?
         for update skip locked)
       returning *`,
      [new Date(now.getTime() + this.settings.leaseMs), now, now, BATCH],
    );
    return rows.map((row) => em.map(OutboxMessage, row));
  }

  private async attempt(message: OutboxMessage): Promise<boolean> {
    const em = this.orm.em.fork();
    const lease = message.leasedUntil!;
    if (message.text === null || message.html === null) return false; // erased: nothing left to send
    try {
      await this.transport.send({ to: message.recipient, subject: message.subject, text: message.text, html: message.html });
    } catch (error) {
      await this.failed(em, message, lease, error);
      return false;
    }
    // Recorded only under our lease: had it run out and another instance taken the message, theirs wins.
    await this.record(em, message, lease, { sentAt: new Date(this.now()), text: null, html: null, leasedUntil: null });
    if (message.attempts > 1) this.logger.info('mail delivered after retry', { subject: message.subject, attempts: message.attempts });
    return true;
  }

  private async failed(em: EntityManager, message: OutboxMessage, lease: Date, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const next = afterFailure(message, new Date(this.now()), this.settings.retryBaseMs);
    if (next.kind === 'give-up') {
      this.logger.error('mail not delivered; giving up', { subject: message.subject, attempts: message.attempts, reason });
      await this.record(em, message, lease, { gaveUpAt: new Date(this.now()), text: null, html: null, leasedUntil: null });
      return;
    }
    const retryInMs = next.at.getTime() - this.now();
    this.logger.warn('mail not delivered; will retry', { subject: message.subject, attempts: message.attempts, retryInMs, reason });
    await this.record(em, message, lease, { nextAttemptAt: next.at, leasedUntil: null });
  }

  private async record(em: EntityManager, message: OutboxMessage, lease: Date, changes: Partial<OutboxMessage>): Promise<void> {
    try {
      await em.nativeUpdate(OutboxMessage, { id: message.id, leasedUntil: lease }, changes);
    } catch (error) {
      // The database is away: the lease runs out and the message is taken again (perhaps sent twice).
      this.logger.warn('mail delivery not recorded; it will be retried', { subject: message.subject, error });
    }
  }
}
