/**
 * Every code a top-level error can carry (`errors[].extensions.code`), as a TypeScript union for
 * clients: `import type { TopLevelErrorCode } from '<this repo>/src/errorCodes'`. It has no imports, so
 * a client can take this one file. Expected failures of an operation are not here: they come inside
 * its result union, with the schema's `ErrorCode`.
 */
export const TOP_LEVEL_ERROR_CODES = [
  // Ours.
  /** No access token, or one that is invalid, expired or revoked (HTTP 401, see WWW-Authenticate). */
  'UNAUTHENTICATED',
  /** The refresh cookie came without what its CSRF guard asks for (HTTP 403). */
  'FORBIDDEN',
  /** Too many requests of this kind (HTTP 429; retry after the Retry-After header's seconds). */
  'RATE_LIMITED',
  /** Redis, PostgreSQL or the hashing pool is down or saturated (HTTP 503; retry shortly). */
  'SERVICE_UNAVAILABLE',
  /** A bug on our side; the details are in our log only. */
  'INTERNAL_SERVER_ERROR',
  // Apollo Server's, for requests that never ran.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  // The HTTP layer's, for requests that never reached GraphQL.
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
] as const;

export type TopLevelErrorCode = (typeof TOP_LEVEL_ERROR_CODES)[number];
