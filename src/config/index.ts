import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';

/**
 * The only module that reads the environment. Everything else receives a frozen `Config`.
 * `loadConfig` is pure (it takes the variables as an argument) so tests can build any config.
 */

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * How to reach Redis. Credentials and TLS (`rediss://`) come from the URLs; for a cluster, those of the
 * first URL apply to every node. For Sentinel, the first URL's credentials apply to every Sentinel and
 * the master's come from REDIS_SENTINEL_MASTER_USERNAME/PASSWORD; TLS applies to both.
 */
export type RedisTarget =
  | { readonly kind: 'standalone'; readonly url: string }
  /** Seed nodes: the client learns the rest of the cluster from them. */
  | { readonly kind: 'cluster'; readonly urls: readonly string[] }
  /**
   * Sentinels (their URLs carry the Sentinels' own credentials), the name they know the master by, and
   * the credentials of the master and its replicas, which often differ from the Sentinels'.
   */
  | {
      readonly kind: 'sentinel';
      readonly urls: readonly string[];
      readonly masterName: string;
      readonly masterUsername: string | undefined;
      readonly masterPassword: string | undefined;
    };

export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly isProduction: boolean;
  readonly port: number;
  /** Undefined: listen on every interface (Node's default). */
  readonly host: string | undefined;
  /** Undefined: run on embedded PostgreSQL (PGlite) under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly dbPoolMax: number;
  /** Where Redis is; undefined: use the in-process token store (single process only). */
  readonly redis: RedisTarget | undefined;
  readonly redisKeyPrefix: string;
  /** How long a Redis or database call may take before the request fails closed. */
  readonly dependencyTimeoutMs: number;
  /** How long `me` may answer from the profile cached in Redis; 0 turns the cache off. */
  readonly profileCacheTtlSeconds: number;
  readonly jwt: {
    /** Algorithm when no JWT_KEYS are given: HS256 signs with `secret`; EdDSA/ES256 make a dev key pair. */
    readonly algorithm: JwtAlgorithm;
    /** Signing keys from JWT_KEYS (private JWKs with `kid`), oldest first: the last one signs, all verify. */
    readonly keys: readonly SigningJwk[] | undefined;
    readonly secret: Uint8Array;
    /** True when no JWT_SECRET was given and a random one was made for this process. */
    readonly secretGenerated: boolean;
    readonly issuer: string;
    readonly audience: string;
    readonly accessTokenTtlSeconds: number;
  };
  readonly sessions: {
    /** Key that derives each refresh token's successor (see SessionService). */
    readonly refreshSecret: Uint8Array;
    readonly refreshSecretGenerated: boolean;
    /** A session not refreshed for this long ends. */
    readonly idleTtlSeconds: number;
    /** A session ends this long after sign-in, however active. */
    readonly absoluteTtlSeconds: number;
    /** How long a just-rotated refresh token still yields the same successor (concurrent tabs). */
    readonly refreshGraceSeconds: number;
  };
  /** Proxies in front of the service whose X-Forwarded-For entries are trusted (0: none). */
  readonly trustProxyHops: number;
  readonly mail: {
    /** Undefined: messages go to the log and to `outboxDir` as .eml files (development). */
    readonly smtpUrl: string | undefined;
    readonly outboxDir: string;
    readonly from: string;
    /** The front-end base URL that links in messages point to. */
    readonly appUrl: string;
    /** First retry delay; it doubles per attempt (capped at a minute). */
    readonly retryBaseMs: number;
    readonly maxAttempts: number;
  };
  readonly accountTokens: {
    readonly verifyEmailTtlSeconds: number;
    readonly resetPasswordTtlSeconds: number;
    readonly changeEmailTtlSeconds: number;
  };
  /** Attempts allowed per window; undefined when RATE_LIMITS=off (development only). */
  readonly rateLimits:
    | {
        readonly windowSeconds: number;
        readonly loginPerAccount: number;
        readonly loginPerIp: number;
        readonly registerPerIp: number;
        readonly resetPerIp: number;
        readonly refreshPerIp: number;
        readonly verifyPerIp: number;
        readonly verifyPerAddress: number;
      }
    | undefined;
  /** Prometheus metrics: off, on the main port (/metrics), or on a port of their own. */
  readonly metrics: { readonly enabled: boolean; readonly port: number | undefined };
  /** When true, login answers EmailNotVerifiedError until the address is verified. */
  readonly requireEmailVerification: boolean;
  readonly bcryptCost: number;
  readonly hashPool: {
    readonly threads: number;
    /** Hash jobs allowed to wait for a thread; past this new logins get SERVICE_UNAVAILABLE. */
    readonly maxQueue: number;
    readonly queueTimeoutMs: number;
  };
  readonly maxBodyBytes: number;
  /** `*` or a list of exact origins allowed to call the API from a browser (with credentials). */
  readonly corsOrigins: readonly string[];
  /** The refresh-token cookie, for browser apps that ask for it (`X-Refresh-Token-Transport: cookie`). */
  readonly refreshCookie: {
    /** The path the browser sends it to: the GraphQL endpoint as the browser sees it. */
    readonly path: string;
    readonly sameSite: 'Strict' | 'Lax' | 'None';
  };
  readonly logLevel: LogLevel;
  readonly shutdownGraceMs: number;
}

export type JwtAlgorithm = 'HS256' | 'EdDSA' | 'ES256';

/** A private JWK as accepted in JWT_KEYS, with the algorithm it implies. */
export interface SigningJwk {
  readonly kid: string;
  readonly alg: JwtAlgorithm;
  readonly jwk: Readonly<Record<string, string>>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads `.env` (if present) into the process environment, then returns the environment. */
export function readEnvironment(file = path.resolve('.env')): Env {
  if (existsSync(file)) process.loadEnvFile(file);
  return process.env;
}

const DURATION = /^(\d+)\s*(s|m|h|d)?$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };

  const duration = (name: string, fallbackSeconds: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallbackSeconds;
    const match = DURATION.exec(raw);
    const seconds = match ? Number(match[1]) * UNIT_SECONDS[(match[2] ?? 's') as keyof typeof UNIT_SECONDS] : NaN;
    if (!(seconds >= min && seconds <= max)) {
      problems.push(`${name} must be a duration like 900, 90s, 15m or 1h, from ${min}s to ${max}s (got "${raw}")`);
      return fallbackSeconds;
    }
    return seconds;
  };

  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  };

  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = get(name);
    if (raw !== undefined) checkUrl(name, raw, protocols);
    return raw;
  };

  function checkUrl(name: string, raw: string, protocols: string[]): void {
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
      }
    } catch {
      // Never echo the value: it may hold a password.
      problems.push(`${name} is not a valid URL`);
    }
  }

  /**
   * A comma-separated list of redis:// or rediss:// URLs without a database number: a cluster has only
   * database 0, and Sentinels have none.
   */
  const urlList = (name: string): string[] | undefined => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    const urls = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
    if (urls.length === 0) problems.push(`${name} must list at least one URL`);
    urls.forEach((entry, i) => {
      checkUrl(`${name} entry ${i + 1}`, entry, ['redis:', 'rediss:']);
      if (URL.canParse(entry) && !['', '/'].includes(new URL(entry).pathname)) {
        problems.push(`${name} entry ${i + 1} must not name a database (no /<db> path)`);
      }
    });
    return urls;
  };

  /** One Redis server, a cluster, or a master found through Sentinel: exactly one may be configured. */
  const redisTarget = (): RedisTarget | undefined => {
    const single = url('REDIS_URL', ['redis:', 'rediss:']);
    const cluster = urlList('REDIS_CLUSTER_URLS');
    const sentinels = urlList('REDIS_SENTINEL_URLS');
    const given = [single, cluster, sentinels].filter((v) => v !== undefined).length;
    if (given > 1) problems.push('set only one of REDIS_URL, REDIS_CLUSTER_URLS and REDIS_SENTINEL_URLS');
    if (!sentinels) {
      for (const name of ['REDIS_SENTINEL_MASTER', 'REDIS_SENTINEL_MASTER_USERNAME', 'REDIS_SENTINEL_MASTER_PASSWORD']) {
        if (get(name) !== undefined) problems.push(`${name} needs REDIS_SENTINEL_URLS`);
      }
    }
    if (single !== undefined) return { kind: 'standalone', url: single };
    if (cluster) return { kind: 'cluster', urls: cluster };
    if (!sentinels) return undefined;
    if (get('REDIS_SENTINEL_MASTER_USERNAME') !== undefined && get('REDIS_SENTINEL_MASTER_PASSWORD') === undefined) {
      problems.push('REDIS_SENTINEL_MASTER_USERNAME needs REDIS_SENTINEL_MASTER_PASSWORD');
    }
    return {
      kind: 'sentinel',
      urls: sentinels,
      masterName: get('REDIS_SENTINEL_MASTER') ?? 'mymaster',
      masterUsername: get('REDIS_SENTINEL_MASTER_USERNAME'),
      masterPassword: get('REDIS_SENTINEL_MASTER_PASSWORD'),
    };
  };

  const nodeEnv = oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');
  const isProduction = nodeEnv === 'production';

  const algorithm = oneOf<JwtAlgorithm>('JWT_ALGORITHM', ['HS256', 'EdDSA', 'ES256'], 'HS256');
  const keys = parseSigningKeys(get('JWT_KEYS'), problems);
  const secretRaw = get('JWT_SECRET');
  if (keys && secretRaw !== undefined) problems.push('set either JWT_KEYS or JWT_SECRET, not both');
  if (!keys && algorithm !== 'HS256' && isProduction) {
    problems.push(`JWT_KEYS is required for JWT_ALGORITHM=${algorithm} when NODE_ENV=production`);
  }
  let secret: Uint8Array;
  let secretGenerated = false;
  if (secretRaw === undefined) {
    if (isProduction && !keys && algorithm === 'HS256') {
      problems.push('JWT_SECRET (or JWT_KEYS) is required when NODE_ENV=production (at least 32 bytes)');
    }
    secret = randomBytes(32);
    secretGenerated = true;
  } else {
    secret = new TextEncoder().encode(secretRaw);
    // HS256 keys shorter than the hash output weaken the MAC (RFC 7518 section 3.2).
    if (secret.byteLength < 32) problems.push(`JWT_SECRET must be at least 32 bytes (got ${secret.byteLength})`);
  }

  // The embedded database and the in-process token store are for trying the service out: they hold one
  // process's state only, so a production deployment (often several instances) must name real servers.
  if (isProduction && get('DATABASE_URL') === undefined) problems.push('DATABASE_URL is required when NODE_ENV=production');
  const redis = redisTarget();
  if (isProduction && redis === undefined) {
    problems.push('REDIS_URL (or REDIS_CLUSTER_URLS, or REDIS_SENTINEL_URLS) is required when NODE_ENV=production');
  }
  // Without SMTP the outbox transport writes messages, reset links included, to the log: fine on a
  // developer's machine, an account-takeover hole in production.
  if (isProduction && get('SMTP_URL') === undefined) problems.push('SMTP_URL is required when NODE_ENV=production');
  if (isProduction && get('APP_URL') === undefined) problems.push('APP_URL is required when NODE_ENV=production');

  const secretOf = (name: string): { value: Uint8Array; generated: boolean } => {
    const raw = get(name);
    if (raw === undefined) {
      if (isProduction) problems.push(`${name} is required when NODE_ENV=production (at least 32 bytes)`);
      return { value: randomBytes(32), generated: true };
    }
    const value = new TextEncoder().encode(raw);
    if (value.byteLength < 32) problems.push(`${name} must be at least 32 bytes (got ${value.byteLength})`);
    return { value, generated: false };
  };
  const refreshSecret = secretOf('REFRESH_TOKEN_SECRET');
  const idleTtlSeconds = duration('SESSION_IDLE_TTL', 7 * 86400, 60, 365 * 86400);
  const absoluteTtlSeconds = duration('SESSION_ABSOLUTE_TTL', 30 * 86400, 60, 365 * 86400);
  if (absoluteTtlSeconds < idleTtlSeconds) problems.push('SESSION_ABSOLUTE_TTL must not be shorter than SESSION_IDLE_TTL');

  const redisKeyPrefix = get('REDIS_KEY_PREFIX') ?? 'auth:';
  // Braces in the prefix would become the Redis Cluster hash tag and scatter a user's keys over slots.
  if (/[{}]/.test(redisKeyPrefix)) problems.push('REDIS_KEY_PREFIX must not contain { or }');

  const dataDir = path.resolve(get('DATA_DIR') ?? './.data');
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };

  const rateLimitsOff = oneOf('RATE_LIMITS', ['on', 'off'], 'on') === 'off';
  if (rateLimitsOff && isProduction) problems.push('RATE_LIMITS=off is not allowed when NODE_ENV=production');

  const appUrl = get('APP_URL');
  if (appUrl && /[?#]/.test(appUrl)) problems.push('APP_URL must be a base URL without ? or # (links add their own path and query)');

  const corsRaw = get('CORS_ORIGINS') ?? '*';
  const corsOrigins = corsRaw.split(',').map((o) => o.trim()).filter(Boolean);
  // Origins are compared as exact strings with the browser's Origin header, so each must be spelled as
  // one (no path, no trailing slash); `*` allows any origin but never with credentials, so it stands alone.
  if (corsOrigins.includes('*') && corsOrigins.length > 1) problems.push('CORS_ORIGINS is either * or a list of origins, not both');
  for (const origin of corsOrigins) {
    if (origin !== '*' && (!URL.canParse(origin) || new URL(origin).origin !== origin)) {
      problems.push(`CORS_ORIGINS entry "${origin}" is not an origin like https://app.example or http://localhost:5173`);
    }
  }
  const cookiePath = get('REFRESH_COOKIE_PATH') ?? '/graphql';
  if (!/^\/[\x21-\x3a\x3c-\x7e]*$/.test(cookiePath)) problems.push('REFRESH_COOKIE_PATH must be a URL path starting with / (no ; or spaces)');
  const sameSite = oneOf('REFRESH_COOKIE_SAME_SITE', ['strict', 'lax', 'none'], 'strict');

  const config: Config = {
    nodeEnv,
    isProduction,
    port: int('PORT', 4000, 0, 65535),
    host: get('HOST'),
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir,
    dbPoolMax: int('DB_POOL_MAX', 10, 2, 1000),
    redis,
    redisKeyPrefix,
    dependencyTimeoutMs: int('DEPENDENCY_TIMEOUT_MS', 2000, 100, 60000),
    profileCacheTtlSeconds: duration('PROFILE_CACHE_TTL', 300, 0, 24 * 3600),
    jwt: {
      algorithm,
      keys,
      secret,
      secretGenerated,
      issuer: get('JWT_ISSUER') ?? 'graphql-auth-service',
      audience: get('JWT_AUDIENCE') ?? 'graphql-auth-service',
      accessTokenTtlSeconds: duration('ACCESS_TOKEN_TTL', 15 * 60, 30, 24 * 3600),
    },
    sessions: {
      refreshSecret: refreshSecret.value,
      refreshSecretGenerated: refreshSecret.generated,
      idleTtlSeconds,
      absoluteTtlSeconds,
      refreshGraceSeconds: duration('REFRESH_GRACE_PERIOD', 10, 0, 300),
    },
    trustProxyHops: int('TRUST_PROXY_HOPS', 0, 0, 10),
    mail: {
      smtpUrl: url('SMTP_URL', ['smtp:', 'smtps:']),
      outboxDir: path.resolve(get('MAIL_OUTBOX_DIR') ?? path.join(dataDir, 'outbox')),
      from: get('MAIL_FROM') ?? 'Auth Service <no-reply@localhost>',
      appUrl: url('APP_URL', ['http:', 'https:'])?.replace(/\/+$/, '') ?? 'http://localhost:3000',
      retryBaseMs: int('MAIL_RETRY_BASE_MS', 1000, 10, 60000),
      maxAttempts: int('MAIL_MAX_ATTEMPTS', 12, 1, 100),
    },
    accountTokens: {
      verifyEmailTtlSeconds: duration('EMAIL_VERIFICATION_TTL', 24 * 3600, 60, 30 * 86400),
      resetPasswordTtlSeconds: duration('PASSWORD_RESET_TTL', 30 * 60, 60, 86400),
      changeEmailTtlSeconds: duration('EMAIL_CHANGE_TTL', 24 * 3600, 60, 30 * 86400),
    },
    requireEmailVerification: bool('REQUIRE_EMAIL_VERIFICATION', false),
    metrics: {
      enabled: bool('METRICS', true),
      port: get('METRICS_PORT') === undefined ? undefined : int('METRICS_PORT', 9464, 0, 65535),
    },
    rateLimits: rateLimitsOff
      ? undefined
      : {
          windowSeconds: duration('RATE_LIMIT_WINDOW', 15 * 60, 10, 86400),
          loginPerAccount: int('RATE_LIMIT_LOGIN_PER_ACCOUNT', 5, 1, 10000),
          loginPerIp: int('RATE_LIMIT_LOGIN_PER_IP', 50, 1, 1000000),
          registerPerIp: int('RATE_LIMIT_REGISTER_PER_IP', 20, 1, 1000000),
          resetPerIp: int('RATE_LIMIT_RESET_PER_IP', 20, 1, 1000000),
          refreshPerIp: int('RATE_LIMIT_REFRESH_PER_IP', 600, 1, 1000000),
          verifyPerIp: int('RATE_LIMIT_VERIFY_PER_IP', 20, 1, 1000000),
          verifyPerAddress: int('RATE_LIMIT_VERIFY_PER_ADDRESS', 3, 1, 10000),
        },
    // bcrypt cost 4 is the algorithm's minimum; tests use it. 12 is ~280 ms per hash on a 2-core box.
    bcryptCost: int('BCRYPT_COST', 12, 4, 16),
    hashPool: {
      threads: int('HASH_THREADS', availableParallelism(), 1, 64),
      maxQueue: int('HASH_QUEUE_MAX', 256, 1, 100000),
      queueTimeoutMs: int('HASH_QUEUE_TIMEOUT_MS', 5000, 100, 60000),
    },
    maxBodyBytes: int('MAX_BODY_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    corsOrigins,
    refreshCookie: { path: cookiePath, sameSite: ({ strict: 'Strict', lax: 'Lax', none: 'None' } as const)[sameSite] },
    logLevel: oneOf<LogLevel>('LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'], 'info'),
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 10000, 0, 300000),
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

const KEY_TYPES: Record<string, (jwk: Record<string, string>) => JwtAlgorithm | undefined> = {
  oct: () => 'HS256',
  OKP: (jwk) => (jwk.crv === 'Ed25519' ? 'EdDSA' : undefined),
  EC: (jwk) => (jwk.crv === 'P-256' ? 'ES256' : undefined),
};

/**
 * JWT_KEYS: a JSON array of private JWKs, each with a unique `kid`: `oct` (HS256, `k` of at least 32
 * bytes), `OKP` Ed25519 (EdDSA) or `EC` P-256 (ES256). The algorithm is fixed by the key, never by a
 * token's header. Only the shape is checked here; the keys are imported at start.
 */
function parseSigningKeys(raw: string | undefined, problems: string[]): SigningJwk[] | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push('JWT_KEYS must be a JSON array of private JWKs');
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    problems.push('JWT_KEYS must be a non-empty JSON array of private JWKs');
    return undefined;
  }
  const keys: SigningJwk[] = [];
  const kids = new Set<string>();
  parsed.forEach((entry: Record<string, string>, index) => {
    const where = `JWT_KEYS[${index}]`;
    if (!entry || typeof entry !== 'object' || typeof entry.kid !== 'string' || entry.kid === '') {
      return problems.push(`${where} needs a "kid"`);
    }
    if (kids.has(entry.kid)) return problems.push(`${where}: kid "${entry.kid}" is used twice`);
    kids.add(entry.kid);
    const alg = KEY_TYPES[entry.kty]?.(entry);
    if (!alg) return problems.push(`${where} must be an oct, OKP Ed25519 or EC P-256 key`);
    const secretPart = entry.kty === 'oct' ? entry.k : entry.d;
    if (typeof secretPart !== 'string') return problems.push(`${where} must be a private key (with "${entry.kty === 'oct' ? 'k' : 'd'}")`);
    if (entry.kty === 'oct' && Buffer.from(secretPart, 'base64url').byteLength < 32) {
      return problems.push(`${where}: an HS256 key must be at least 32 bytes`);
    }
    keys.push({ kid: entry.kid, alg, jwk: entry });
  });
  return keys;
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object' && !ArrayBuffer.isView(child)) deepFreeze(child);
  }
  return Object.freeze(value);
}
