import type { Logger } from '../infra/logger';

/**
 * Work that runs once an answer has gone out, for requests whose answer must not depend on it: "we
 * sent a link if the account exists" must come at once and look the same either way, so the lookup,
 * the token and the mail happen after it (OWASP Authentication Cheat Sheet, "Authentication and Error
 * Messages"). Bounded: beyond `max` at a time, requests are dropped and logged.
 */
export class AfterAnswer {
  private pending = 0;

  constructor(
    private readonly logger: Logger,
    private readonly max = 100,
  ) {}

  run(what: string, task: () => Promise<void>): void {
    if (this.pending >= this.max) {
      this.logger.warn(`${what} dropped: too many in progress`);
      return;
    }
    this.pending += 1;
    setImmediate(() => {
      task()
        .catch((error: unknown) => this.logger.error(`${what} failed`, { error }))
        .finally(() => (this.pending -= 1));
    });
  }
}
