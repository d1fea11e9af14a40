import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Reading the environment: the only place that touches `process.env` is `readEnvironment`, and every
 * value is read through an `EnvReader`, which checks it and collects every problem, so a bad
 * configuration is refused at start with all of its problems named at once. Feature modules describe
 * their own variables (their `config.ts`) with a reader handed to them; they never see the environment.
 */

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads `.env` (if present) into the process environment, then returns the environment. */
export function readEnvironment(file = path.resolve('.env')): Env {
  if (existsSync(file)) process.loadEnvFile(file);
  return process.env;
}

const DURATION = /^(\d+)\s*(s|m|h|d)?$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

export class EnvReader {
  readonly problems: string[] = [];
  /** Things to say at start: settings that work but deserve attention (logged as warnings). */
  readonly warnings: string[] = [];

  constructor(
    private readonly env: Env,
    readonly isProduction: boolean,
  ) {}

  /** The trimmed value, or undefined when unset or blank. */
  get(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problem(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  /** Seconds, written as `900`, `90s`, `15m`, `1h` or `7d`. */
  duration(name: string, fallbackSeconds: number, min: number, max: number): number {
    const raw = this.get(name);
    if (raw === undefined) return fallbackSeconds;
    const match = DURATION.exec(raw);
    const seconds = match ? Number(match[1]) * UNIT_SECONDS[(match[2] ?? 's') as keyof typeof UNIT_SECONDS] : NaN;
    if (!(seconds >= min && seconds <= max)) {
      this.problem(`${name} must be a duration like 900, 90s, 15m or 1h, from ${min}s to ${max}s (got "${raw}")`);
      return fallbackSeconds;
    }
    return seconds;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.get(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problem(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.get(name);
    if (raw === undefined) return fallback;
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    this.problem(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  url(name: string, protocols: string[]): string | undefined {
    const raw = this.get(name);
    if (raw !== undefined) this.checkUrl(name, raw, protocols);
    return raw;
  }

  checkUrl(name: string, raw: string, protocols: string[]): void {
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        this.problem(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
      }
    } catch {
      // Never echo the value: it may hold a password.
      this.problem(`${name} is not a valid URL`);
    }
  }

  /**
   * A secret of at least 32 bytes: required in production; elsewhere, when unset, a random one for this
   * process (and `generated` says so, for a warning at start).
   */
  secret(name: string): { value: Uint8Array; generated: boolean } {
    const raw = this.get(name);
    if (raw === undefined) {
      if (this.isProduction) this.problem(`${name} is required when NODE_ENV=production (at least 32 bytes)`);
      return { value: randomBytes(32), generated: true };
    }
    const value = new TextEncoder().encode(raw);
    if (value.byteLength < 32) this.problem(`${name} must be at least 32 bytes (got ${value.byteLength})`);
    return { value, generated: false };
  }
}

export function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object' && !ArrayBuffer.isView(child)) deepFreeze(child);
  }
  return Object.freeze(value);
}
