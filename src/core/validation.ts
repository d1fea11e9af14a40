import { FieldError } from '../graphql/errors';
import { isCommonPassword } from '../features/password/commonPasswords';
import { normalizePassword } from '../features/password/PasswordHasher';

/**
 * Input rules, shared by every mutation. Each function returns the cleaned value or a `FieldError`, so
 * callers can collect every problem of a request and report them at once.
 */

export const PASSWORD_MIN = 8;
// Long enough for any passphrase; short enough that a huge password is refused before any hashing.
export const PASSWORD_MAX = 1024;
export const NAME_MAX = 100;
export const EMAIL_MAX = 254; // RFC 5321 path limit

export type Checked<T> = { ok: true; value: T } | { ok: false; error: FieldError };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const fail = (field: string, message: string): Checked<never> => ({ ok: false, error: new FieldError(field, message) });

/** Length in user-perceived terms: code points, not UTF-16 units (an emoji counts once). */
const lengthOf = (value: string): number => [...value].length;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function checkEmail(field: string, email: string): Checked<string> {
  const value = normalizeEmail(email);
  if (value.length === 0) return fail(field, 'Email is required.');
  if (value.length > EMAIL_MAX) return fail(field, `Email must be at most ${EMAIL_MAX} characters.`);
  return ok(value);
}

/** What a new password must not resemble: the account's own email address and names. */
export interface PasswordContext {
  email?: string;
  firstName?: string;
  lastName?: string;
}

/**
 * Length, a common-password list and the account's own details; no composition rules (NIST SP
 * 800-63B 3.1.1.2, ASVS 5 V6.2). Counted after NFC normalisation.
 */
export function checkNewPassword(field: string, password: string, context: PasswordContext = {}): Checked<string> {
  const normalized = normalizePassword(password);
  const length = lengthOf(normalized);
  if (length < PASSWORD_MIN) return fail(field, `Password must be at least ${PASSWORD_MIN} characters.`);
  if (length > PASSWORD_MAX) return fail(field, `Password must be at most ${PASSWORD_MAX} characters.`);
  if (isCommonPassword(normalized)) {
    return fail(field, 'This password is one of the most common ones and easy to guess. A few unrelated words make a strong one.');
  }
  if (resemblesAccount(normalized, context)) {
    return fail(field, 'The password must not contain your email address or your name.');
  }
  return ok(password);
}

/** Contains the email's local part, the whole address, or a name (ignoring case); short parts are ignored. */
function resemblesAccount(password: string, { email, firstName, lastName }: PasswordContext): boolean {
  const lower = password.toLowerCase();
  const localPart = email?.split('@')[0];
  const parts = [email, localPart, firstName, lastName]
    .map((part) => part?.normalize('NFC').trim().toLowerCase())
    .filter((part): part is string => !!part && part.length >= 4);
  return parts.some((part) => lower.includes(part));
}

/**
 * At login only emptiness and the cap are checked (the cap keeps a huge password cheap to refuse),
 * counted the same way as at registration so every password that could be set can be used.
 */
export function checkGivenPassword(field: string, password: string): Checked<string> {
  if (password.length === 0) return fail(field, 'Password is required.');
  if (lengthOf(normalizePassword(password)) > PASSWORD_MAX) {
    return fail(field, `Password must be at most ${PASSWORD_MAX} characters.`);
  }
  return ok(password);
}

// Control characters, lone surrogates, line/paragraph separators and bidirectional overrides: none
// belongs in a name, and the last can make a name display as something else.
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;

export function checkName(field: string, label: string, name: string): Checked<string> {
  const value = name.normalize('NFC').trim();
  if (value.length === 0) return fail(field, `${label} is required.`);
  if (lengthOf(value) > NAME_MAX) return fail(field, `${label} must be at most ${NAME_MAX} characters.`);
  if (FORBIDDEN_IN_NAME.test(value)) return fail(field, `${label} must not contain control characters.`);
  return ok(value);
}

/** Splits checked values into the clean ones and the collected errors. */
export function collect<T extends Record<string, Checked<unknown>>>(
  checks: T,
): { values: { [K in keyof T]: T[K] extends Checked<infer V> ? V : never }; errors: FieldError[] } {
  const values: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [key, check] of Object.entries(checks)) {
    if (check.ok) values[key] = check.value;
    else errors.push(check.error);
  }
  return { values: values as never, errors };
}
