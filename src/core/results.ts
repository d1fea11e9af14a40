/**
 * What services answer: plain, tagged values. A success carries `kind`; an expected failure is a
 * `Failure` with a stable `code` (UPPER_SNAKE, Better Auth's habit) and a message safe to show to the
 * user. The GraphQL layer maps each to a schema type by its tag; nothing here knows GraphQL.
 */

export interface Failure<C extends string = string> {
  readonly kind: 'failure';
  readonly code: C;
  readonly message: string;
}

export interface FieldProblem {
  /** Name of the input field, e.g. `password` or `firstName`. */
  readonly field: string;
  readonly message: string;
}

export interface InvalidInput extends Failure<'INVALID_INPUT'> {
  readonly fields: readonly FieldProblem[];
}

export interface RateLimited extends Failure<'RATE_LIMITED'> {
  /** Seconds to wait before trying again. */
  readonly retryAfter: number;
}

export function failure<C extends string>(code: C, message: string): Failure<C> {
  return { kind: 'failure', code, message };
}

export function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'failure';
}

/** Failures any feature may answer with. */
export const failures = {
  invalidInput: (fields: readonly FieldProblem[]): InvalidInput => ({ ...failure('INVALID_INPUT', 'Some fields are invalid.'), fields }),
  rateLimited: (retryAfter: number): RateLimited => ({
    ...failure('RATE_LIMITED', `Too many attempts. Please try again in ${retryAfter} seconds.`),
    retryAfter,
  }),
  /** The email and password (or another credential) do not match an account; never says which. */
  invalidCredentials: (kind: 'login' | 'current' = 'login') =>
    failure('INVALID_CREDENTIALS', kind === 'login' ? 'Invalid email or password.' : 'The current password is not correct.'),
  emailTaken: () => failure('EMAIL_TAKEN', 'An account with this email address already exists.'),
  emailNotVerified: () => failure('EMAIL_NOT_VERIFIED', 'Please verify your email address first: follow the link we sent you.'),
  invalidToken: () => failure('INVALID_TOKEN', 'This link is invalid or has expired. Please request a new one.'),
};

/** A field that breaks the input rules, or the cleaned value. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: FieldProblem };
