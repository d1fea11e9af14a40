import { describe, expect, it } from 'vitest';
import type { ProfileStore } from '../../src/core/TokenAllowlist';
import { silentLogger } from '../../src/infra/logger';
import { ProfileCache } from '../../src/features/account/ProfileCache';

// `read` only parses what a lookup brought back; it never calls the store.
const cache = new ProfileCache({} as ProfileStore, 300, silentLogger);
const stored = {
  v: 1,
  id: 'u1',
  email: 'ada@example.com',
  emailVerifiedAt: null,
  firstName: 'Ada',
  lastName: 'Lovelace',
  createdAt: '2026-01-02T03:04:05.678Z',
  updatedAt: '2026-01-03T03:04:05.678Z',
};
const read = (profile: unknown) =>
  cache.read({ generation: null, profile: typeof profile === 'string' ? profile : JSON.stringify(profile) });

describe('ProfileCache.read', () => {
  it('gives back exactly what fill stored, with dates as dates', () => {
    expect(read(stored)).toEqual({
      id: 'u1',
      email: 'ada@example.com',
      emailVerified: false,
      emailVerifiedAt: null,
      firstName: 'Ada',
      lastName: 'Lovelace',
      createdAt: new Date('2026-01-02T03:04:05.678Z'),
      updatedAt: new Date('2026-01-03T03:04:05.678Z'),
    });
    expect(read({ ...stored, emailVerifiedAt: '2026-01-04T00:00:00.000Z' })).toMatchObject({ emailVerified: true });
  });

  it('treats anything of another shape as a miss, never as a guess', () => {
    const { emailVerifiedAt: _missing, ...withoutVerification } = stored;
    for (const damaged of [
      withoutVerification, // would otherwise read as verified
      { ...stored, v: 2 },
      { ...stored, createdAt: 'yesterday' },
      { ...stored, id: 42 },
      { ...stored, lastName: undefined },
      null,
      '{not json',
    ]) {
      expect(read(damaged), JSON.stringify(damaged)).toBeUndefined();
    }
    expect(cache.read({ generation: null, profile: null })).toBeUndefined();
  });

  it('is off with a TTL of 0', () => {
    const off = new ProfileCache({} as ProfileStore, 0, silentLogger);
    expect(off.read({ generation: null, profile: JSON.stringify(stored) })).toBeUndefined();
  });
});
