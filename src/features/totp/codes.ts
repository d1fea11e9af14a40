import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/**
 * The codes of this feature. TOTP is RFC 6238 through `otpauth` (no hand-written HOTP): SHA-1,
 * 6 digits, 30-second steps, the parameters every authenticator app supports.
 */
export const TOTP_PARAMETERS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** Steps of clock drift accepted either way (RFC 6238 section 5.2 recommends at most one). */
export const DRIFT_STEPS = 1;

/** otpauth wants the secret's own ArrayBuffer (a Node Buffer may be a slice of a shared pool). */
function toSecret(bytes: Uint8Array): Secret {
  return new Secret({ buffer: Uint8Array.from(bytes).buffer });
}

/** A new secret: 160 bits (RFC 4226's recommended length) from the CSPRNG. */
export function newSecret(): Uint8Array {
  return new Secret({ size: 20 }).bytes;
}

export function base32(secret: Uint8Array): string {
  return toSecret(secret).base32;
}

/** The `otpauth://` URI authenticator apps read (from the QR code): issuer, account and secret. */
export function otpauthUri(secret: Uint8Array, issuer: string, account: string): string {
  return new TOTP({ ...TOTP_PARAMETERS, issuer, label: account, secret: toSecret(secret) }).toString();
}

/** The code for a moment (tests, and the RFC's test vectors with `digits: 8`). */
export function codeAt(secret: Uint8Array, timestamp: number, digits: number = TOTP_PARAMETERS.digits): string {
  return TOTP.generate({ ...TOTP_PARAMETERS, digits, secret: toSecret(secret), timestamp });
}

/**
 * The time step a code belongs to, when it is right for `timestamp` give or take one step; else null.
 * The step is what makes a code single-use: the caller records the last step used.
 */
export function stepOf(secret: Uint8Array, code: string, timestamp: number): number | null {
  const delta = TOTP.validate({ ...TOTP_PARAMETERS, secret: toSecret(secret), token: code, timestamp, window: DRIFT_STEPS });
  return delta === null ? null : TOTP.counter({ period: TOTP_PARAMETERS.period, timestamp }) + delta;
}

// Recovery codes: 10 characters of Crockford's base32 (no i, l, o, u), 50 bits each, shown as
// `xxxxx-xxxxx`. Read back forgivingly: any case, dashes and spaces optional, and the letters people
// confuse with digits (i, l, o) read as the digits.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_CODE = /^[0-9a-hjkmnp-tv-z]{10}$/;

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export type ReadCode = { kind: 'totp'; code: string } | { kind: 'recovery'; code: string } | { kind: 'neither' };

/** What a typed code is: six digits are a TOTP code; ten base32 characters a recovery code. */
export function readCode(input: string): ReadCode {
  const compact = input.replace(/[\s-]/g, '').toLowerCase();
  if (/^\d{6}$/.test(compact)) return { kind: 'totp', code: compact };
  const recovery = compact.replace(/[il]/g, '1').replace(/o/g, '0');
  return RECOVERY_CODE.test(recovery) ? { kind: 'recovery', code: recovery } : { kind: 'neither' };
}

export function newSalt(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * How a recovery code is stored: HMAC-SHA256 keyed with the user's own random salt. Not bcrypt, on
 * purpose: bcrypt's slowness protects secrets people choose, which are guessable; these are 50 random
 * bits, so a stolen table still needs about 2^49 tries per code, per user (the salt rules out
 * precomputed tables and testing one guess against every user). A fast, deterministic hash also lets
 * the database find and burn a code in one conditional UPDATE, which is what makes each code
 * single-use under concurrency; with bcrypt every use would cost up to ten hash comparisons.
 */
export function hashRecoveryCode(salt: string, normalized: string): string {
  return createHmac('sha256', salt).update(normalized).digest('hex');
}
