import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics, in a registry of this server's own (several servers may share a process in
 * tests). Labels only take values bounded by the schema and the code, never client-chosen strings.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'auth_http_requests_total',
    help: 'HTTP requests by operation (kind and root fields) and outcome (ok or an error code).',
    labelNames: ['operation', 'outcome'],
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: 'auth_http_request_duration_seconds',
    help: 'HTTP request duration by operation.',
    labelNames: ['operation'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly authResults = new Counter({
    name: 'auth_results_total',
    help: 'Outcomes of register, login, finishExternalSignIn and refreshToken by result type.',
    labelNames: ['operation', 'result'],
    registers: [this.registry],
  });

  readonly allowlistChecks = new Counter({
    name: 'auth_allowlist_checks_total',
    help: 'Access-token allowlist checks by result (live or revoked).',
    labelNames: ['result'],
    registers: [this.registry],
  });

  readonly hashWait = new Histogram({
    name: 'auth_hash_queue_wait_seconds',
    help: 'Time a bcrypt job waited for a hashing thread.',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(hashQueueDepth: () => number, dependenciesDown: () => Record<string, boolean> = () => ({})) {
    new Gauge({
      name: 'auth_dependency_up',
      help: 'Whether a dependency is taking requests (0 while its circuit breaker is open and requests fail fast).',
      labelNames: ['dependency'],
      registers: [this.registry],
      collect() {
        for (const [dependency, down] of Object.entries(dependenciesDown())) this.set({ dependency }, down ? 0 : 1);
      },
    });
    new Gauge({
      name: 'auth_hash_queue_depth',
      help: 'bcrypt jobs waiting for a hashing thread.',
      registers: [this.registry],
      collect() {
        this.set(hashQueueDepth());
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'auth_' });
  }
}
