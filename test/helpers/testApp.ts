import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createClient } from 'redis';
import { startApp, type RunningApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config/index';
import { createLogger } from '../../src/infra/logger';
import type { SmtpReceiver } from './SmtpReceiver';
import { ADMIN_DATABASE_URL, REDIS_URL } from './services';

export interface GqlResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  text: string;
}

export type Gql = <T = any>(query: string, variables?: Record<string, unknown>, token?: string) => Promise<GqlResponse<T>>;

export function gqlClient(url: string): Gql {
  return async (query, variables, token) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token !== undefined && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
  };
}

/** A fresh, empty database on the real PostgreSQL, dropped again by `drop()`. */
export async function createTestDatabase(): Promise<{ name: string; url: string; query: Client['query']; drop(): Promise<void> }> {
  // The creation time in the name lets a later run drop databases that an interrupted run left behind.
  const name = `auth_test_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  return {
    name,
    url: url.toString(),
    query: client.query.bind(client) as Client['query'],
    async drop() {
      await client.end().catch(() => undefined);
      const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Deletes every key under a prefix. SCAN, not KEYS: KEYS blocks Redis for as long as it runs. */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length > 0) await client.del(keys);
  }
  await client.close();
}

export interface TestApp {
  url: string;
  config: Config;
  app: RunningApp;
  gql: Gql;
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  logs: string[];
  redisPrefix: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  now?: () => number;
  /** Reuse an existing database (for several instances on one database). */
  db?: TestApp['db'];
  redisPrefix?: string;
}

/**
 * The whole service, started the way `main.ts` starts it, on a throwaway database and Redis key prefix,
 * listening on a random loopback port.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase());
  const redisPrefix = options.redisPrefix ?? `test:${randomBytes(6).toString('hex')}:`;
  const outbox = mkdtempSync(path.join(tmpdir(), 'auth-outbox-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    MAIL_OUTBOX_DIR: outbox,
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    JWT_SECRET: TEST_JWT_SECRET,
    REFRESH_TOKEN_SECRET: 'test-refresh-secret-0123456789abcdef0123456789',
    BCRYPT_COST: '4',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    // Limits on, but far above what a test file does from one address; rateLimits.test.ts sets low ones.
    RATE_LIMIT_LOGIN_PER_ACCOUNT: '1000',
    RATE_LIMIT_LOGIN_PER_IP: '100000',
    RATE_LIMIT_REGISTER_PER_IP: '100000',
    RATE_LIMIT_RESET_PER_IP: '100000',
    RATE_LIMIT_REFRESH_PER_IP: '100000',
    RATE_LIMIT_PASSKEY_CHALLENGES_PER_IP: '100000',
    // Closing waits for idle kept-alive connections to time out (clients were promised that), up to
    // 70% of this: seconds per app that a test does not need once it is done. shutdown.test.ts sets its own.
    SHUTDOWN_GRACE_MS: '100',
    // Production requires a mail server, a front-end URL and the passkeys' relying party; tests of
    // production mode that do not send mail get a closed port (sends fail and are retried in the
    // background, harmlessly).
    ...(options.env?.NODE_ENV === 'production' && {
      SMTP_URL: 'smtp://127.0.0.1:9',
      APP_URL: 'https://app.example',
      TOTP_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      WEBAUTHN_RP_ID: 'app.example',
      WEBAUTHN_RP_NAME: 'Example',
      WEBAUTHN_ORIGINS: 'https://app.example',
    }),
    ...options.env,
  });
  const logs: string[] = [];
  const app = await startApp(config, createLogger(config.logLevel, { write: (line) => logs.push(line) }), options.now);
  return {
    url: app.url,
    config,
    app,
    gql: gqlClient(app.url),
    db,
    logs,
    redisPrefix,
    async close() {
      await app.close();
      rmSync(outbox, { recursive: true, force: true });
      if (!options.db) await db.drop();
      if (!options.redisPrefix) await deleteRedisPrefix(redisPrefix);
    },
  };
}

export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterInput!) {
    register(input: $input) {
      __typename
      ... on AuthSuccess {
        accessToken tokenType expiresAt refreshToken refreshTokenExpiresAt
        user { id email firstName lastName createdAt updatedAt }
      }
      ... on ErrorResult { code message }
      ... on InvalidInputError { fields { field message } }
    }
  }
`;

export const LOGIN = /* GraphQL */ `
  mutation Login($email: EmailAddress!, $password: String!) {
    login(email: $email, password: $password) {
      __typename
      ... on AuthSuccess { accessToken tokenType expiresAt refreshToken refreshTokenExpiresAt user { id email firstName lastName } }
      ... on ErrorResult { code message }
      ... on InvalidInputError { fields { field message } }
      ... on RateLimitedError { retryAfter }
    }
  }
`;

export const ME = /* GraphQL */ `query { me { id email firstName lastName createdAt updatedAt } }`;

export const UPDATE_ME = /* GraphQL */ `
  mutation UpdateMe($input: UpdateMeInput!) {
    updateMe(input: $input) {
      __typename
      ... on UpdateMeSuccess { user { id email firstName lastName updatedAt } }
      ... on InvalidInputError { code message fields { field message } }
    }
  }
`;

export const LOGOUT = /* GraphQL */ `mutation { logout }`;

let counter = 0;
/** A unique, valid registration input; override any field. */
export function newUser(overrides: Partial<Record<'email' | 'password' | 'firstName' | 'lastName', string>> = {}) {
  counter += 1;
  return {
    email: `user${counter}.${randomBytes(4).toString('hex')}@example.com`,
    password: 'correct horse battery staple',
    firstName: 'Ada',
    lastName: 'Lovelace',
    ...overrides,
  };
}

export const REFRESH = /* GraphQL */ `
  mutation Refresh($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) {
      __typename
      ... on AuthSuccess { accessToken expiresAt refreshToken refreshTokenExpiresAt user { id } }
      ... on ErrorResult { code message }
      ... on RateLimitedError { retryAfter }
    }
  }
`;

/** Registers a user and returns its tokens and id. */
export async function registered(gql: Gql, overrides: Parameters<typeof newUser>[0] = {}) {
  const input = newUser(overrides);
  const res = await gql(REGISTER, { input });
  const result = res.body.data?.register;
  if (result?.__typename !== 'AuthSuccess') throw new Error(`register failed: ${res.text}`);
  return {
    input,
    token: result.accessToken as string,
    refreshToken: result.refreshToken as string,
    user: result.user as { id: string; email: string },
  };
}

/** Confirms a registered user's address as its owner does: with the token of the mail `register` sent. */
export async function confirmAddress(gql: Gql, smtp: SmtpReceiver, email: string): Promise<void> {
  const res = await gql(`mutation($t: String!) { verifyEmail(token: $t) { __typename } }`, { t: await smtp.linkToken(email, 'verify') });
  if (res.body.data?.verifyEmail?.__typename !== 'AccountUpdated') throw new Error(`verifyEmail failed: ${res.text}`);
}
