import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { FEATURES, type FeatureSettings } from '../features';
import { ConfigError, deepFreeze, EnvReader, readEnvironment, type Env } from './env';

/**
 * The configuration, read from the environment once (only through `EnvReader`), checked, and frozen.
 * The core's settings are read here; each feature reads its own section (its `config.ts`), listed by
 * the feature registry. `loadConfig` is pure (it takes the variables as an argument) so tests can build
 * any config.
 */

export { ConfigError, readEnvironment };

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

export interface CoreConfig {
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
    /** First retry delay; it doubles per attempt (capped at five minutes). */
    readonly retryBaseMs: number;
    /** A message not delivered after this long is given up (sooner when its link expires sooner). */
    readonly maxAgeSeconds: number;
  };
  /** Rules every sign-in method follows (login/). */
  readonly login: {
    /** Sign-in waits until the address is verified (EmailNotVerifiedError). */
    readonly requireEmailVerification: boolean;
    /** Credential checks per account per window (logins, re-checks); a success clears it. */
    readonly checksPerAccount: number;
    /** For an account without a password: how recent a sign-in stands in for it before sensitive changes. */
    readonly recentSignInSeconds: number;
    /** Failed sign-ins per client address per window, whatever the method (password, passkey). */
    readonly failuresPerAddress: number;
    /** Accounts created per client address per window, whatever the method. */
    readonly registrationsPerAddress: number;
  };
  /** Brute-force limits: off only in development (RATE_LIMITS=off); each feature has its own numbers. */
  readonly rateLimits: { readonly enabled: boolean; readonly windowSeconds: number };
  /** Prometheus metrics: off, on the main port (/metrics), or on a port of their own. */
  readonly metrics: { readonly enabled: boolean; readonly port: number | undefined };
  readonly hashPool: {
    readonly threads: number;
    /** Hash jobs allowed to wait for a thread; past this new logins get SERVICE_UNAVAILABLE. */
    readonly maxQueue: number;
    readonly queueTimeoutMs: number;
  };
  readonly maxBodyBytes: number;
  /** `*` or a list of exact origins allowed to call the API from a browser (with credentials). */
  readonly corsOrigins: readonly string[];
  readonly logLevel: LogLevel;
  readonly shutdownGraceMs: number;
  /** Settings that still work but should change (logged at start). */
  readonly warnings: readonly string[];
}

export interface Config extends CoreConfig {
  /** Each feature's own section, by feature name (see features/index.ts). */
  readonly features: FeatureSettings;
}

export type JwtAlgorithm = 'HS256' | 'EdDSA' | 'ES256';

/** A private JWK as accepted in JWT_KEYS, with the algorithm it implies. */
export interface SigningJwk {
  readonly kid: string;
  readonly alg: JwtAlgorithm;
  readonly jwk: Readonly<Record<string, string>>;
}

export function loadConfig(variables: Env = process.env): Config {
  const nodeEnv = (['development', 'production', 'test'] as const).find((v) => v === variables.NODE_ENV?.trim()) ?? 'development';
  const env = new EnvReader(variables, nodeEnv === 'production');
  // NODE_ENV is read again through the reader, so a wrong value is reported like any other.
  env.oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');
  const isProduction = env.isProduction;
  const get = (name: string) => env.get(name);

  /**
   * A comma-separated list of redis:// or rediss:// URLs without a database number: a cluster has only
   * database 0, and Sentinels have none.
   */
  const urlList = (name: string): string[] | undefined => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    const urls = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
    if (urls.length === 0) env.problem(`${name} must list at least one URL`);
    urls.forEach((entry, i) => {
      env.checkUrl(`${name} entry ${i + 1}`, entry, ['redis:', 'rediss:']);
      if (URL.canParse(entry) && !['', '/'].includes(new URL(entry).pathname)) {
        env.problem(`${name} entry ${i + 1} must not name a database (no /<db> path)`);
      }
    });
    return urls;
  };

  /** One Redis server, a cluster, or a master found through Sentinel: exactly one may be configured. */
  const redisTarget = (): RedisTarget | undefined => {
    const single = env.url('REDIS_URL', ['redis:', 'rediss:']);
    const cluster = urlList('REDIS_CLUSTER_URLS');
    const sentinels = urlList('REDIS_SENTINEL_URLS');
    const given = [single, cluster, sentinels].filter((v) => v !== undefined).length;
    if (given > 1) env.problem('set only one of REDIS_URL, REDIS_CLUSTER_URLS and REDIS_SENTINEL_URLS');
    if (!sentinels) {
      for (const name of ['REDIS_SENTINEL_MASTER', 'REDIS_SENTINEL_MASTER_USERNAME', 'REDIS_SENTINEL_MASTER_PASSWORD']) {
        if (get(name) !== undefined) env.problem(`${name} needs REDIS_SENTINEL_URLS`);
      }
    }
    if (single !== undefined) return { kind: 'standalone', url: single };
    if (cluster) return { kind: 'cluster', urls: cluster };
    if (!sentinels) return undefined;
    if (get('REDIS_SENTINEL_MASTER_USERNAME') !== undefined && get('REDIS_SENTINEL_MASTER_PASSWORD') === undefined) {
      env.problem('REDIS_SENTINEL_MASTER_USERNAME needs REDIS_SENTINEL_MASTER_PASSWORD');
    }
    return {
      kind: 'sentinel',
      urls: sentinels,
      masterName: get('REDIS_SENTINEL_MASTER') ?? 'mymaster',
      masterUsername: get('REDIS_SENTINEL_MASTER_USERNAME'),
      masterPassword: get('REDIS_SENTINEL_MASTER_PASSWORD'),
    };
  };

  const algorithm = env.oneOf<JwtAlgorithm>('JWT_ALGORITHM', ['HS256', 'EdDSA', 'ES256'], 'HS256');
  const keys = parseSigningKeys(get('JWT_KEYS'), env.problems);
  const secretRaw = get('JWT_SECRET');
  if (keys && secretRaw !== undefined) env.problem('set either JWT_KEYS or JWT_SECRET, not both');
  if (!keys && algorithm !== 'HS256' && isProduction) {
    env.problem(`JWT_KEYS is required for JWT_ALGORITHM=${algorithm} when NODE_ENV=production`);
  }
  let secret: Uint8Array;
  let secretGenerated = false;
  if (secretRaw === undefined) {
    if (isProduction && !keys && algorithm === 'HS256') {
      env.problem('JWT_SECRET (or JWT_KEYS) is required when NODE_ENV=production (at least 32 bytes)');
    }
    secret = randomBytes(32);
    secretGenerated = true;
  } else {
    secret = new TextEncoder().encode(secretRaw);
    // HS256 keys shorter than the hash output weaken the MAC (RFC 7518 section 3.2).
    if (secret.byteLength < 32) env.problem(`JWT_SECRET must be at least 32 bytes (got ${secret.byteLength})`);
  }

  // The embedded database and the in-process token store are for trying the service out: they hold one
  // process's state only, so a production deployment (often several instances) must name real servers.
  if (isProduction && get('DATABASE_URL') === undefined) env.problem('DATABASE_URL is required when NODE_ENV=production');
  const redis = redisTarget();
  if (isProduction && redis === undefined) {
    env.problem('REDIS_URL (or REDIS_CLUSTER_URLS, or REDIS_SENTINEL_URLS) is required when NODE_ENV=production');
  }
  // Without SMTP the outbox transport writes messages, reset links included, to the log: fine on a
  // developer's machine, an account-takeover hole in production.
  if (isProduction && get('SMTP_URL') === undefined) env.problem('SMTP_URL is required when NODE_ENV=production');
  if (isProduction && get('APP_URL') === undefined) env.problem('APP_URL is required when NODE_ENV=production');

  const refreshSecret = env.secret('REFRESH_TOKEN_SECRET');
  const idleTtlSeconds = env.duration('SESSION_IDLE_TTL', 7 * 86400, 60, 365 * 86400);
  const absoluteTtlSeconds = env.duration('SESSION_ABSOLUTE_TTL', 30 * 86400, 60, 365 * 86400);
  if (absoluteTtlSeconds < idleTtlSeconds) env.problem('SESSION_ABSOLUTE_TTL must not be shorter than SESSION_IDLE_TTL');

  const redisKeyPrefix = get('REDIS_KEY_PREFIX') ?? 'auth:';
  // Braces in the prefix would become the Redis Cluster hash tag and scatter a user's keys over slots.
  if (/[{}]/.test(redisKeyPrefix)) env.problem('REDIS_KEY_PREFIX must not contain { or }');

  const dataDir = path.resolve(get('DATA_DIR') ?? './.data');

  const rateLimitsOff = env.oneOf('RATE_LIMITS', ['on', 'off'], 'on') === 'off';
  if (rateLimitsOff && isProduction) env.problem('RATE_LIMITS=off is not allowed when NODE_ENV=production');

  const appUrl = get('APP_URL');
  if (appUrl && /[?#]/.test(appUrl)) env.problem('APP_URL must be a base URL without ? or # (links add their own path and query)');

  const corsRaw = get('CORS_ORIGINS') ?? '*';
  const corsOrigins = corsRaw.split(',').map((o) => o.trim()).filter(Boolean);
  // Origins are compared as exact strings with the browser's Origin header, so each must be spelled as
  // one (no path, no trailing slash); `*` allows any origin but never with credentials, so it stands alone.
  if (corsOrigins.includes('*') && corsOrigins.length > 1) env.problem('CORS_ORIGINS is either * or a list of origins, not both');
  for (const origin of corsOrigins) {
    if (origin !== '*' && (!URL.canParse(origin) || new URL(origin).origin !== origin)) {
      env.problem(`CORS_ORIGINS entry "${origin}" is not an origin like https://app.example or http://localhost:5173`);
    }
  }

  const warnings: string[] = [];
  if (get('MAIL_MAX_ATTEMPTS') !== undefined) {
    warnings.push('MAIL_MAX_ATTEMPTS is no longer used: undelivered mail is retried until MAIL_MAX_AGE (or its link expires)');
  }

  const core: CoreConfig = {
    nodeEnv,
    isProduction,
    port: env.int('PORT', 4000, 0, 65535),
    host: get('HOST'),
    databaseUrl: env.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir,
    dbPoolMax: env.int('DB_POOL_MAX', 10, 2, 1000),
    redis,
    redisKeyPrefix,
    dependencyTimeoutMs: env.int('DEPENDENCY_TIMEOUT_MS', 2000, 100, 60000),
    jwt: {
      algorithm,
      keys,
      secret,
      secretGenerated,
      issuer: get('JWT_ISSUER') ?? 'graphql-auth-service',
      audience: get('JWT_AUDIENCE') ?? 'graphql-auth-service',
      accessTokenTtlSeconds: env.duration('ACCESS_TOKEN_TTL', 15 * 60, 30, 24 * 3600),
    },
    sessions: {
      refreshSecret: refreshSecret.value,
      refreshSecretGenerated: refreshSecret.generated,
      idleTtlSeconds,
      absoluteTtlSeconds,
      refreshGraceSeconds: env.duration('REFRESH_GRACE_PERIOD', 10, 0, 300),
    },
    trustProxyHops: env.int('TRUST_PROXY_HOPS', 0, 0, 10),
    mail: {
      smtpUrl: env.url('SMTP_URL', ['smtp:', 'smtps:']),
      outboxDir: path.resolve(get('MAIL_OUTBOX_DIR') ?? path.join(dataDir, 'outbox')),
      from: get('MAIL_FROM') ?? 'Auth Service <no-reply@localhost>',
      appUrl: env.url('APP_URL', ['http:', 'https:'])?.replace(/\/+$/, '') ?? 'http://localhost:3000',
      retryBaseMs: env.int('MAIL_RETRY_BASE_MS', 1000, 10, 60000),
      maxAgeSeconds: env.duration('MAIL_MAX_AGE', 86400, 60, 30 * 86400),
    },
    login: {
      requireEmailVerification: env.bool('REQUIRE_EMAIL_VERIFICATION', false),
      checksPerAccount: env.int('RATE_LIMIT_LOGIN_PER_ACCOUNT', 5, 1, 10000),
      recentSignInSeconds: env.duration('RECENT_SIGN_IN_WINDOW', 10 * 60, 60, 86400),
      failuresPerAddress: env.int('RATE_LIMIT_LOGIN_PER_IP', 50, 1, 1000000),
      registrationsPerAddress: env.int('RATE_LIMIT_REGISTER_PER_IP', 20, 1, 1000000),
    },
    rateLimits: { enabled: !rateLimitsOff, windowSeconds: env.duration('RATE_LIMIT_WINDOW', 15 * 60, 10, 86400) },
    metrics: {
      enabled: env.bool('METRICS', true),
      port: get('METRICS_PORT') === undefined ? undefined : env.int('METRICS_PORT', 9464, 0, 65535),
    },
    hashPool: {
      threads: env.int('HASH_THREADS', availableParallelism(), 1, 64),
      maxQueue: env.int('HASH_QUEUE_MAX', 256, 1, 100000),
      queueTimeoutMs: env.int('HASH_QUEUE_TIMEOUT_MS', 5000, 100, 60000),
    },
    maxBodyBytes: env.int('MAX_BODY_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    corsOrigins,
    logLevel: env.oneOf<LogLevel>('LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'], 'info'),
    shutdownGraceMs: env.int('SHUTDOWN_GRACE_MS', 10000, 0, 300000),
    warnings,
  };
  const features = Object.fromEntries(FEATURES.map((feature) => [feature.name, feature.config(env, core)])) as unknown as FeatureSettings;

  if (env.problems.length > 0) throw new ConfigError(env.problems);
  warnings.push(...env.warnings);
  return deepFreeze({ ...core, features });
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
