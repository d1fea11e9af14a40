import { GraphQLError } from 'graphql';
import { Field, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { BadArgumentError, DependencyUnavailableError, NotAllowedNowError, TooManyAttemptsError, ViewerGoneError } from '../core/errors';
import type { Failure } from '../core/results';
import type { TopLevelErrorCode } from './errorCodes';

/**
 * Two kinds of failure, kept apart on purpose:
 * - Expected outcomes of an operation (bad input, a taken email, a wrong password) are schema types:
 *   members of the operation's result union that implement `ErrorResult`. Services answer them as plain
 *   `Failure` values with a `code`; each code has one object type here, or in the feature that owns it.
 * - Authentication and infrastructure failures are top-level GraphQL errors with `extensions.code`,
 *   mapped here from the plain errors services and infrastructure throw.
 */

/** Every code of an expected failure, in the schema's order, with its description. Features add theirs. */
const codes: Record<string, string> = {};
const descriptions: Record<string, { description: string }> = {};
/** The object type of each code: how a `Failure` value finds its place in a union. */
const typeNames = new Map<string, string>();

/** The schema's `ErrorCode` enum; filled by `errorType` as modules load, read when the schema is built. */
export const ErrorCode = codes;
registerEnumType(ErrorCode, {
  name: 'ErrorCode',
  description: 'Machine-readable code of an expected failure returned inside a result union.',
  valuesConfig: descriptions,
});

/**
 * Declares the object type of one failure code: `@errorType('EMAIL_TAKEN', 'EmailTakenError', ...)` on a
 * class whose fields are those of `ErrorResult` plus any of its own.
 */
export function errorType(code: string, name: string, options: { description: string; codeDescription: string }): ClassDecorator {
  if (typeNames.has(code)) throw new Error(`error code ${code} declared twice`);
  codes[code] = code;
  descriptions[code] = { description: options.codeDescription };
  typeNames.set(code, name);
  return ObjectType(name, { implements: ErrorResult, description: options.description });
}

/** The GraphQL type name of a failure value, for the unions' and ErrorResult's `resolveType`. */
export function errorTypeName(failure: Failure): string {
  const name = typeNames.get(failure.code);
  if (!name) throw new Error(`no GraphQL type for error code ${failure.code}`);
  return name;
}

@InterfaceType('ErrorResult', {
  description: 'Fields shared by every expected failure in a result union.',
  resolveType: (value: Failure) => errorTypeName(value),
})
export abstract class ErrorResult {
  @Field(() => ErrorCode, { description: 'Stable code for programs to branch on.' })
  code: string;

  @Field(() => String, { description: 'Human-readable explanation, safe to show to the user.' })
  message: string;
}

@ObjectType('FieldError', { description: 'A problem with one input field.' })
export class FieldError {
  @Field(() => String, { description: 'Name of the input field, e.g. `password` or `firstName`.' })
  field: string;

  @Field(() => String, { description: 'What is wrong with the value, safe to show to the user.' })
  message: string;
}

// The codes every part of the service may answer with, in the schema's order.

@errorType('INVALID_INPUT', 'InvalidInputError', {
  description: 'The input was rejected; every invalid field is listed at once. Nothing was written.',
  codeDescription: 'One or more input fields are invalid; see `InvalidInputError.fields`.',
})
export class InvalidInputError extends ErrorResult {
  @Field(() => [FieldError], { description: 'Each invalid field with its reason.' })
  fields: FieldError[];
}

@errorType('EMAIL_TAKEN', 'EmailTakenError', {
  description: 'Registration refused because an account with this email address already exists.',
  codeDescription: 'An account with this email address already exists.',
})
export class EmailTakenError extends ErrorResult {}

@errorType('INVALID_CREDENTIALS', 'InvalidCredentialsError', {
  description: 'Login refused. Deliberately the same whether the email is unknown or the password is wrong.',
  codeDescription: 'The email and password do not match an account.',
})
export class InvalidCredentialsError extends ErrorResult {}

@errorType('INVALID_REFRESH_TOKEN', 'InvalidRefreshTokenError', {
  description: 'Refresh refused: the token is unknown, expired, or its session has ended. Sign in again.',
  codeDescription: 'The refresh token is unknown, expired, or its session has ended.',
})
export class InvalidRefreshTokenError extends ErrorResult {}

@errorType('REFRESH_TOKEN_REUSED', 'RefreshTokenReusedError', {
  description:
    'A refresh token that was already exchanged was presented again, outside the grace window. It may have ' +
    'been stolen, so the whole session was ended (RFC 9700 section 4.14.2). Sign in again.',
  codeDescription: 'An already-used refresh token was presented again; the session has been ended as a precaution.',
})
export class RefreshTokenReusedError extends ErrorResult {}

@errorType('SESSION_NOT_FOUND', 'SessionNotFoundError', {
  description: 'No session with this id belongs to the signed-in user (it may already have ended).',
  codeDescription: 'No session with this id belongs to the signed-in user.',
})
export class SessionNotFoundError extends ErrorResult {}

@errorType('INVALID_TOKEN', 'InvalidTokenError', {
  description: 'The token from an emailed link is wrong, already used or expired. Which one is deliberately not said.',
  codeDescription: 'An emailed link token is wrong, already used or expired (deliberately not saying which).',
})
export class InvalidTokenError extends ErrorResult {}

@errorType('EMAIL_NOT_VERIFIED', 'EmailNotVerifiedError', {
  description:
    'The email address must be verified before signing in: returned by `register` (the account was created) and ' +
    'by `login` after the right password, when the service requires verification.',
  codeDescription: 'Login refused until the email address is verified (when the service requires it).',
})
export class EmailNotVerifiedError extends ErrorResult {}

@errorType('RATE_LIMITED', 'RateLimitedError', {
  description:
    'Too many attempts for this account or from this address. Nothing was checked; retry after `retryAfter` ' +
    'seconds (also sent as the Retry-After header).',
  codeDescription: 'Too many attempts; try again after `RateLimitedError.retryAfter` seconds.',
})
export class RateLimitedError extends ErrorResult {
  @Field(() => Int, { description: 'Seconds to wait before trying again.' })
  retryAfter: number;
}

@errorType('INVALID_PASSKEY', 'InvalidPasskeyError', {
  description:
    'A passkey response was refused: it answers no live challenge of this kind (unknown, used, expired, or issued ' +
    'for something else), comes from another site or RP ID, has a bad signature, names a credential this account ' +
    'does not have, lacks user verification where it is required, or repeats a signature counter. Deliberately ' +
    'not saying which. Nothing was written; start the ceremony again.',
  codeDescription: 'The passkey response was refused (deliberately not saying why).',
})
export class InvalidPasskeyError extends ErrorResult {}

@errorType('LAST_SIGN_IN_METHOD', 'LastSignInMethodError', {
  description:
    'Refused: this is the last way to sign in to the account (its password, passkeys and identities at other ' +
    'providers). Add another first. Nothing was changed.',
  codeDescription: 'Removing it would leave the account with no way to sign in.',
})
export class LastSignInMethodError extends ErrorResult {}

/** Types the schema must include though no field returns them directly (reached through unions). */
export const ERROR_TYPES = [
  ErrorResult,
  InvalidInputError,
  EmailTakenError,
  InvalidCredentialsError,
  InvalidRefreshTokenError,
  RefreshTokenReusedError,
  SessionNotFoundError,
  InvalidTokenError,
  EmailNotVerifiedError,
  RateLimitedError,
  InvalidPasskeyError,
  LastSignInMethodError,
];

/** Top-level error codes (in `errors[].extensions.code`); every one is in the clients' union. */
export const TopLevelCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const satisfies Record<string, TopLevelErrorCode>;

/**
 * No usable credentials: HTTP 401 (RFC 6750 section 3.1). With `invalidToken` the request carried a
 * token that is malformed, badly signed, expired, for someone else or revoked, and the challenge says
 * `error="invalid_token"` so clients drop the token; without a token the challenge is a bare `Bearer`.
 */
export function unauthenticated(invalidToken: boolean): GraphQLError {
  return new GraphQLError(invalidToken ? 'The access token is invalid or has expired.' : 'Authentication required.', {
    extensions: {
      code: TopLevelCode.UNAUTHENTICATED,
      http: {
        status: 401,
        headers: new Map([['www-authenticate', invalidToken ? 'Bearer error="invalid_token"' : 'Bearer']]),
      },
    },
  });
}

/**
 * A dependency (Redis, PostgreSQL, the hashing pool) is down, slow or saturated. The message never
 * carries the cause: driver text can name hosts, users or SQL.
 */
export class ServiceUnavailableError extends GraphQLError {
  constructor() {
    super('The service is temporarily unavailable. Please retry shortly.', {
      extensions: { code: TopLevelCode.SERVICE_UNAVAILABLE, http: { status: 503, headers: new Map([['retry-after', '1']]) } },
    });
  }
}

/** A top-level 429 for operations whose result has no place for RateLimitedError. */
export function rateLimited(retryAfter: number): GraphQLError {
  return new GraphQLError(`Too many attempts. Please try again in ${retryAfter} seconds.`, {
    extensions: {
      code: TopLevelCode.RATE_LIMITED,
      retryAfter,
      http: { status: 429, headers: new Map([['retry-after', String(retryAfter)]]) },
    },
  });
}

/** A request that may not do what it asks, saying why (HTTP 403). */
export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: TopLevelCode.FORBIDDEN, http: { status: 403 } } });
}

/**
 * The top-level error for one of the plain errors services and infrastructure throw, or undefined for
 * anything else (a bug, or a dependency failure only its classification can tell).
 */
export function topLevelErrorFor(error: unknown): GraphQLError | undefined {
  if (error instanceof GraphQLError) return error;
  if (error instanceof DependencyUnavailableError) return new ServiceUnavailableError();
  if (error instanceof ViewerGoneError) return unauthenticated(true);
  if (error instanceof TooManyAttemptsError) return rateLimited(error.retryAfter);
  if (error instanceof NotAllowedNowError) return forbidden(error.message);
  if (error instanceof BadArgumentError) {
    return new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
  }
  return undefined;
}
