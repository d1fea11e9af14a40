import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../infra/logger';
import type { ServiceContext, Viewer } from './context';
import type { AccountEvent, EventListener, EventOrigin, OutgoingMail, Tx } from './events';

/** Where outgoing mail goes: a table written in the transaction, sent after commit (infra/mail). */
export interface MailOutbox {
  add(em: EntityManager, message: OutgoingMail, at: Date): void;
  /** Something was queued and committed: send it soon. */
  nudge(): void;
}

/**
 * Runs a service's work in one database transaction, with the follow-up wiring every flow used to do
 * by hand: events published in it reach each module's in-transaction listeners at once (their writes
 * commit or roll back with the change) and its after-commit listeners once it has committed; mail
 * written to the outbox is sent once it has committed.
 */
export class Transactions {
  private readonly listeners: EventListener[] = [];

  constructor(
    private readonly orm: MikroORM,
    private readonly outbox: MailOutbox,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** Modules subscribe at start-up. */
  listen(listener: EventListener): void {
    this.listeners.push(listener);
  }

  async run<T>(context: ServiceContext & { viewer?: Viewer }, work: (tx: Tx) => Promise<T>): Promise<T> {
    const origin: EventOrigin = { at: new Date(this.now()), context, sessionId: context.viewer?.sessionId };
    const published: AccountEvent[] = [];
    let mailed = false;
    const result = await this.orm.em.fork().transactional(async (em) => {
      const lastSteps: Array<() => Promise<unknown>> = [];
      const tx: Tx = {
        em,
        origin,
        publish: async (event) => {
          published.push(event);
          for (const listener of this.listeners) await listener.inTransaction?.(tx, event);
        },
        mail: (message) => {
          this.outbox.add(em, message, origin.at);
          mailed = true;
        },
        beforeCommit: (step) => lastSteps.push(step),
      };
      const answer = await work(tx);
      await em.flush();
      for (const step of lastSteps) await step();
      return answer;
    });
    for (const event of published) {
      for (const listener of this.listeners) {
        if (!listener.afterCommit) continue;
        await listener.afterCommit(event, origin).catch((error: unknown) =>
          this.logger.warn('after-commit work failed; the change stands', { event: event.type, error }),
        );
      }
    }
    if (mailed) this.outbox.nudge();
    return result;
  }
}
