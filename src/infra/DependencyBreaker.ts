import { DependencyUnavailableError } from '../core/errors';
import type { Logger } from './logger';

/** Thrown at once while a dependency is known to be down. */
export class DependencyDownError extends DependencyUnavailableError {
  constructor(dependency: string) {
    super(dependency);
    this.name = 'DependencyDownError';
  }
}

export interface BreakerOptions {
  /** How often a background probe asks the dependency while it is down. */
  probeIntervalMs: number;
}

/**
 * A circuit breaker for one dependency (Redis, PostgreSQL). Once a call has shown the dependency down
 * (no answer in time, no connection), every later call fails at once instead of waiting the whole
 * dependency timeout: during an outage, thousands of requests a second would otherwise each hold a
 * connection, memory and a client for seconds before their 503. A background probe asks the
 * dependency every `probeIntervalMs`; its first answer closes the breaker.
 *
 * Trips only on failures of the dependency itself (callers decide which: an error the server answered
 * with, such as a constraint violation, is not an outage). There is no half-open state letting real
 * requests test the water: the probe does that, so no client request is spent on it.
 */
export class DependencyBreaker {
  private downSince: number | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Counts trips; whatever was set up before the latest one (pooled connections) is suspect. */
  private trips = 0;

  constructor(
    readonly dependency: string,
    /** Must settle within the dependency timeout; resolves when the dependency answers. */
    private readonly probe: () => Promise<unknown>,
    private readonly options: BreakerOptions,
    private readonly logger: Logger,
  ) {}

  get isDown(): boolean {
    return this.downSince !== undefined;
  }

  get generation(): number {
    return this.trips;
  }

  /** Throws DependencyDownError while the dependency is known to be down. */
  check(): void {
    if (this.downSince !== undefined) throw new DependencyDownError(this.dependency);
  }

  /** A call showed the dependency down: fail fast from now on, until the probe gets an answer. */
  trip(reason: string): void {
    if (this.downSince !== undefined || this.closed) return;
    this.downSince = Date.now();
    this.trips += 1;
    this.logger.warn('dependency down: failing fast until it answers', { dependency: this.dependency, reason });
    this.scheduleProbe();
  }

  /** Stops probing (shutdown). */
  close(): void {
    this.closed = true;
    clearTimeout(this.probeTimer);
  }

  private scheduleProbe(): void {
    this.probeTimer = setTimeout(() => {
      this.probe().then(
        () => {
          const downForMs = Date.now() - this.downSince!;
          this.downSince = undefined;
          this.logger.info('dependency back', { dependency: this.dependency, downForMs });
        },
        () => {
          if (!this.closed) this.scheduleProbe();
        },
      );
    }, this.options.probeIntervalMs);
    // A probe must not keep a stopping process alive.
    this.probeTimer.unref();
  }
}
