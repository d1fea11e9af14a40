import { describe, expect, it } from 'vitest';
import { prehash } from '../../src/features/password/PasswordHasher';
import { checkName } from '../../src/core/validation';
import { checkGivenPassword, checkNewPassword } from '../../src/features/password/rules';

describe('prehash (what bcrypt is given instead of the password)', () => {
  it('is 44 ASCII bytes, under bcrypt\'s 72-byte limit, whatever the password length', () => {
    for (const password of ['12345678', 'x'.repeat(1024), '密'.repeat(500)]) {
      const digest = prehash(password);
      expect(Buffer.byteLength(digest)).toBe(44);
      expect(digest).toMatch(/^[A-Za-z0-9+/]+=*$/);
    }
  });

  it('depends on every byte, also after byte 72', () => {
    const base = 'a'.repeat(72);
    expect(prehash(`${base}1`)).not.toBe(prehash(`${base}2`));
    expect(prehash(base)).not.toBe(prehash(`${base}1`));
  });

  it('is the same for NFC and NFD spellings of one password', () => {
    const nfc = 'Ångström-naïve'.normalize('NFC');
    expect(prehash(nfc.normalize('NFD'))).toBe(prehash(nfc));
  });

  it('is not plain SHA-256 (leaked unsalted hashes from elsewhere cannot be tried against ours)', async () => {
    const { createHash } = await import('node:crypto');
    expect(prehash('password123')).not.toBe(createHash('sha256').update('password123').digest('base64'));
  });
});

describe('password rules', () => {
  it('counts characters after normalisation, not bytes or UTF-16 units', () => {
    // "e" + combining acute, 4 times = 8 code points NFD but 4 characters NFC.
    expect(checkNewPassword('password', 'e\u0301'.repeat(4)).ok).toBe(false);
    expect(checkNewPassword('password', '🔑'.repeat(8)).ok).toBe(true);
  });

  it('refuses over 1,024 characters at registration and at login', () => {
    expect(checkNewPassword('password', 'x'.repeat(1024)).ok).toBe(true);
    expect(checkNewPassword('password', 'x'.repeat(1025)).ok).toBe(false);
    expect(checkGivenPassword('password', 'x'.repeat(1025)).ok).toBe(false);
    expect(checkGivenPassword('password', '').ok).toBe(false);
  });

  it('accepts at login every password accepted at registration, in either normal form', () => {
    const nfc = 'é'.repeat(1024).normalize('NFC');
    expect(checkNewPassword('password', nfc).ok).toBe(true);
    expect(checkGivenPassword('password', nfc.normalize('NFD')).ok).toBe(true);
  });
});

describe('name rules', () => {
  it('trims and normalises', () => {
    expect(checkName('firstName', 'First name', '  Zoe\u0301 ')).toEqual({ ok: true, value: 'Zoé' });
  });

  it('refuses empty, too long, and control characters', () => {
    expect(checkName('f', 'F', ' \t ').ok).toBe(false);
    expect(checkName('f', 'F', 'x'.repeat(101)).ok).toBe(false);
    expect(checkName('f', 'F', '👩‍💻'.repeat(25)).ok).toBe(true); // ZWJ sequences are fine
    for (const bad of ['a\u0000b', 'a\u001bb', 'a\u007fb', 'a\u202eb', 'a\u2066b', 'a\ud800b']) {
      expect(checkName('f', 'F', bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });
});
