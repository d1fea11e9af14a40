import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import autocannon from 'autocannon';
import bcrypt from 'bcryptjs';
import { Client } from 'pg';
import { createClient } from 'redis';
import { createRequestHandler } from '../src/http/handler';
import { Router } from '../src/http/router';
import { silentLogger } from '../src/infra/logger';
import { HOSTILE_DOCUMENTS } from '../test/helpers/hostileDocuments';

/**
 * `npm run bench`: starts the service against the real PostgreSQL and Redis, drives it over loopback
 * with autocannon and prints one table. Ratios are measured within this one run, against:
 *  - the framework ceiling: the same Apollo Server behind the same node:http handler, answering a
 *    constant `me` with no authentication, in a process of its own;
 *  - the hashing ceiling: cores / the time of one bcrypt hash at the configured cost, measured here.
 * Not a test: nothing here asserts; the numbers go in the README.
 */

const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BCRYPT_COST = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
/** Alternating rounds of authenticated `me` and the framework ceiling. */
const ROUNDS = 3;
const ROOT = path.resolve(__dirname, '..');
const ME = '{ me { id email firstName } }';
const LOG_FILE = path.join(tmpdir(), 'auth-bench-service.log');
const SERVICE_NODE_OPTIONS = process.env.BENCH_NODE_OPTIONS ?? '';
const SERVICE_CGROUP = process.env.BENCH_CGROUP ?? '';

if (process.argv.includes('--baseline-server')) void baselineServer();
else void main();

/** The framework ceiling: Apollo + our HTTP handler, constant `me`, no auth, no database. */
async function baselineServer(): Promise<void> {
  const apollo = new ApolloServer<{ trace: object }>({
    typeDefs: 'type User { id: ID! email: String! firstName: String! } type Query { me: User }',
    resolvers: { Query: { me: () => ({ id: '1', email: 'a@example.com', firstName: 'Ada' }) } },
  });
  await apollo.start();
  const handler = createRequestHandler(
    apollo,
    () => ({ trace: {} }),
    { maxBodyBytes: 65536, corsOrigins: [], router: new Router([]), serviceContext: (_req, requestId) => ({ requestId, client: {} }) },
    silentLogger,
  );
  const server = createServer(handler).listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql` })}\n`);
  });
}

/** A free loopback port, so the service's URL is known before it logs anything. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the built service as `npm start` does (`npm run bench` builds first) and waits until /healthz
 * answers. Its log (one JSON line per request, at the production default level) goes to LOG_FILE.
 */
async function startService(env: Record<string, string>) {
  const port = await freePort();
  const started = performance.now();
  // BENCH_CGROUP (a memory cgroup folder, as root): the service starts inside it, as in a container with
  // a memory limit. Node sizes its heap from that limit at start, so it must join before Node starts.
  const [command, args] = SERVICE_CGROUP
    ? ['sh', ['-c', `echo $$ > "$0/cgroup.procs" && exec "$1" dist/src/main.js`, SERVICE_CGROUP, process.execPath]]
    : [process.execPath, ['dist/src/main.js']];
  const child = spawn(command, args, {
    cwd: ROOT,
    // BENCH_NODE_OPTIONS reaches the service only (e.g. --max-old-space-size=128): memory experiments.
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), ...(SERVICE_NODE_OPTIONS && { NODE_OPTIONS: SERVICE_NODE_OPTIONS }) },
    stdio: ['ignore', openSync(LOG_FILE, 'w'), 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) return { child, url: `${base}/graphql`, startupMs: performance.now() - started };
    await new Promise((r) => setTimeout(r, 20));
  }
}

function start(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string; startupMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-r', require.resolve('@swc-node/register'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', SWC_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes('"listening"'));
      if (line) resolve({ child, url: JSON.parse(line).url, startupMs: performance.now() - started });
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

const post = (url: string, query: string, variables: object, token?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  }).then((r) => r.json() as Promise<any>);

/** The run with the median throughput. */
function median(runs: autocannon.Result[]): autocannon.Result {
  return [...runs].sort((a, b) => a.requests.average - b.requests.average)[Math.floor(runs.length / 2)];
}

function load(url: string, options: Partial<autocannon.Options>): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url, method: 'POST', connections: 50, duration: SECONDS, headers: { 'content-type': 'application/json' }, ...options }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

async function main(): Promise<void> {
  const name = `auth_bench_${Math.floor(Date.now() / 1000)}`;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const dbUrl = new URL(ADMIN_DATABASE_URL);
  dbUrl.pathname = `/${name}`;
  const prefix = `bench:${randomBytes(4).toString('hex')}:`;
  const children: ChildProcess[] = [];
  try {
    const service = await startService({
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      JWT_SECRET: randomBytes(32).toString('hex'),
      REFRESH_TOKEN_SECRET: randomBytes(32).toString('hex'),
      TOTP_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      SMTP_URL: 'smtp://127.0.0.1:9',
      APP_URL: 'https://app.example',
      WEBAUTHN_RP_ID: 'app.example',
      WEBAUTHN_RP_NAME: 'Example',
      WEBAUTHN_ORIGINS: 'https://app.example',
      // The benchmark's mail goes nowhere: one attempt now, the next a minute later, given up then.
      MAIL_RETRY_BASE_MS: '60000',
      MAIL_MAX_AGE: '60',
      BCRYPT_COST: String(BCRYPT_COST),
      HASH_QUEUE_MAX: '100000',
      HASH_QUEUE_TIMEOUT_MS: '60000',
      RATE_LIMIT_LOGIN_PER_ACCOUNT: '10000',
      RATE_LIMIT_LOGIN_PER_IP: '1000000',
      RATE_LIMIT_REGISTER_PER_IP: '1000000',
      // Logs and metrics stay at their production defaults: their cost is part of what is measured.
    });
    children.push(service.child);
    const baseline = await start(['scripts/bench.ts', '--baseline-server'], {});
    children.push(baseline.child);

    const password = 'correct horse battery staple 2026';
    const user = { email: `bench.${Date.now()}@example.com`, password, firstName: 'Bench', lastName: 'Mark' };
    const token = (await post(service.url, 'mutation($i: RegisterInput!) { register(input: $i) { ... on AuthSuccess { accessToken } } }', { i: user }))
      .data.register.accessToken as string;
    if (!token) throw new Error('could not register the benchmark user');

    // The hashing ceiling: cores / time of one hash at this cost, measured now, on this machine.
    const samples = 8;
    const t0 = performance.now();
    for (let i = 0; i < samples; i++) bcrypt.hashSync('x', BCRYPT_COST);
    const hashMs = (performance.now() - t0) / samples;
    const hashCeiling = availableParallelism() / (hashMs / 1000);

    const meBody = JSON.stringify({ query: ME });
    const auth = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    await load(service.url, { body: meBody, headers: auth, duration: 2 }); // warm-up
    await load(baseline.url, { body: meBody, duration: 2 });
    // Alternating rounds, then the median of each: on a shared machine, a slow moment then hits both
    // sides instead of deciding the ratio.
    const meRuns: autocannon.Result[] = [];
    const ceilingRuns: autocannon.Result[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      meRuns.push(await load(service.url, { body: meBody, headers: auth }));
      ceilingRuns.push(await load(baseline.url, { body: meBody }));
    }
    const me = median(meRuns);
    const ceiling = median(ceilingRuns);

    const loginBody = JSON.stringify({ query: 'mutation($e: EmailAddress!, $p: String!) { login(email: $e, password: $p) { __typename } }', variables: { e: user.email, p: password } });
    const login = await load(service.url, { body: loginBody, connections: 8 });
    let n = 0;
    const register = await load(service.url, {
      connections: 8,
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({
              query: 'mutation($i: RegisterInput!) { register(input: $i) { __typename } }',
              variables: { i: { ...user, email: `r${n++}.${Date.now()}@example.com` } },
            }),
          }),
        },
      ],
    });

    const [meDuringStorm] = await Promise.all([
      load(service.url, { body: meBody, headers: auth, connections: 10 }),
      load(service.url, { body: loginBody, connections: 8 }),
    ]);
    const meAlone = await load(service.url, { body: meBody, headers: auth, connections: 10 });
    const hostile = await hostileDocumentCost(service.url);
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${service.child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

    const fmt = (n: number, digits = 0) => n.toFixed(digits);
    const rows: Array<[string, string, string]> = [
      ['authenticated `me`', `${fmt(me.requests.average)} req/s, p50 ${me.latency.p50} ms, p99 ${me.latency.p99} ms`, `${fmt(me.requests.average / ceiling.requests.average, 2)} of the framework ceiling (target ≥ 0.7); medians of ${ROUNDS} alternating rounds`],
      ['framework ceiling (constant `me`, no auth)', `${fmt(ceiling.requests.average)} req/s, p50 ${ceiling.latency.p50} ms, p99 ${ceiling.latency.p99} ms`, 'same Apollo Server and HTTP handler'],
      ['`login`', `${fmt(login.requests.average, 1)} /s`, `${fmt(login.requests.average / hashCeiling, 2)} of the hashing ceiling ${fmt(hashCeiling, 1)}/s (target ≥ 0.85)`],
      ['`register`', `${fmt(register.requests.average, 1)} /s`, `${fmt(register.requests.average / hashCeiling, 2)} of the hashing ceiling`],
      ['`me` p99 during a login storm', `${meDuringStorm.latency.p99} ms (alone: ${meAlone.latency.p99} ms)`, `${fmt(meDuringStorm.latency.p99 / Math.max(meAlone.latency.p99, 1), 2)}x (target ≤ 2x)`],
      [
        'documents built to make validation expensive',
        `worst ${fmt(hostile.worst.ms, 1)} ms (${hostile.worst.name}); event loop stalled at most ${fmt(hostile.lagMs, 1)} ms`,
        `least of 5 wall-clock times each, ${Object.keys(HOSTILE_DOCUMENTS).length} documents (target ≤ 15 ms each, stall ≤ 100 ms)`,
      ],
      ['start-up, resident memory', `${fmt(service.startupMs)} ms, ${fmt(rssMb)} MB`, 'until /healthz answers, migrations included; RSS after the runs'],
    ];
    console.log(`\nMachine: ${cpus()[0]?.model ?? 'unknown'} x${availableParallelism()}, Node ${process.version}${SERVICE_NODE_OPTIONS ? ` (service NODE_OPTIONS=${SERVICE_NODE_OPTIONS})` : ''}${SERVICE_CGROUP ? ` (service in memory cgroup ${SERVICE_CGROUP}, limit ${memoryLimitMb(SERVICE_CGROUP)} MB)` : ''}; bcrypt cost ${BCRYPT_COST} (${fmt(hashMs, 1)} ms per hash); ${SECONDS} s per run, load generator on the same machine.\n`);
    console.log('| measure | result | ratio / note |\n| --- | --- | --- |');
    for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
    const failures = [...meRuns, ...ceilingRuns, login, register, meDuringStorm, meAlone].reduce((sum, r) => sum + r.non2xx + r.errors, 0);
    if (failures > 0) console.log(`\nWarning: ${failures} requests failed (non-2xx or errors); the numbers above are not trustworthy. Service log: ${LOG_FILE}`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length) await redis.del(keys);
    await redis.close();
  }
}

/**
 * What each hostile document costs the quiet service: the least of five wall-clock round trips (the
 * server refuses them all with a 400), and the longest event-loop stall the service saw meanwhile.
 */
async function hostileDocumentCost(url: string): Promise<{ worst: { name: string; ms: number }; lagMs: number }> {
  const send = (query: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then((r) => r.text());
  // prom-client reads perf_hooks.monitorEventLoopDelay and resets it on every scrape.
  const maxLagSeconds = async () => Number(/^auth_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(await (await fetch(url.replace('/graphql', '/metrics'))).text())?.[1]);
  for (const source of Object.values(HOSTILE_DOCUMENTS)) await send(source); // compiled, not first-run code
  await maxLagSeconds();
  let worst = { name: '', ms: 0 };
  for (const [name, source] of Object.entries(HOSTILE_DOCUMENTS)) {
    let least = Infinity;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await send(source);
      least = Math.min(least, performance.now() - t0);
    }
    if (least > worst.ms) worst = { name, ms: least };
  }
  return { worst, lagMs: (await maxLagSeconds()) * 1000 };
}

/** The memory limit of a cgroup folder (v2 memory.max or v1 memory.limit_in_bytes), in MB. */
function memoryLimitMb(folder: string): string {
  for (const file of ['memory.max', 'memory.limit_in_bytes']) {
    try {
      return String(Math.round(Number(readFileSync(path.join(folder, file), 'utf8').trim()) / 1048576));
    } catch {
      // not this cgroup version
    }
  }
  return 'unknown';
}
