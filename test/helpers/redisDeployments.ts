import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Real Redis deployments on loopback, started and stopped by the tests that use them; nothing is
 * written outside their own temporary folder. Each server logs to a file there, and a start that fails
 * says why (a port taken between choosing and binding is retried with new ports).
 */

/** A running group of redis-server processes. */
class Servers {
  private readonly byPort = new Map<number, ChildProcess>();

  constructor(readonly dir: string) {}

  start(port: number, args: string[]): void {
    const child = spawn('redis-server', [...args, '--logfile', this.logFile(port)], { stdio: 'ignore' });
    this.byPort.set(port, child);
  }

  async kill(port: number): Promise<void> {
    const child = this.byPort.get(port);
    if (!child) return;
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.byPort.keys()].map((port) => this.kill(port)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The end of each server's log, for an error message. */
  logs(): string {
    return [...this.byPort.keys()]
      .map((port) => {
        const file = this.logFile(port);
        const tail = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').slice(-3).join('\n    ') : '(no log)';
        return `  ${port}:\n    ${tail}`;
      })
      .join('\n');
  }

  private logFile(port: number): string {
    return path.join(this.dir, `redis-${port}.log`);
  }
}

/** Up to three attempts, each on new ports, so a port taken meanwhile by another process is survived. */
async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i === 3) throw error;
    }
  }
}

export interface RedisCluster {
  /** Every node, masters first. */
  ports: number[];
  /** Seed URLs for the service (every node). */
  urls: string[];
  /** Kills one node (SIGKILL), as a crashed server. */
  killNode(port: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A Redis Cluster: `masters` masters, each with `replicasPerMaster` replicas
 * (`redis-server --cluster-enabled yes`, joined with `redis-cli --cluster create`). A replica takes over
 * a dead master about `cluster-node-timeout` (2 s) later.
 */
export function startRedisCluster(masters = 3, replicasPerMaster = 0): Promise<RedisCluster> {
  return withRetries(async () => {
    const servers = new Servers(mkdtempSync(path.join(tmpdir(), 'auth-redis-cluster-')));
    const ports = await freePorts(masters * (1 + replicasPerMaster));
    try {
      for (const port of ports) {
        servers.start(port, [
          '--port', String(port),
          '--bind', '127.0.0.1',
          '--cluster-enabled', 'yes',
          '--cluster-config-file', `nodes-${port}.conf`,
          '--cluster-node-timeout', '2000',
          // Replicas sync at once (the default waits 5 s for more replicas to share one transfer).
          '--repl-diskless-sync-delay', '0',
          '--save', '',
          '--appendonly', 'no',
          '--dir', servers.dir,
        ]);
      }
      for (const port of ports) await waitFor(async () => (await cli(port, 'ping')).trim() === 'PONG');
      await run('redis-cli', [
        '--cluster', 'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas', String(replicasPerMaster),
        '--cluster-yes',
      ]);
      // Every node must agree the cluster is up (all 16384 slots served) before clients use it.
      for (const port of ports) await waitFor(async () => (await cli(port, 'cluster', 'info')).includes('cluster_state:ok'));
      // A replica that never finished its first sync does not take over from a dead master.
      for (const port of ports) {
        await waitFor(async () => {
          const info = await cli(port, 'info', 'replication');
          return info.includes('role:master') || info.includes('master_link_status:up');
        });
      }
      return {
        ports,
        urls: ports.map((p) => `redis://127.0.0.1:${p}`),
        killNode: (port) => servers.kill(port),
        stop: () => servers.stop(),
      };
    } catch (error) {
      const logs = servers.logs();
      await servers.stop();
      throw new Error(`redis cluster did not start: ${(error as Error).message}\n${logs}`);
    }
  });
}

export interface RedisSentinel {
  masterPort: number;
  sentinelUrl: string;
  masterName: string;
  stop(): Promise<void>;
}

/**
 * A Redis master and one Sentinel watching it (quorum 1), as `REDIS_SENTINEL_URLS` would point to in
 * production. `redis-server --sentinel` is the same binary Debian ships as redis-sentinel. With
 * `masterPassword`, the master requires it (the Sentinel is told it) while the Sentinel itself takes
 * no password, a common setup.
 */
export function startRedisSentinel(options: { masterName?: string; masterPassword?: string } = {}): Promise<RedisSentinel> {
  const masterName = options.masterName ?? 'authmaster';
  return withRetries(async () => {
    const servers = new Servers(mkdtempSync(path.join(tmpdir(), 'auth-redis-sentinel-')));
    const [masterPort, sentinelPort] = await freePorts(2);
    try {
      const auth = options.masterPassword ? ['--requirepass', options.masterPassword] : [];
      servers.start(masterPort, ['--port', String(masterPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', servers.dir, ...auth]);
      const config = path.join(servers.dir, 'sentinel.conf');
      writeFileSync(
        config,
        [
          `port ${sentinelPort}`,
          'bind 127.0.0.1',
          `dir ${servers.dir}`,
          `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 1`,
          `sentinel down-after-milliseconds ${masterName} 2000`,
          ...(options.masterPassword ? [`sentinel auth-pass ${masterName} ${options.masterPassword}`] : []),
          '',
        ].join('\n'),
      );
      servers.start(sentinelPort, [config, '--sentinel']);
      const password = options.masterPassword ? ['-a', options.masterPassword, '--no-auth-warning'] : [];
      await waitFor(async () => (await cli(masterPort, ...password, 'ping')).trim() === 'PONG');
      await waitFor(async () => (await cli(sentinelPort, 'sentinel', 'get-master-addr-by-name', masterName)).includes(String(masterPort)));
      return { masterPort, sentinelUrl: `redis://127.0.0.1:${sentinelPort}`, masterName, stop: () => servers.stop() };
    } catch (error) {
      const logs = servers.logs();
      await servers.stop();
      throw new Error(`redis sentinel did not start: ${(error as Error).message}\n${logs}`);
    }
  });
}

/** Runs a redis-cli command against one node (not following redirects). */
export async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
  return stdout;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error('not up in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Distinct free ports whose cluster bus ports (port + 10000) are free too. Both stay below Linux's
 * ephemeral range (32768 and up), where outgoing connections could take them.
 */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20000 + Math.floor(Math.random() * 2700);
    if (!ports.includes(port) && (await isFree(port)) && (await isFree(port + 10000))) ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
