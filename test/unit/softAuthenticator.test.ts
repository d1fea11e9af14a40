import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import { decodeCredentialPublicKey } from '@simplewebauthn/server/helpers';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SoftAuthenticator, type Algorithm, type CreateOptions, type GetOptions } from '../helpers/softAuthenticator';

/**
 * Proves the software authenticator is real: @simplewebauthn/server 14, the library the passkeys feature
 * will use, accepts its honest answers and refuses each knob. What the library leaves to its caller
 * (and the feature must therefore do itself) is written next to the test that shows it.
 */
const RP_ID = 'auth.example.test';
const ORIGIN = 'https://auth.example.test';

async function register(authenticator: SoftAuthenticator, opts?: CreateOptions, verify?: { requireUserVerification?: boolean; expectedRPID?: string; supportedAlgorithmIDs?: number[] }) {
  const userID = randomBytes(16);
  const options = await generateRegistrationOptions({
    rpName: 'Test', rpID: RP_ID, userName: 'ada@example.test', userID,
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  const response = await authenticator.create(options, opts);
  const verification = await verifyRegistrationResponse({
    response, expectedChallenge: options.challenge, expectedOrigin: ORIGIN, expectedRPID: RP_ID, requireUserVerification: true, ...verify,
  });
  return { options, response, verification, userHandle: userID.toString('base64url') };
}

/** A registered credential as the server would store it. */
async function registered(authenticator: SoftAuthenticator, opts?: CreateOptions): Promise<{ credential: WebAuthnCredential; userHandle: string }> {
  const { verification, userHandle } = await register(authenticator, opts);
  if (!verification.verified) throw new Error('registration failed');
  return { credential: verification.registrationInfo.credential, userHandle };
}

async function authenticate(authenticator: SoftAuthenticator, credential: WebAuthnCredential, opts?: GetOptions, usernameless = false, requireUserVerification = true) {
  const options = await generateAuthenticationOptions({
    rpID: RP_ID, userVerification: 'required',
    allowCredentials: usernameless ? undefined : [{ id: credential.id, transports: credential.transports }],
  });
  const response = await authenticator.get(options, opts);
  const verify = () => verifyAuthenticationResponse({
    response, expectedChallenge: options.challenge, expectedOrigin: ORIGIN, expectedRPID: RP_ID, credential, requireUserVerification,
  });
  return { response, verify };
}

const device = () => new SoftAuthenticator({ origin: ORIGIN });

describe.each<Algorithm>(['ES256', 'Ed25519'])('an honest %s authenticator', (algorithm) => {
  it('registers: none attestation, its COSE key with integer labels, user verified, counter 0', async () => {
    const { verification, response } = await register(device(), { algorithm });
    expect(verification.verified).toBe(true);
    const info = verification.registrationInfo!;
    expect(info).toMatchObject({ fmt: 'none', userVerified: true, credentialDeviceType: 'singleDevice', credentialBackedUp: false, origin: ORIGIN, rpID: RP_ID });
    expect(info.credential).toMatchObject({ id: response.id, counter: 0, transports: ['internal', 'hybrid'] });
    const key = decodeCredentialPublicKey(info.credential.publicKey) as unknown as Map<number, unknown>;
    expect([...key.keys()].sort()).toEqual(algorithm === 'ES256' ? [-1, -2, -3, 1, 3].sort() : [-1, -2, 1, 3].sort());
    expect(key.get(3)).toBe(algorithm === 'ES256' ? -7 : -8);
    expect(response.response.publicKeyAlgorithm).toBe(key.get(3));
    expect(response.clientExtensionResults).toEqual({ credProps: { rk: true } });
  });

  it('authenticates with allowCredentials and returns the user handle', async () => {
    const authenticator = device();
    const { credential, userHandle } = await registered(authenticator, { algorithm });
    const { response, verify } = await authenticate(authenticator, credential);
    await expect(verify()).resolves.toMatchObject({ verified: true, authenticationInfo: { newCounter: 1, userVerified: true, credentialID: credential.id } });
    expect(response.response.userHandle).toBe(userHandle);
  });

  it('authenticates usernameless: the server finds the credential by id and the user by handle', async () => {
    const authenticator = device();
    const { credential, userHandle } = await registered(authenticator, { algorithm });
    const { response, verify } = await authenticate(authenticator, credential, {}, true);
    expect(response.id).toBe(credential.id);
    expect(response.response.userHandle).toBe(userHandle);
    expect((await verify()).verified).toBe(true);
  });
});

describe('registration refusals', () => {
  const refused = (opts: CreateOptions, message: RegExp) => expect(register(device(), opts)).rejects.toThrow(message);

  it('another origin', () => refused({ origin: 'https://evil.example' }, /Unexpected registration response origin "https:\/\/evil.example"/));
  it('another RP ID', () => refused({ rpId: 'evil.example' }, /Unexpected RP ID hash/));
  it('another challenge', () => refused({ challenge: 'c3RhbGU' }, /Unexpected registration response challenge "c3RhbGU"/));
  it('an assertion passed off as a creation', () => refused({ type: 'webauthn.get' }, /Unexpected registration response type: webauthn.get/));
  it('no user presence', () => refused({ userPresent: false }, /User presence was required/));
  it('no user verification', () => refused({ userVerified: false }, /User verification was required/));
  it('backed up (BS) but not backup eligible (BE)', () => refused({ backupEligible: false, backedUp: true }, /Single-device credential indicated that it was backed up/));

  it('UV is checked only when requireUserVerification (default true) is set', async () => {
    const { verification } = await register(device(), { userVerified: false }, { requireUserVerification: false });
    expect(verification.registrationInfo).toMatchObject({ userVerified: false });
  });

  it('reports a synced passkey as multiDevice, backed up', async () => {
    const { verification } = await register(device(), { backupEligible: true });
    expect(verification.registrationInfo).toMatchObject({ credentialDeviceType: 'multiDevice', credentialBackedUp: true });
  });

  it('refuses an algorithm outside supportedAlgorithmIDs', () =>
    expect(register(device(), { algorithm: 'Ed25519' }, { supportedAlgorithmIDs: [-7] })).rejects.toThrow(/Unexpected public key alg "-8"/));

  // expectedRPID is optional in verifyRegistrationResponse, and without it the RP ID hash is not checked.
  it('HAZARD: without expectedRPID a foreign RP ID hash is accepted', async () => {
    const { verification } = await register(device(), { rpId: 'evil.example' }, { expectedRPID: undefined });
    expect(verification.verified).toBe(true);
  });

  it('the authenticator itself refuses a second credential listed in excludeCredentials', async () => {
    const authenticator = device();
    const { credential } = await registered(authenticator);
    const options = await generateRegistrationOptions({ rpName: 'Test', rpID: RP_ID, userName: 'ada', excludeCredentials: [{ id: credential.id }] });
    await expect(authenticator.create(options)).rejects.toMatchObject({ name: 'InvalidStateError' });
  });
});

describe('authentication refusals', () => {
  async function refused(opts: GetOptions, message: RegExp) {
    const authenticator = device();
    const { credential } = await registered(authenticator);
    await expect((await authenticate(authenticator, credential, opts)).verify()).rejects.toThrow(message);
  }

  it('another origin', () => refused({ origin: 'https://evil.example' }, /Unexpected authentication response origin/));
  it('another RP ID', () => refused({ rpId: 'evil.example' }, /Unexpected RP ID hash/));
  it('another challenge', () => refused({ challenge: 'c3RhbGU' }, /Unexpected authentication response challenge/));
  it('a creation passed off as an assertion', () => refused({ type: 'webauthn.create' }, /Unexpected authentication response type: webauthn.create/));
  it('no user verification', () => refused({ userVerified: false }, /User verification required/));
  it('BS without BE', () => refused({ backedUp: true }, /Single-device credential indicated that it was backed up/));

  it('no user presence, even when UV is not required', async () => {
    const authenticator = device();
    const { credential } = await registered(authenticator);
    const { verify } = await authenticate(authenticator, credential, { userPresent: false }, false, false);
    await expect(verify()).rejects.toThrow(/User not present during authentication/);
  });

  // A bad signature does not throw: verified is false, and the caller must check it.
  it('a tampered signature gives verified: false', async () => {
    for (const algorithm of ['ES256', 'Ed25519'] as const) {
      const authenticator = device();
      const { credential } = await registered(authenticator, { algorithm });
      const { verify } = await authenticate(authenticator, credential, { tamperSignature: true });
      expect((await verify()).verified).toBe(false);
    }
  });

  // verifyAuthenticationResponse never compares response.id with credential.id: the caller looks the
  // credential up by response.id (and checks it belongs to response.userHandle). An unknown id must end
  // there; verifying it against some other stored credential merely fails the signature.
  it('an unknown credential: its id is not stored, and its signature matches no stored key', async () => {
    const authenticator = device();
    const { credential, userHandle } = await registered(authenticator);
    const { response, verify } = await authenticate(authenticator, credential, { unknownCredential: true }, true);
    expect(response.id).not.toBe(credential.id);
    expect(response.response.userHandle).toBe(userHandle);
    expect((await verify()).verified).toBe(false);
  });

  it('the authenticator refuses when it holds none of allowCredentials, or none at all', async () => {
    const authenticator = device();
    const { credential } = await registered(authenticator);
    const elsewhere = await generateAuthenticationOptions({ rpID: RP_ID, allowCredentials: [{ id: randomBytes(32).toString('base64url') }] });
    await expect(authenticator.get(elsewhere)).rejects.toMatchObject({ name: 'NotAllowedError' });
    authenticator.remove(credential.id);
    await expect(authenticator.get(await generateAuthenticationOptions({ rpID: RP_ID }))).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  // simplewebauthn does not compare BE with the stored credential: the feature must (BE never changes).
  it('BE appearing later is reported, not refused', async () => {
    const authenticator = device();
    const { credential } = await registered(authenticator);
    const { verify } = await authenticate(authenticator, credential, { backupEligible: true, backedUp: false });
    await expect(verify()).resolves.toMatchObject({ verified: true, authenticationInfo: { credentialDeviceType: 'multiDevice' } });
  });
});

/**
 * Counters in simplewebauthn 14 (verifyAuthenticationResponse): it throws
 * `Response counter value N was lower than expected M` when (N > 0 || M > 0) && N <= M, with N the
 * response's counter and M `credential.counter`. So an equal counter is refused too (the message says
 * "lower" either way), 0 after 0 is accepted (authenticators without a counter, e.g. synced passkeys),
 * and 0 after a positive counter is refused. It throws rather than returning a flag: a possible clone
 * reaches the caller as an exception, and storing `authenticationInfo.newCounter` is the caller's job.
 */
describe('signature counters', () => {
  async function use(authenticator: SoftAuthenticator, credential: WebAuthnCredential, opts?: GetOptions): Promise<AuthenticationResponseJSON> {
    const { response, verify } = await authenticate(authenticator, credential, opts);
    const { authenticationInfo } = await verify();
    credential.counter = authenticationInfo.newCounter;
    return response;
  }

  it('increments by default and is accepted while it grows', async () => {
    const authenticator = device();
    const { credential } = await registered(authenticator);
    await use(authenticator, credential);
    await use(authenticator, credential, { signCount: 41 });
    await use(authenticator, credential);
    expect(credential.counter).toBe(42);
    expect(authenticator.credentials[0].signCount).toBe(42);
  });

  it('a counter going backwards (a clone) throws', async () => {
    const authenticator = device();
    const { credential } = await registered(authenticator);
    await use(authenticator, credential, { signCount: 5 });
    await expect(use(authenticator, credential, { signCount: 3 })).rejects.toThrow('Response counter value 3 was lower than expected 5');
  });

  it('a counter standing still throws', async () => {
    const authenticator = device();
    const { credential } = await registered(authenticator);
    await use(authenticator, credential, { signCount: 5 });
    await expect(use(authenticator, credential, { signCount: 5 })).rejects.toThrow('Response counter value 5 was lower than expected 5');
  });

  it('always 0 (no counter) is accepted, but 0 after a positive counter is not', async () => {
    const authenticator = device();
    const { credential } = await registered(authenticator, { zeroCounter: true });
    await use(authenticator, credential);
    await use(authenticator, credential);
    expect(credential.counter).toBe(0);
    await use(authenticator, credential, { signCount: 1 });
    await expect(use(authenticator, credential, { signCount: 0 })).rejects.toThrow('Response counter value 0 was lower than expected 1');
  });
});
