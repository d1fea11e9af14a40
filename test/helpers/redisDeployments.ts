import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A real Redis Cluster on loopback: `nodes` masters (`redis-server --cluster-enabled yes`, no
 * replicas), joined with `redis-cli --cluster create`. Started and stopped by the test that uses it;
 * nothing is written outside its own temporary folder.
 */
export interface RedisCluster {
  ports: number[];
  urls: string[];
  /** Kills one node (SIGKILL), as a crashed server. */
  killNode(port: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisCluster(nodes = 3): Promise<RedisCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'auth-redis-cluster-'));
  const ports: number[] = [];
  while (ports.length < nodes) {
    const port = await freeClusterPort();
    if (!ports.includes(port)) ports.push(port);
  }
  const servers: ChildProcess[] = ports.map((port) =>
    spawn(
      'redis-server',
      [
        '--port', String(port),
        '--bind', '127.0.0.1',
        '--cluster-enabled', 'yes',
        '--cluster-config-file', `nodes-${port}.conf`,
        '--cluster-node-timeout', '2000',
        '--save', '',
        '--appendonly', 'no',
        '--dir', dir,
      ],
      { stdio: 'ignore' },
    ),
  );
  const stop = async () => {
    for (const server of servers) server.kill('SIGKILL');
    await Promise.all(
      servers.map((server) => (server.exitCode === null && server.signalCode === null ? new Promise((r) => server.once('exit', r)) : null)),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitFor(async () => (await cli(port, 'ping')).trim() === 'PONG');
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    // Every node must agree the cluster is up (all 16384 slots served) before clients use it.
    for (const port of ports) await waitFor(async () => (await cli(port, 'cluster', 'info')).includes('cluster_state:ok'));
    const killNode = async (port: number) => {
      const server = servers[ports.indexOf(port)];
      server.kill('SIGKILL');
      if (server.exitCode === null && server.signalCode === null) await new Promise((r) => server.once('exit', r));
    };
    return { ports, urls: ports.map((p) => `redis://127.0.0.1:${p}`), killNode, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A Redis master and one Sentinel watching it (quorum 1) on loopback, as `REDIS_SENTINEL_URLS` would
 * point to in production. `redis-server --sentinel` is the same binary Debian ships as redis-sentinel.
 */
export interface RedisSentinel {
  masterPort: number;
  sentinelUrl: string;
  masterName: string;
  stop(): Promise<void>;
}

export async function startRedisSentinel(masterName = 'authmaster'): Promise<RedisSentinel> {
  const dir = mkdtempSync(path.join(tmpdir(), 'auth-redis-sentinel-'));
  const masterPort = await freeClusterPort();
  let sentinelPort = await freeClusterPort();
  while (sentinelPort === masterPort) sentinelPort = await freeClusterPort();
  const master = spawn('redis-server', ['--port', String(masterPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  const config = path.join(dir, 'sentinel.conf');
  writeFileSync(
    config,
    [
      `port ${sentinelPort}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 1`,
      `sentinel down-after-milliseconds ${masterName} 2000`,
      '',
    ].join('\n'),
  );
  const sentinel = spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' });
  const servers = [master, sentinel];
  const stop = async () => {
    for (const server of servers) server.kill('SIGKILL');
    await Promise.all(servers.map((server) => (server.exitCode === null ? new Promise((r) => server.once('exit', r)) : null)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await cli(masterPort, 'ping')).trim() === 'PONG');
    await waitFor(async () => (await cli(sentinelPort, 'sentinel', 'get-master-addr-by-name', masterName)).includes(String(masterPort)));
    return { masterPort, sentinelUrl: `redis://127.0.0.1:${sentinelPort}`, masterName, stop };
  } catch (error) {
    await stop();
    throw error;
  }
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
    if (Date.now() > deadline) throw new Error('redis cluster did not come up in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A port that is free, and whose cluster bus port (port + 10000) is free too (any Redis will do). */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 10000);
    if ((await isFree(port)) && (await isFree(port + 10000))) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
