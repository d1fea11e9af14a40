import { GraphQLError } from 'graphql';
import { Field, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import type { TopLevelErrorCode } from './errorCodes';

/**
 * Two kinds of failure, kept apart on purpose:
 * - Expected outcomes of a mutation (bad input, taken email, wrong password) are schema types: members of
 *   the mutation's result union that implement `ErrorResult`. Clients switch on `__typename` or `code`.
 * - Authentication and infrastructure failures are top-level GraphQL errors with `extensions.code`.
 */

export enum ErrorCode {
  INVALID_INPUT = 'INVALID_INPUT',
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  INVALID_REFRESH_TOKEN = 'INVALID_REFRESH_TOKEN',
  REFRESH_TOKEN_REUSED = 'REFRESH_TOKEN_REUSED',
  SESSION_NOT_FOUND = 'SESSION_NOT_FOUND',
  INVALID_TOKEN = 'INVALID_TOKEN',
  EMAIL_NOT_VERIFIED = 'EMAIL_NOT_VERIFIED',
  RATE_LIMITED = 'RATE_LIMITED',
}

registerEnumType(ErrorCode, {
  name: 'ErrorCode',
  description: 'Machine-readable code of an expected failure returned inside a result union.',
  valuesConfig: {
    INVALID_INPUT: { description: 'One or more input fields are invalid; see `InvalidInputError.fields`.' },
    EMAIL_TAKEN: { description: 'An account with this email address already exists.' },
    INVALID_CREDENTIALS: { description: 'The email and password do not match an account.' },
    INVALID_REFRESH_TOKEN: { description: 'The refresh token is unknown, expired, or its session has ended.' },
    REFRESH_TOKEN_REUSED: {
      description: 'An already-used refresh token was presented again; the session has been ended as a precaution.',
    },
    SESSION_NOT_FOUND: { description: 'No session with this id belongs to the signed-in user.' },
    INVALID_TOKEN: { description: 'An emailed link token is wrong, already used or expired (deliberately not saying which).' },
    EMAIL_NOT_VERIFIED: { description: 'Login refused until the email address is verified (when the service requires it).' },
    RATE_LIMITED: { description: 'Too many attempts; try again after `RateLimitedError.retryAfter` seconds.' },
  },
});

@InterfaceType('ErrorResult', { description: 'Fields shared by every expected failure in a result union.' })
export abstract class ErrorResult {
  @Field(() => ErrorCode, { description: 'Stable code for programs to branch on.' })
  code: ErrorCode;

  @Field(() => String, { description: 'Human-readable explanation, safe to show to the user.' })
  message: string;
}

@ObjectType('FieldError', { description: 'A problem with one input field.' })
export class FieldError {
  @Field(() => String, { description: 'Name of the input field, e.g. `password` or `firstName`.' })
  field: string;

  @Field(() => String, { description: 'What is wrong with the value, safe to show to the user.' })
  message: string;

  constructor(field: string, message: string) {
    this.field = field;
    this.message = message;
  }
}

@ObjectType('InvalidInputError', {
  implements: ErrorResult,
  description: 'The input was rejected; every invalid field is listed at once. Nothing was written.',
})
export class InvalidInputError extends ErrorResult {
  @Field(() => [FieldError], { description: 'Each invalid field with its reason.' })
  fields: FieldError[];

  constructor(fields: FieldError[]) {
    super();
    this.code = ErrorCode.INVALID_INPUT;
    this.message = 'Some fields are invalid.';
    this.fields = fields;
  }
}

@ObjectType('EmailTakenError', {
  implements: ErrorResult,
  description: 'Registration refused because an account with this email address already exists.',
})
export class EmailTakenError extends ErrorResult {
  constructor() {
    super();
    this.code = ErrorCode.EMAIL_TAKEN;
    this.message = 'An account with this email address already exists.';
  }
}

@ObjectType('InvalidCredentialsError', {
  implements: ErrorResult,
  description: 'Login refused. Deliberately the same whether the email is unknown or the password is wrong.',
})
export class InvalidCredentialsError extends ErrorResult {
  /** `currentPassword`: for operations that re-check the signed-in user's password. */
  constructor(kind: 'login' | 'currentPassword' = 'login') {
    super();
    this.code = ErrorCode.INVALID_CREDENTIALS;
    this.message = kind === 'login' ? 'Invalid email or password.' : 'The current password is not correct.';
  }
}

@ObjectType('InvalidRefreshTokenError', {
  implements: ErrorResult,
  description: 'Refresh refused: the token is unknown, expired, or its session has ended. Sign in again.',
})
export class InvalidRefreshTokenError extends ErrorResult {
  constructor() {
    super();
    this.code = ErrorCode.INVALID_REFRESH_TOKEN;
    this.message = 'The refresh token is invalid or has expired. Please sign in again.';
  }
}

@ObjectType('RefreshTokenReusedError', {
  implements: ErrorResult,
  description:
    'A refresh token that was already exchanged was presented again, outside the grace window. It may have ' +
    'been stolen, so the whole session was ended (RFC 9700 section 4.14.2). Sign in again.',
})
export class RefreshTokenReusedError extends ErrorResult {
  constructor() {
    super();
    this.code = ErrorCode.REFRESH_TOKEN_REUSED;
    this.message = 'This refresh token was already used. The session has been ended; please sign in again.';
  }
}

@ObjectType('SessionNotFoundError', {
  implements: ErrorResult,
  description: 'No session with this id belongs to the signed-in user (it may already have ended).',
})
export class SessionNotFoundError extends ErrorResult {
  constructor() {
    super();
    this.code = ErrorCode.SESSION_NOT_FOUND;
    this.message = 'Session not found.';
  }
}

@ObjectType('InvalidTokenError', {
  implements: ErrorResult,
  description: 'The token from an emailed link is wrong, already used or expired. Which one is deliberately not said.',
})
export class InvalidTokenError extends ErrorResult {
  constructor() {
    super();
    this.code = ErrorCode.INVALID_TOKEN;
    this.message = 'This link is invalid or has expired. Please request a new one.';
  }
}

@ObjectType('EmailNotVerifiedError', {
  implements: ErrorResult,
  description:
    'The email address must be verified before signing in: returned by `register` (the account was created) and ' +
    'by `login` after the right password, when the service requires verification.',
})
export class EmailNotVerifiedError extends ErrorResult {
  constructor() {
    super();
    this.code = ErrorCode.EMAIL_NOT_VERIFIED;
    this.message = 'Please verify your email address first: follow the link we sent you.';
  }
}

@ObjectType('RateLimitedError', {
  implements: ErrorResult,
  description:
    'Too many attempts for this account or from this address. Nothing was checked; retry after `retryAfter` ' +
    'seconds (also sent as the Retry-After header).',
})
export class RateLimitedError extends ErrorResult {
  @Field(() => Int, { description: 'Seconds to wait before trying again.' })
  retryAfter: number;

  constructor(retryAfter: number) {
    super();
    this.code = ErrorCode.RATE_LIMITED;
    this.message = `Too many attempts. Please try again in ${retryAfter} seconds.`;
    this.retryAfter = retryAfter;
  }
}

/** Our top-level error codes (in `errors[].extensions.code`); clients get all of them from errorCodes.ts. */
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
