import pino from 'pino';
import type { LogLevel } from '../config/index';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  /** Where JSON lines go; default stdout. Tests pass a function to collect them. */
  write?: (line: string) => void;
  /** Human-readable colour output (pino-pretty), for a developer's terminal. */
  pretty?: boolean;
}

// Field names that could carry secrets are censored wherever they appear: a last line of defence.
const SECRET_FIELDS = [
  'password',
  'newPassword',
  'currentPassword',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  // The refresh token travels in these headers under the cookie transport.
  'cookie',
  'set-cookie',
  // Second factors and the flows of other sign-in methods. (Not `code`: errors carry theirs, such as
  // ECONNREFUSED, under that name; a one-time code is never logged under it either.)
  'ticket',
  'secret',
  'recoveryCodes',
  'clientSecret',
  'codeVerifier',
  'nonce',
  'state',
];

/** A field at the top level and one level down; names like `set-cookie` need pino's bracket form. */
function redactPaths(field: string): string[] {
  const key = /^\w+$/.test(field) ? field : `["${field}"]`;
  return key.startsWith('[') ? [key, `*${key}`] : [key, `*.${key}`];
}

/**
 * Structured logs with pino: one JSON object per line. Errors pass through `describeError` (no SQL
 * values).
 */
export function createLogger(level: LogLevel, options: LoggerOptions = {}): Logger {
  const destination = options.write
    ? { write: options.write }
    : options.pretty
      ? pino.transport({ target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } })
      : // Lines are gathered and written 4 KiB at a time (one system call for a dozen request lines,
        // where a write per line cost the service a tenth of its throughput), and at least every 100 ms.
        // They are written synchronously, on this thread, and flushed when the process exits, even
        // on an uncaught error: only a kill -9 can lose them, and then at most the last 100 ms.
        pino.destination({ fd: 1, sync: true, minLength: 4096, periodicFlush: 100 });
  const base = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: SECRET_FIELDS.flatMap(redactPaths), censor: '[redacted]' },
    },
    destination,
  );
  const log = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) =>
    base[lvl](serialize(fields) ?? {}, msg);
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

function serialize(fields?: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!fields) return fields;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = value instanceof Error ? describeError(value) : value;
  return out;
}

// pg raises some connection failures ("Connection terminated unexpectedly", "timeout expired") as plain
// Errors that MikroORM does not wrap, for instance when a transaction cannot begin.
const RAISED_BY_DATABASE_CLIENT = /[\\/]node_modules[\\/](pg|pg-pool|pg-protocol|knex)[\\/]/;

/** Errors raised by the database layer itself: MikroORM's driver exceptions, knex, pg. */
export function isDatabaseLayerError(error: Error): boolean {
  return (
    /^(DriverException|ConnectionException|KnexTimeoutError)$/.test(error.name) ||
    RAISED_BY_DATABASE_CLIENT.test(error.stack ?? '')
  );
}

/**
 * What of an error may be logged. Database errors keep only their class and codes: their messages and
 * stacks can quote SQL with its bound values (password hashes, emails, names). Other errors (our own
 * bugs) keep message and stack.
 */
export function describeError(error: Error): Record<string, unknown> {
  const { code, sqlState } = error as { code?: unknown; sqlState?: unknown };
  const fromDatabase =
    'sqlState' in error || 'severity' in error || isDatabaseLayerError(error) || /Exception$/.test(error.name);
  return {
    name: error.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(typeof sqlState === 'string' ? { sqlState } : {}),
    ...(fromDatabase ? {} : { message: error.message, stack: error.stack }),
  };
}

export const silentLogger: Logger = createLogger('silent', { write: () => undefined });

/**
 * One line saying why the service could not start. An Error gives its message and those of its causes;
 * anything else thrown (PGlite's initdb throws a bare `{ name, message, status }` object) its JSON, so the
 * reason is never `[object Object]`.
 */
export function startFailureMessage(error: unknown, depth = 0): string {
  if (error instanceof Error) {
    const cause = error.cause !== undefined && depth < 5 ? ` (cause: ${startFailureMessage(error.cause, depth + 1)})` : '';
    return `${error.message || error.name}${cause}`;
  }
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/**
 * Logs an error at most once every 10 s: a down Redis emits one per reconnect attempt, and every
 * request fails the same way while it is away.
 */
export function throttledErrorLog(logger: Logger, message: string): (error: unknown) => void {
  let lastLogged = 0;
  return (error: unknown) => {
    if (Date.now() - lastLogged < 10_000) return;
    lastLogged = Date.now();
    logger.error(message, { error: error instanceof Error ? error.message : String(error) });
  };
}
