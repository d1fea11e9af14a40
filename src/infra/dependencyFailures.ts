import { isDatabaseLayerError } from './logger';
import { DependencyUnavailableError } from '../core/errors';

// SQLSTATE classes that mean "the database cannot serve right now", not "this query is wrong":
// 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown, statement
// timeout), 58 system error; plus lock timeout, serialization failure and deadlock (retryable).
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58)...$|^(55P03|40001|40P01)$/;
const SQLSTATE = /^[0-9A-Z]{5}$/;
const SOCKET_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)$/;

/**
 * Whether an error means a dependency cannot serve right now (as opposed to a bug of ours or a query
 * the server refused). Decided by where the error comes from, not by its wording: an error the PostgreSQL server answered
 * carries a SQLSTATE, and only the classes above mean unavailability; a database-layer error without a
 * SQLSTATE never reached the server (connect timeout, dropped socket, pool exhausted), so the
 * dependency is unavailable. Errors of our own code stay INTERNAL_SERVER_ERROR.
 */
export function isDependencyFailure(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (error instanceof DependencyUnavailableError) return true;
  const { code, sqlState, severity } = error as { code?: unknown; sqlState?: unknown; severity?: unknown };
  if (typeof code === 'string' && SOCKET_CODES.test(code)) return true;
  // Only an error the server sent carries a SQLSTATE (pg marks it with `severity`); "EPIPE" would
  // otherwise pass for one.
  const fromServer = typeof sqlState === 'string' || typeof severity === 'string';
  const state = fromServer ? [sqlState, code].find((c): c is string => typeof c === 'string' && SQLSTATE.test(c)) : undefined;
  if (state) return UNAVAILABLE_SQLSTATE.test(state);
  if (isDatabaseLayerError(error)) return true;
  const cause = (error as { cause?: unknown; previous?: unknown }).cause ?? (error as { previous?: unknown }).previous;
  return isDependencyFailure(cause, depth + 1);
}


/** SQLSTATEs that mean the server cannot take queries at all: connection exceptions, shutdowns, no slots. */
const CONNECTIVITY_SQLSTATE = /^08...$|^57P0[123]$|^53300$/;

/**
 * Narrower than `isDependencyFailure`: the dependency cannot be reached or does not answer at all, so
 * every request would fail the same way and the circuit breaker should open. A statement timeout, a
 * deadlock or a serialization failure is the fate of one query, not an outage.
 */
export function isConnectivityFailure(error: Error): boolean {
  const { code, sqlState, severity } = error as { code?: unknown; sqlState?: unknown; severity?: unknown };
  if (typeof code === 'string' && SOCKET_CODES.test(code)) return true;
  const fromServer = typeof sqlState === 'string' || typeof severity === 'string';
  if (!fromServer) return true; // pg's own: no connection, connection ended, no answer in time
  const state = [sqlState, code].find((c): c is string => typeof c === 'string' && SQLSTATE.test(c));
  return state !== undefined && CONNECTIVITY_SQLSTATE.test(state);
}
