import { describe, expect, it } from 'vitest';
import { codeAt, hashRecoveryCode, newRecoveryCodes, newSecret, readCode, stepOf } from '../../src/features/totp/codes';
import { SecretBox } from '../../src/infra/crypto/SecretBox';

// RFC 6238 appendix B, SHA-1: the 20-byte ASCII secret "12345678901234567890", 8-digit codes.
const RFC_SECRET = new TextEncoder().encode('12345678901234567890');
const RFC_VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP codes (RFC 6238 through otpauth)', () => {
  it.each(RFC_VECTORS)('gives the RFC test vector at T=%i', (seconds, expected) => {
    expect(codeAt(RFC_SECRET, seconds * 1000, 8)).toBe(expected);
    // The 6-digit code is the same value modulo 10^6: the vector's last six digits.
    expect(codeAt(RFC_SECRET, seconds * 1000)).toBe(expected.slice(2));
  });

  it('accepts one 30-second step of drift either way, and gives the step the code belongs to', () => {
    const secret = newSecret();
    expect(secret.byteLength).toBe(20);
    const now = 1_800_000_015_000; // 15 s into a step
    const step = Math.floor(now / 30_000);
    expect(stepOf(secret, codeAt(secret, now), now)).toBe(step);
    expect(stepOf(secret, codeAt(secret, now - 30_000), now)).toBe(step - 1);
    expect(stepOf(secret, codeAt(secret, now + 30_000), now)).toBe(step + 1);
    // Two steps away is refused (unless, by chance, the codes collide).
    for (const offset of [-60_000, 60_000]) {
      const code = codeAt(secret, now + offset);
      if (![-30_000, 0, 30_000].some((near) => codeAt(secret, now + near) === code)) expect(stepOf(secret, code, now)).toBeNull();
    }
  });
});

describe('recovery codes', () => {
  it('are ten distinct 50-bit codes shown as xxxxx-xxxxx', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
  });

  it('are read back in any case, dashes and spaces optional, i/l/o as 1/1/0; six digits are a TOTP code', () => {
    expect(readCode('ab1cd-ef2gh')).toEqual({ kind: 'recovery', code: 'ab1cdef2gh' });
    expect(readCode(' AB1CD EF2GH ')).toEqual({ kind: 'recovery', code: 'ab1cdef2gh' });
    expect(readCode('abicd-ef2gh')).toEqual({ kind: 'recovery', code: 'ab1cdef2gh' });
    expect(readCode('0o0o0-00000')).toEqual({ kind: 'recovery', code: '0000000000' });
    expect(readCode('123 456')).toEqual({ kind: 'totp', code: '123456' });
    expect(readCode('12345')).toEqual({ kind: 'neither' });
    expect(readCode('abcd-efgh-u')).toEqual({ kind: 'neither' }); // u is not in the alphabet
  });

  it('hash with the user salt: the same code differs between users', () => {
    expect(hashRecoveryCode('salt-a', 'ab1cdef2gh')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode('salt-a', 'ab1cdef2gh')).not.toBe(hashRecoveryCode('salt-b', 'ab1cdef2gh'));
  });
});

describe('SecretBox (AES-256-GCM at rest)', () => {
  const key = (byte: number) => new Uint8Array(32).fill(byte);

  it('round-trips, with a fresh nonce each time, and opens only where it was bound', () => {
    const box = new SecretBox([key(1)]);
    const secret = newSecret();
    const sealed = box.seal(secret, 'totp:user-1');
    expect(sealed).not.toBe(box.seal(secret, 'totp:user-1'));
    expect(Buffer.from(box.open(sealed, 'totp:user-1')!)).toEqual(Buffer.from(secret));
    expect(box.open(sealed, 'totp:user-2')).toBeNull();
  });

  it('refuses a tampered value or an unknown key, and rotates: new keys seal, old ones still open', () => {
    const old = new SecretBox([key(1)]);
    const sealed = old.seal(new Uint8Array([1, 2, 3]), 'x');
    const body = Buffer.from(sealed.split('.')[2], 'base64url');
    body[14] ^= 1;
    expect(old.open(`${sealed.split('.').slice(0, 2).join('.')}.${body.toString('base64url')}`, 'x')).toBeNull();
    expect(new SecretBox([key(2)]).open(sealed, 'x')).toBeNull();
    const rotated = new SecretBox([key(2), key(1)]);
    expect([...rotated.open(sealed, 'x')!]).toEqual([1, 2, 3]);
    expect(rotated.seal(new Uint8Array([4]), 'x').split('.')[1]).not.toBe(sealed.split('.')[1]);
    expect(old.open('garbage', 'x')).toBeNull();
  });
});
