import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../helpers/services';
import { startService, type SpawnedService } from '../helpers/spawnService';
import { createTestDatabase, deleteRedisPrefix } from '../helpers/testApp';

/**
 * A deploy sends SIGTERM while clients keep connections alive. Nothing a client sent may be reset:
 * a reset POST leaves the client unable to know whether it took effect.
 */

const QUERY = JSON.stringify({ query: '{ me { id } }' });

interface Reply {
  status: number;
  connection: string | undefined;
  reusedSocket: boolean;
}

function post(url: URL, agent: Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(QUERY) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, reusedSocket: req.reusedSocket }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(QUERY);
  });
}

let service: SpawnedService | undefined;
let cleanup: Array<() => Promise<unknown>> = [];

async function start(env: Record<string, string> = {}) {
  const db = await createTestDatabase();
  const prefix = `drain:${randomBytes(6).toString('hex')}:`;
  const dir = mkdtempSync(path.join(tmpdir(), 'auth-drain-'));
  cleanup.push(
    () => db.drop(),
    () => deleteRedisPrefix(prefix),
    async () => rmSync(dir, { recursive: true, force: true }),
  );
  service = await startService(
    {
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      JWT_SECRET: `drain-${randomBytes(16).toString('hex')}`,
      ...env,
    },
    dir,
  );
  return new URL(service.url);
}

afterEach(async () => {
  await service?.stop();
  for (const step of cleanup) await step();
  cleanup = [];
  service = undefined;
});

describe('SIGTERM with kept-alive clients', () => {
  it('resets none of 20 clients looping through it: the last response on each connection says Connection: close', async () => {
    const url = await start();
    let signalled = false;
    const outcomes: Array<{ replies: number; afterSignal: number; last?: Reply; ended?: string }> = [];

    const client = async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const outcome: (typeof outcomes)[number] = { replies: 0, afterSignal: 0 };
      outcomes.push(outcome);
      try {
        for (;;) {
          const reply = await post(url, agent);
          expect(reply.status).toBe(200);
          outcome.replies += 1;
          if (signalled) outcome.afterSignal += 1;
          outcome.last = reply;
        }
      } catch (error) {
        // ECONNREFUSED: the next connection was refused, so the client knows its request was not sent.
        // Anything else (ECONNRESET, "socket hang up") is a request lost in flight.
        outcome.ended = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      } finally {
        agent.destroy();
      }
    };

    const clients = Array.from({ length: 20 }, client);
    await expect.poll(() => outcomes.every((o) => o.replies >= 5), { timeout: 10_000 }).toBe(true);
    signalled = true;
    const exited = service!.stop();
    await Promise.all(clients);

    expect(outcomes.map((o) => o.ended)).toEqual(Array(20).fill('ECONNREFUSED'));
    expect(outcomes.map((o) => o.last?.connection)).toEqual(Array(20).fill('close'));
    // They kept being answered after the signal, until each was told to close.
    expect(outcomes.reduce((sum, o) => sum + o.afterSignal, 0)).toBeGreaterThanOrEqual(20);
    expect(await exited).toBe(0);
  }, 60_000);

  it('answers a request that arrives on an idle kept-alive connection after the signal, then closes it', async () => {
    const url = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await post(url, agent);
      expect(first.connection).toBe('keep-alive');
      const exited = service!.stop();
      // Idle for a moment while the service drains: Node's own server.close() would close it now.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const second = await post(url, agent);
      expect(second).toEqual({ status: 200, connection: 'close', reusedSocket: true });
      await expect(post(url, agent)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect(await exited).toBe(0);
    } finally {
      agent.destroy();
    }
  }, 30_000);
});
