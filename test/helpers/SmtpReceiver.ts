import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The `token` query parameter of the first link in the text part. */
  token: string | undefined;
  link: string | undefined;
}

/**
 * A real SMTP server inside the test process: the service delivers to it over SMTP exactly as it would
 * to a mail provider. `stop()` and `start()` on the same port simulate a mail-server outage.
 */
export class SmtpReceiver {
  readonly messages: ReceivedMail[] = [];
  private server?: SMTPServer;
  port = 0;

  async start(): Promise<number> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      // No reverse DNS of the client (loopback): the test machine may have no resolver to ask.
      disableReverseLookup: true,
      // An outage is simulated with stop(): open (pooled) client connections are cut at once, not awaited.
      closeTimeout: 50,
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream).then(
          (mail) => {
            this.messages.push(toReceived(mail));
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  /** Messages to one address so far. */
  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to === address.toLowerCase());
  }

  /** Waits for a message to an address whose link contains `part` (`verify`, `reset`); its link's token. */
  async linkToken(address: string, part: string, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const token = this.to(address).find((m) => m.link?.includes(part))?.token;
      if (token) return token;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no message with a ${part} link for ${address} within ${timeoutMs} ms`);
  }

  /** Waits for the `count`-th message to an address (1 = the first). */
  async waitFor(address: string, count = 1, timeoutMs = 10_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const received = this.to(address);
      if (received.length >= count) return received[count - 1];
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no message #${count} for ${address} within ${timeoutMs} ms`);
  }
}

function toReceived(mail: ParsedMail): ReceivedMail {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  const text = mail.text ?? '';
  const link = /https?:\/\/\S+/.exec(text)?.[0];
  return {
    to: (to?.value[0]?.address ?? '').toLowerCase(),
    subject: mail.subject ?? '',
    text,
    html: typeof mail.html === 'string' ? mail.html : '',
    link,
    token: link ? (new URL(link).searchParams.get('token') ?? undefined) : undefined,
  };
}
