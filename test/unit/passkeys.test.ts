import { describe, expect, it } from 'vitest';
import { PasskeyChallenges } from '../../src/features/passkeys/PasskeyChallenges';
import { userHandle } from '../../src/features/passkeys/PasskeyAssertions';
import { amrOf, reasonOf, RelyingParty } from '../../src/features/passkeys/RelyingParty';
import { MemoryEphemeralStore } from '../../src/infra/memory/MemoryEphemeralStore';

describe('passkey challenges', () => {
  it('are 256 random bits under an unguessable id, kept hashed, taken once, for their purpose only, for five minutes', async () => {
    let clock = 1_000_000;
    const store = new MemoryEphemeralStore(() => clock);
    const challenges = new PasskeyChallenges(store, () => clock);
    const issued = await challenges.issue('login', { email: 'ada@example.com' });
    expect(issued.challengeId).toMatch(/^pkc_[\w-]{32}$/);
    expect(Buffer.from(issued.challenge, 'base64url')).toHaveLength(32);
    expect(issued.expiresAt.getTime()).toBe(clock + 300_000);
    expect(await store.get(`passkey-challenge:${issued.challengeId}`)).toBeNull();

    const [first, second] = await Promise.all([challenges.take(issued.challengeId, 'login'), challenges.take(issued.challengeId, 'login')]);
    expect(first).toMatchObject({ purpose: 'login', email: 'ada@example.com', challenge: issued.challenge });
    expect(second).toBeNull();

    // Another purpose: refused, and used up all the same.
    const registration = await challenges.issue('registration', { userId: 'u1' });
    expect(await challenges.take(registration.challengeId, 'login')).toBeNull();
    expect(await challenges.take(registration.challengeId, 'registration')).toBeNull();

    const expiring = await challenges.issue('login', {});
    clock += 300_000;
    expect(await challenges.take(expiring.challengeId, 'login')).toBeNull();
    expect(await challenges.take('pkc_not-one', 'login')).toBeNull();
    store.close();
  });
});

describe('passkey sign-ins', () => {
  it('record hwk for a device-bound passkey, swk for a syncable one, and user when the user was verified', () => {
    expect(amrOf('singleDevice', true)).toEqual(['hwk', 'user']);
    expect(amrOf('singleDevice', false)).toEqual(['hwk']);
    expect(amrOf('multiDevice', true)).toEqual(['swk', 'user']);
  });

  it("give the authenticator the account's id as its user handle: 16 bytes, nothing personal", () => {
    const handle = userHandle('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(Buffer.from(handle, 'base64url').toString('hex')).toBe('0f8fad5bd9cb469fa16570867728950e');
  });

  it('ask for a discoverable credential with user verification and no attestation, never listing credentials to sign in', async () => {
    const party = new RelyingParty({ rpId: 'example.com', rpName: 'Example', origins: ['https://example.com'] });
    const challenge = Buffer.alloc(32, 1).toString('base64url');
    const creation = await party.creationOptions({ handle: userHandle('0f8fad5b-d9cb-469f-a165-70867728950e'), name: 'ada@example.com', displayName: 'Ada L' }, challenge, [
      { credentialId: 'AAAA', transports: ['usb'] },
    ]);
    expect(creation).toMatchObject({
      challenge,
      rp: { id: 'example.com', name: 'Example' },
      user: { name: 'ada@example.com', displayName: 'Ada L' },
      attestation: 'none',
      excludeCredentials: [{ id: 'AAAA', type: 'public-key', transports: ['usb'] }],
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    });
    expect(creation.pubKeyCredParams.map((p) => p.alg)).toEqual([-8, -7, -257]);
    const request = await party.requestOptions(challenge, [], 'required');
    expect(request).toMatchObject({ challenge, rpId: 'example.com', allowCredentials: [], userVerification: 'required' });
  });

  it('refuse what is not a response at all, without throwing', async () => {
    const party = new RelyingParty({ rpId: 'example.com', rpName: 'Example', origins: ['https://example.com'] });
    for (const response of [null, 'text', 7, {}, { id: 'x', rawId: 'x', type: 'public-key', response: {} }]) {
      expect((await party.verifyCreation(response, 'AAAA')).kind).toBe('refused');
      const stored = { credentialId: 'x', publicKey: Buffer.alloc(0), counter: 0, transports: [], deviceType: 'singleDevice' as const };
      expect((await party.verifyAssertion(response, 'AAAA', stored, true)).kind).toBe('refused');
    }
  });
});

describe('reasonOf', () => {
  it('keeps the reason of a refusal and drops the values it quotes', () => {
    const error = new Error('Unexpected authentication response challenge "Y2xpZW50", expected "c2VydmVy"');
    expect(reasonOf(error)).toBe('Unexpected authentication response challenge "…", expected "…"');
  });
});
