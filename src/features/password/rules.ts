import { fail, lengthOf, ok, type Checked } from '../../core/validation';
import { isCommonPassword } from './commonPasswords';
import { normalizePassword } from './PasswordHasher';

export const PASSWORD_MIN = 8;
// Long enough for any passphrase; short enough that a huge password is refused before any hashing.
export const PASSWORD_MAX = 1024;

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

