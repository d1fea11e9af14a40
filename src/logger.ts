import type { LogLevel } from './config';

/**
 * A small structured logger: one JSON object per line on stdout. It is an interface so a fuller
 * logger (pino) can replace it without touching callers.
 */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  const min = RANK[level];
  const log = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] < min) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...serialize(fields) })}\n`);
  };
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

export const silentLogger: Logger = createLogger('silent');
