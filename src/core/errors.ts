/**
 * Failures that are not answers to the question asked, thrown as plain errors by services and
 * infrastructure. The GraphQL layer (graphql/RootFieldInterceptor.ts) turns each into a top-level
 * error with its HTTP status; an HTTP route or a CLI can do the same in its own way.
 */

/** Redis, PostgreSQL or the hashing pool cannot serve now (down, slow, saturated). Never carries the cause. */
export class DependencyUnavailableError extends Error {
  constructor(readonly dependency: string) {
    super(`${dependency} is unavailable`);
    this.name = 'DependencyUnavailableError';
  }
}

/** The request's token is live but its user is gone (deleted meanwhile): treated as an invalid token. */
export class ViewerGoneError extends Error {
  constructor() {
    super('The signed-in user no longer exists.');
    this.name = 'ViewerGoneError';
  }
}

/** Too many attempts, for operations whose result has no place for a RateLimited failure. */
export class TooManyAttemptsError extends Error {
  constructor(readonly retryAfter: number) {
    super(`Too many attempts. Please try again in ${retryAfter} seconds.`);
    this.name = 'TooManyAttemptsError';
  }
}

/** An argument no valid request would carry (a malformed pagination cursor): the request is wrong, not the state. */
export class BadArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadArgumentError';
  }
}

/**
 * The request is allowed in principle but not now, for a reason the user can act on (a set-up that
 * needs a recent sign-in, one that is already done): its message says what to do.
 */
export class NotAllowedNowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAllowedNowError';
  }
}
