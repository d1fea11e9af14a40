import { GraphQLError } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import type { RequestContext } from '../context';
import { ErrorResult, RateLimitedError, ServiceUnavailableError, TopLevelCode } from '../errors';
import { isDatabaseLayerError } from '../logger';

/**
 * Wraps every root field (each resolver class carries `@UseMiddleware(RootFieldInterceptor)`), never
 * the fields of the objects they return: a type-graphql middleware turns a plain property read into a
 * chain of promises, which as a global middleware halved the throughput of `me`.
 *
 * The one place where unexpected errors from resolvers become responses. GraphQL errors we threw on
 * purpose pass through; a dependency that is down or slow becomes SERVICE_UNAVAILABLE; anything else
 * becomes a bare INTERNAL_SERVER_ERROR. The response never carries the original; the log gets it
 * through `describeError`, which drops database messages (they can quote SQL values).
 */
export const RootFieldInterceptor: MiddlewareFn<RequestContext> = async ({ context, info }, next) => {
  try {
    const result: unknown = await next();
    // A rate-limited result also tells HTTP clients when to retry (header set by the server plugin).
    if (result instanceof RateLimitedError) context.retryAfter = Math.max(context.retryAfter ?? 0, result.retryAfter);
    // An expected failure of a root field is the request's outcome in its log line.
    if (result instanceof ErrorResult) context.trace.outcome ??= result.code;
    if (COUNTED_OUTCOMES.has(info.fieldName) && result && typeof result === 'object') {
      context.metrics?.authResults.inc({ operation: info.fieldName, result: result.constructor.name });
    }
    return result;
  } catch (error) {
    if (error instanceof GraphQLError) throw error;
    if (isDependencyFailure(error)) {
      context.logger.warn('dependency unavailable', { field: info.fieldName, error });
      throw new ServiceUnavailableError();
    }
    context.logger.error('unexpected error', { field: info.fieldName, error });
    throw new GraphQLError('Internal server error.', { extensions: { code: TopLevelCode.INTERNAL_SERVER_ERROR } });
  }
};

/** Root fields whose results are counted by type in `auth_results_total`. */
const COUNTED_OUTCOMES = new Set(['register', 'login', 'refreshToken']);

// SQLSTATE classes that mean "the database cannot serve right now", not "this query is wrong":
// 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown, statement
// timeout), 58 system error; plus lock timeout, serialization failure and deadlock (retryable).
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58)...$|^(55P03|40001|40P01)$/;
const SQLSTATE = /^[0-9A-Z]{5}$/;
const SOCKET_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)$/;

/**
 * Decided by where the error comes from, not by its wording: an error the PostgreSQL server answered
 * carries a SQLSTATE, and only the classes above mean unavailability; a database-layer error without a
 * SQLSTATE never reached the server (connect timeout, dropped socket, pool exhausted), so the
 * dependency is unavailable. Errors of our own code stay INTERNAL_SERVER_ERROR.
 */
export function isDependencyFailure(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
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

