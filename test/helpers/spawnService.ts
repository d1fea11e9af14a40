import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface SpawnedService {
  process: ChildProcess;
  url: string;
  output: () => string;
  stop(): Promise<number | null>;
}

/**
 * Runs `src/main.ts` as its own process, the way `npm start` runs the service, with exactly the
 * environment given (nothing inherited that the service reads). The working directory is `cwd`, so a
 * developer's own `.env` in the repo cannot leak into the test.
 */
export function spawnService(env: Record<string, string>, cwd: string): ChildProcess {
  return spawn(process.execPath, ['-r', require.resolve('@swc-node/register'), path.join(ROOT, 'src/main.ts')], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      SWC_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
      // Inline maps only: the stored-map mode installs source-map-support, which maps every stack trace
      // (each GraphQL error captures one) and makes errors far costlier than in the built service.
      SWC_NODE_SOURCE_MAP_MODE: 'inline',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Starts the service and waits for its "listening" log line. */
export async function startService(env: Record<string, string>, cwd: string, timeoutMs = 30_000): Promise<SpawnedService> {
  const child = spawnService({ PORT: '0', HOST: '127.0.0.1', ...env }, cwd);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never leave a half-started service behind
      reject(new Error(`service did not start in time:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = listeningUrl(output);
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${output}`));
    });
  });
  return {
    process: child,
    url,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}

/** Runs the service expecting it to exit by itself; resolves with its exit code and output. */
export function runServiceToExit(env: Record<string, string>, cwd: string): Promise<{ code: number | null; output: string }> {
  const child = spawnService(env, cwd);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/** The URL from the service's "listening" JSON log line, once it has been written. */
function listeningUrl(output: string): string | undefined {
  for (const line of output.split('\n')) {
    if (!line.includes('"listening"')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === 'listening' && entry.url) return entry.url;
    } catch {
      // a partial line: wait for the rest
    }
  }
  return undefined;
}
