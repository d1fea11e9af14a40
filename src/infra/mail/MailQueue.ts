import type { Logger } from '../logger';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Delivers one message or throws; `SmtpTransport` and `OutboxTransport` implement it. */
export interface MailTransport {
  send(message: MailMessage): Promise<void>;
  close?(): void;
}

/**
 * Sending never slows down or fails a GraphQL response: callers enqueue and move on. Each message is
 * tried, and on failure retried with exponential back-off (base, 2x base, 4x base ... capped at one
 * minute) up to `maxAttempts`; every failure is logged, without the body (it carries a token).
 *
 * The queue lives in this process: messages waiting for a retry are lost if the process stops.
 */
export class MailQueue {
  /** Scheduled retries, with the subject of the message each one will resend. */
  private readonly timers = new Map<NodeJS.Timeout, string>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly transport: MailTransport,
    private readonly options: { retryBaseMs: number; maxAttempts: number },
    private readonly logger: Logger,
  ) {}

  enqueue(message: MailMessage): void {
    if (this.closed) return void this.logger.error('mail dropped: shutting down', { subject: message.subject });
    this.attempt(message, 1);
  }

  /** Waits for sends in progress, cancels pending retries. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [timer, subject] of this.timers) {
      clearTimeout(timer);
      this.logger.error('mail not delivered: retry cancelled by shutdown', { subject });
    }
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
    this.transport.close?.();
  }

  private attempt(message: MailMessage, attempt: number): void {
    const sending = this.transport.send(message).then(
      () => {
        if (attempt > 1) this.logger.info('mail delivered after retry', { subject: message.subject, attempt });
      },
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        if (attempt >= this.options.maxAttempts || this.closed) {
          this.logger.error('mail not delivered; giving up', { subject: message.subject, attempt, reason });
          return;
        }
        const delay = Math.min(this.options.retryBaseMs * 2 ** (attempt - 1), 60_000);
        this.logger.warn('mail not delivered; will retry', { subject: message.subject, attempt, retryInMs: delay, reason });
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.attempt(message, attempt + 1);
        }, delay);
        this.timers.set(timer, message.subject);
      },
    );
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
  }
}
