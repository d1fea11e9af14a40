import { describe, expect, it } from 'vitest';
import { DependencyBreaker, DependencyDownError } from '../../src/infra/DependencyBreaker';
import { isConnectivityFailure } from '../../src/infra/dependencyFailures';
import { createLogger } from '../../src/infra/logger';

function setup(answers: boolean[]) {
  const lines: Array<Record<string, unknown>> = [];
  let probes = 0;
  const breaker = new DependencyBreaker(
    'redis',
    async () => {
      probes += 1;
      if (!(answers.shift() ?? true)) throw new Error('still down');
    },
    { probeIntervalMs: 5 },
    createLogger('info', { write: (line) => lines.push(JSON.parse(line)) }),
  );
  return { breaker, lines, probes: () => probes };
}

describe('DependencyBreaker', () => {
  it('lets calls through until tripped, then fails them at once until a probe gets an answer', async () => {
    const { breaker, lines, probes } = setup([false, false, true]);
    expect(() => breaker.check()).not.toThrow();
    breaker.trip('no answer in time');
    breaker.trip('no answer in time'); // already down: one log line, one probe loop
    expect(() => breaker.check()).toThrow(DependencyDownError);
    expect(breaker.generation).toBe(1);
    await expect.poll(() => breaker.isDown, { timeout: 2000, interval: 5 }).toBe(false);
    expect(probes()).toBe(3);
    expect(lines.map((l) => l.msg)).toEqual(['dependency down: failing fast until it answers', 'dependency back']);
    expect(lines[0]).toMatchObject({ level: 'warn', dependency: 'redis', reason: 'no answer in time' });
    // Tripping again starts a new generation: what was set up before it is suspect.
    breaker.trip('again');
    expect(breaker.generation).toBe(2);
    breaker.close();
  });

  it('stops probing when closed', async () => {
    const { breaker, probes } = setup(Array(100).fill(false));
    breaker.trip('down');
    await expect.poll(probes, { interval: 5 }).toBeGreaterThan(1);
    breaker.close();
    const seen = probes();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(probes()).toBeLessThanOrEqual(seen + 1);
  });
});

describe('isConnectivityFailure', () => {
  const serverError = (code: string) => Object.assign(new Error('from server'), { code, severity: 'ERROR' });
  it('is true for no connection, no answer and server shutdowns; false for the fate of one query', () => {
    expect(isConnectivityFailure(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectivityFailure(new Error('Query read timeout'))).toBe(true);
    expect(isConnectivityFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectivityFailure(serverError('57P01'))).toBe(true); // admin shutdown
    expect(isConnectivityFailure(serverError('08006'))).toBe(true);
    expect(isConnectivityFailure(serverError('57014'))).toBe(false); // statement timeout
    expect(isConnectivityFailure(serverError('40P01'))).toBe(false); // deadlock
    expect(isConnectivityFailure(serverError('23505'))).toBe(false); // unique violation
  });
});
