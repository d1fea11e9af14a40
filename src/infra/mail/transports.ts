import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../logger';
import type { MailMessage, MailTransport } from './MailDelivery';

/** Sends through an SMTP server (SMTP_URL, e.g. smtp://user:pass@mail.example:587). */
export class SmtpTransport implements MailTransport {
  private readonly transporter: Transporter;

  constructor(url: string, private readonly from: string, timeoutMs = 10_000) {
    // Pooled: when the server comes back, queued retries share a few connections instead of each
    // opening its own. Timeouts bound how long a send (and shutdown) can hang on a stuck server.
    this.transporter = nodemailer.createTransport({
      url,
      pool: true,
      maxConnections: 2,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    } as never);
  }

  async send(message: MailMessage): Promise<void> {
    await this.transporter.sendMail({ from: this.from, ...message });
  }

  close(): void {
    this.transporter.close();
  }
}

/**
 * Development without SMTP_URL: each message becomes an .eml file in the outbox folder (open it in a
 * mail client) and a log line with its text, so a person can follow the links.
 */
export class OutboxTransport implements MailTransport {
  private readonly builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    private readonly dir: string,
    private readonly from: string,
    private readonly logger: Logger,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const built = (await this.builder.sendMail({ from: this.from, ...message })) as unknown as { message: Buffer };
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`);
    await writeFile(file, built.message);
    this.logger.info('mail written to outbox (no SMTP_URL)', { to: message.to, subject: message.subject, file, text: message.text });
  }
}
