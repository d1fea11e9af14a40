import type { Checked, FieldProblem } from './results';

/**
 * Input rules shared by every feature (the password rules are the password feature's). Each function
 * returns the cleaned value or a field problem, so callers can collect every problem of a request and
 * report them at once.
 */

export const NAME_MAX = 100;
export const EMAIL_MAX = 254; // RFC 5321 path limit

export type { Checked };

export const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
export const fail = (field: string, message: string): Checked<never> => ({ ok: false, error: { field, message } });

/** Length in user-perceived terms: code points, not UTF-16 units (an emoji counts once). */
export const lengthOf = (value: string): number => [...value].length;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function checkEmail(field: string, email: string): Checked<string> {
  const value = normalizeEmail(email);
  if (value.length === 0) return fail(field, 'Email is required.');
  if (value.length > EMAIL_MAX) return fail(field, `Email must be at most ${EMAIL_MAX} characters.`);
  return ok(value);
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
): { values: { [K in keyof T]: T[K] extends Checked<infer V> ? V : never }; errors: FieldProblem[] } {
  const values: Record<string, unknown> = {};
  const errors: FieldProblem[] = [];
  for (const [key, check] of Object.entries(checks)) {
    if (check.ok) values[key] = check.value;
    else errors.push(check.error);
  }
  return { values: values as never, errors };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether an id a client sent can be one of ours at all: anything else is "not found" before a query. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
