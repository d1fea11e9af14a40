import { ConnectionException } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import type { RequestContext } from '../context';
import { ServiceUnavailableError, TopLevelCode } from '../errors';

/**
 * The one place where unexpected errors from resolvers become responses. GraphQL errors we threw on
 * purpose pass through; a dependency that is down becomes SERVICE_UNAVAILABLE; anything else becomes
 * a bare INTERNAL_SERVER_ERROR. The original is logged, never sent: driver messages carry SQL, host
 * names and values.
 */
export const ErrorInterceptor: MiddlewareFn<RequestContext> = async ({ context, info }, next) => {
  try {
    return await next();
  } catch (error) {
    if (error instanceof GraphQLError) throw error;
    if (isDependencyFailure(error)) {
      context.logger.warn('dependency unavailable', { field: info.fieldName, error: describe(error) });
      throw new ServiceUnavailableError();
    }
    context.logger.error('unexpected error', { field: info.fieldName, error });
    throw new GraphQLError('Internal server error.', { extensions: { code: TopLevelCode.INTERNAL_SERVER_ERROR } });
  }
};

// Socket-level and PostgreSQL connection-class errors (SQLSTATE 08xxx, 57P0x: server shutting down).
const CONNECTION_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|EAI_AGAIN|08...|57P0[1-3])$/;
const CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Knex: Timeout acquiring a connection|connect ECONNREFUSED/i;

export function isDependencyFailure(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if (error instanceof ConnectionException || error.name === 'KnexTimeoutError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.test(code)) return true;
  if (CONNECTION_MESSAGES.test(error.message)) return true;
  return isDependencyFailure((error as { cause?: unknown }).cause ?? (error as { previous?: unknown }).previous, depth + 1);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
