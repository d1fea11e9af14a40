import { readdirSync, readFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, it } from 'vitest';
import { HashPool } from '../../src/infra/hashing/HashPool';
import { DependencyUnavailableError } from '../../src/core/errors';

const pools: HashPool[] = [];
const pool = (options: ConstructorParameters<typeof HashPool>[0]) => {
  const p = new HashPool(options);
  pools.push(p);
  return p;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('HashPool', () => {
  it('hashes and compares with bcrypt in worker threads', async () => {
    const p = pool({ threads: 2, maxQueue: 10, queueTimeoutMs: 5000 });
    const hash = await p.hash('secret', 4);
    expect(hash).toMatch(/^\$2b\$04\$/);
    expect(bcrypt.compareSync('secret', hash)).toBe(true);
    expect(await p.compare('secret', hash)).toBe(true);
    expect(await p.compare('other', hash)).toBe(false);
    expect(p.completed).toBe(3);
  });

  it.runIf(process.platform === 'linux')('runs its threads below the event loop\'s priority (nice 10)', async () => {
    const niceOfThreads = () =>
      readdirSync('/proc/self/task').map((tid) => {
        // Fields after the "(comm)" part; nice is field 19 of the line, the 17th after it.
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      });
    const before = niceOfThreads().filter((nice) => nice === 10).length;
    const p = pool({ threads: 2, maxQueue: 10, queueTimeoutMs: 5000 });
    await Promise.all([p.hash('a', 4), p.hash('b', 4)]);
    expect(niceOfThreads().filter((nice) => nice === 10).length - before).toBe(2);
    expect(niceOfThreads()[0]).toBe(0); // the main thread is untouched
  });

  it('completes many more concurrent jobs than it has threads', async () => {
    const p = pool({ threads: 2, maxQueue: 100, queueTimeoutMs: 10_000 });
    const hashes = await Promise.all(Array.from({ length: 20 }, (_, i) => p.hash(`pw${i}`, 4)));
    expect(new Set(hashes).size).toBe(20);
    expect(await p.compare('pw7', hashes[7])).toBe(true);
  });

  it('refuses new work at once when the queue is full', async () => {
    const p = pool({ threads: 1, maxQueue: 1, queueTimeoutMs: 10_000 });
    const running = p.hash('a', 12);
    const queued = p.hash('b', 4);
    await expect(p.hash('c', 4)).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(p.queueDepth).toBe(1);
    await Promise.all([running, queued]);
  });

  it('gives up on a job that waited too long for a thread', async () => {
    const p = pool({ threads: 1, maxQueue: 10, queueTimeoutMs: 100 });
    const running = p.hash('a', 13);
    await expect(p.hash('b', 4)).rejects.toBeInstanceOf(DependencyUnavailableError);
    await running;
  });

  it('reports a bad job as an error and keeps serving', async () => {
    const p = pool({ threads: 1, maxQueue: 10, queueTimeoutMs: 5000 });
    await expect(p.compare('x', 'not a bcrypt hash')).resolves.toBe(false);
    await expect(p.hash(undefined as unknown as string, 4)).rejects.toThrow(/hash worker/);
    expect(await p.hash('still works', 4)).toMatch(/^\$2b\$/);
  });

  it('fails the job of a worker that dies, replaces the worker, and keeps serving', async () => {
    const p = pool({ threads: 1, maxQueue: 10, queueTimeoutMs: 10_000 });
    const running = p.hash('a', 14);
    const failed = expect(running).rejects.toBeInstanceOf(DependencyUnavailableError);
    const queued = p.hash('b', 4);
    // Kill the thread mid-job, as a crash or an out-of-memory would.
    await (p as unknown as { slots: Array<{ worker: { terminate(): Promise<number> } }> }).slots[0].worker.terminate();
    await failed;
    expect(await queued).toMatch(/^\$2b\$04\$/);
    expect(await p.compare('b', await queued)).toBe(true);
  });

  it('fails running and queued jobs on close instead of leaving them pending', async () => {
    const p = pool({ threads: 1, maxQueue: 10, queueTimeoutMs: 10_000 });
    const outcomes = Promise.allSettled([p.hash('a', 14), p.hash('b', 4)]);
    await p.close();
    for (const outcome of await outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(DependencyUnavailableError);
    }
  });

  it('refuses work after close', async () => {
    const p = pool({ threads: 1, maxQueue: 10, queueTimeoutMs: 5000 });
    await p.close();
    await expect(p.hash('x', 4)).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
