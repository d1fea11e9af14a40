import { GraphQLError } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import type { RequestContext } from './context';
import { isFailure, type RateLimited } from '../core/results';
import { errorTypeName, ServiceUnavailableError, TopLevelCode, topLevelErrorFor } from './errors';
import { isDependencyFailure } from '../infra/dependencyFailures';

/**
 * Wraps every root field (each resolver class carries `@UseMiddleware(RootFieldInterceptor)`), never
 * the fields of the objects they return: a type-graphql middleware turns a plain property read into a
 * chain of promises, which as a global middleware halved the throughput of `me`.
 *
 * The one place where unexpected errors from resolvers become responses. GraphQL errors we threw on
 * purpose pass through, and so do the plain errors services throw on purpose (mapped: a dependency
 * unavailable, a viewer gone, too many attempts); a dependency that is down or slow becomes
 * SERVICE_UNAVAILABLE; anything else
 * becomes a bare INTERNAL_SERVER_ERROR. The response never carries the original; the log gets it
 * through `describeError`, which drops database messages (they can quote SQL values).
 */
export const RootFieldInterceptor: MiddlewareFn<RequestContext> = async ({ context, info }, next) => {
  try {
    const result: unknown = await next();
    if (isFailure(result)) {
      // A rate-limited result also tells HTTP clients when to retry (header set by the server plugin).
      if (result.code === 'RATE_LIMITED') {
        context.retryAfter = Math.max(context.retryAfter ?? 0, (result as RateLimited).retryAfter);
      }
      // An expected failure of a root field is the request's outcome in its log line.
      context.trace.outcome ??= result.code;
    }
    if (COUNTED_OUTCOMES.has(info.fieldName) && result && typeof result === 'object') {
      context.metrics?.authResults.inc({ operation: info.fieldName, result: resultLabel(result) });
    }
    return result;
  } catch (error) {
    const mapped = topLevelErrorFor(error);
    if (mapped) {
      if (mapped instanceof ServiceUnavailableError) context.logger.warn('dependency unavailable', { field: info.fieldName, error });
      throw mapped;
    }
    if (isDependencyFailure(error)) {
      context.logger.warn('dependency unavailable', { field: info.fieldName, error });
      throw new ServiceUnavailableError();
    }
    context.logger.error('unexpected error', { field: info.fieldName, error });
    throw new GraphQLError('Internal server error.', { extensions: { code: TopLevelCode.INTERNAL_SERVER_ERROR } });
  }
};

/** The schema type a result is answered as, for the metrics label: `AuthSuccess`, `InvalidCredentialsError`... */
function resultLabel(result: object): string {
  if (isFailure(result)) return errorTypeName(result);
  const kind = (result as { kind?: unknown }).kind;
  return kind === 'signed-in' ? 'AuthSuccess' : typeof kind === 'string' ? kind : 'other';
}

/** Root fields whose results are counted by type in `auth_results_total`. */
const COUNTED_OUTCOMES = new Set(['register', 'login', 'finishExternalSignIn', 'refreshToken']);
