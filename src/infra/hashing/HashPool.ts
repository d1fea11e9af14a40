import { Worker } from 'node:worker_threads';
import { DependencyUnavailableError } from '../../core/errors';

/**
 * bcrypt is CPU work: bcryptjs's async API still holds the event loop for tens of milliseconds per call,
 * so every other request would wait behind a login. Hashing runs here, on a fixed set of worker threads.
 * The queue in front of them is bounded in length and in waiting time: under a login storm new hash
 * jobs fail fast (DependencyUnavailableError: SERVICE_UNAVAILABLE to clients) instead of piling up without limit.
 */

type Job =
  | { op: 'hash'; password: string; cost: number }
  | { op: 'compare'; password: string; hash: string };

interface Pending {
  job: Job;
  queuedAt: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  current?: Pending;
  startedAt: number;
  /** Exited and not yet replaced: takes no work. */
  dead?: boolean;
}

// The worker is plain CommonJS passed as a string so it runs the same under tsc output, vitest and
// swc without a build step of its own; bcryptjs is resolved from this package, not from the cwd.
//
// Each worker lowers its own thread's scheduling priority (nice 10; on Linux setpriority with pid 0
// applies to the calling thread only). With as many workers as cores, a login storm would otherwise
// take the CPU from the event loop and every other request would wait behind bcrypt; at a lower
// priority the hashing still uses every core the event loop leaves idle.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
try { require('node:os').setPriority(10); } catch {}
const bcrypt = require(${JSON.stringify(require.resolve('bcryptjs'))});
parentPort.on('message', (job) => {
  try {
    const value = job.op === 'hash' ? bcrypt.hashSync(job.password, job.cost) : bcrypt.compareSync(job.password, job.hash);
    parentPort.postMessage({ ok: true, value });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message || error) });
  }
});
`;

export interface HashPoolOptions {
  threads: number;
  maxQueue: number;
  queueTimeoutMs: number;
  /** Told when a worker thread fails (it is replaced). */
  onWorkerError?: (error: Error) => void;
  /** Told how long each job waited for a thread, in seconds. */
  onWait?: (seconds: number) => void;
}

export class HashPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private closed = false;
  private done = 0;

  constructor(private readonly options: HashPoolOptions) {
    for (let i = 0; i < options.threads; i++) this.slots.push(this.spawn());
  }

  hash(password: string, cost: number): Promise<string> {
    return this.run({ op: 'hash', password, cost }) as Promise<string>;
  }

  compare(password: string, hash: string): Promise<boolean> {
    return this.run({ op: 'compare', password, hash }) as Promise<boolean>;
  }

  /** Jobs finished so far (hashes and compares), for metrics and tests. */
  get completed(): number {
    return this.done;
  }

  /** Jobs waiting for a thread (not counting those running). */
  get queueDepth(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) this.fail(pending, new DependencyUnavailableError('hashing'));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private run(job: Job): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new DependencyUnavailableError('hashing'));
      const pending: Pending = { job, queuedAt: performance.now(), resolve, reject };
      const idle = this.slots.find((slot) => !slot.current && !slot.dead);
      if (idle) return this.dispatch(idle, pending);
      if (this.queue.length >= this.options.maxQueue) return reject(new DependencyUnavailableError('hashing'));
      pending.timer = setTimeout(() => {
        const index = this.queue.indexOf(pending);
        if (index >= 0) this.queue.splice(index, 1);
        reject(new DependencyUnavailableError('hashing'));
      }, this.options.queueTimeoutMs);
      this.queue.push(pending);
    });
  }

  private dispatch(slot: Slot, pending: Pending): void {
    if (pending.timer) clearTimeout(pending.timer);
    this.options.onWait?.((performance.now() - pending.queuedAt) / 1000);
    slot.current = pending;
    slot.worker.postMessage(pending.job);
  }

  private next(slot: Slot): void {
    slot.current = undefined;
    const pending = this.queue.shift();
    if (pending) this.dispatch(slot, pending);
  }

  private fail(pending: Pending, error: Error): void {
    if (pending.timer) clearTimeout(pending.timer);
    pending.reject(error);
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    // Idle workers must not keep a finished process (or a test run) alive.
    worker.unref();
    const slot: Slot = { worker, startedAt: Date.now() };
    worker.on('message', (message: { ok: boolean; value?: unknown; message?: string }) => {
      const pending = slot.current;
      this.next(slot);
      if (!pending) return;
      this.done += 1;
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new Error(`hash worker: ${message.message}`));
    });
    // A worker that dies (crash, out of memory, terminated) takes its job with it: fail that job, and
    // unless the pool is closing, put a fresh thread in its place so the pool keeps its size. 'exit'
    // follows 'error', so it is the one place that handles both.
    worker.on('error', (error) => this.options.onWorkerError?.(error));
    worker.once('exit', () => {
      const pending = slot.current;
      slot.current = undefined;
      slot.dead = true;
      if (pending) this.fail(pending, new DependencyUnavailableError('hashing'));
      if (this.closed) return;
      const replace = () => {
        const index = this.slots.indexOf(slot);
        if (this.closed || index < 0) return;
        const fresh = this.spawn();
        this.slots[index] = fresh;
        const queued = this.queue.shift();
        if (queued) this.dispatch(fresh, queued);
      };
      // A worker that dies as soon as it starts would die again: wait a second rather than spin.
      if (Date.now() - slot.startedAt < 1000) setTimeout(replace, 1000).unref();
      else replace();
    });
    return slot;
  }
}
