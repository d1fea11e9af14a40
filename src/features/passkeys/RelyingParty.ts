import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoBase64URL, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import type { AuthMethod } from '../../login/LoginFlow';
import type { PasskeyDeviceType } from './Passkey';

/**
 * The WebAuthn relying party: options for the browser and verification of what comes back, all
 * through @simplewebauthn/server (no CBOR or COSE is parsed here). What the library leaves to its
 * caller is done here: it always gets the RP ID (at registration it would otherwise skip the RP ID
 * hash), a bad signature is a refusal (the library answers `verified: false` rather than throwing),
 * and the backup-eligible flag must match the stored one (an authenticator sets it once).
 *
 * Every answer is a plain outcome; a refusal carries the library's reason for the log only, never
 * for the client.
 */

export interface RelyingPartySettings {
  readonly rpId: string;
  readonly rpName: string;
  readonly origins: readonly string[];
}

/** What registration leaves to store. */
export interface NewCredential {
  readonly credentialId: string;
  readonly publicKey: Buffer;
  readonly counter: number;
  readonly transports: string[];
  readonly deviceType: PasskeyDeviceType;
  readonly backedUp: boolean;
  readonly userVerified: boolean;
}

/** A stored credential, as an assertion is checked against it. */
export interface KnownCredential {
  readonly credentialId: string;
  readonly publicKey: Buffer;
  readonly counter: number;
  readonly transports: readonly string[];
  readonly deviceType: PasskeyDeviceType;
}

export type AssertionOutcome =
  | {
      readonly kind: 'verified';
      readonly newCounter: number;
      readonly userVerified: boolean;
      readonly deviceType: PasskeyDeviceType;
      readonly backedUp: boolean;
    }
  /** A genuine signature whose counter did not move past the stored one: two copies of the key exist. */
  | { readonly kind: 'counter-went-back'; readonly reason: string }
  | { readonly kind: 'refused'; readonly reason: string };

export type CreationOutcome = ({ readonly kind: 'created' } & NewCredential) | { readonly kind: 'refused'; readonly reason: string };

/** Ed25519, ES256, and RS256 (Windows Hello): what authenticators offer, strongest first. */
const ALGORITHMS = [-8, -7, -257];
const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);
/** How long the browser waits for the user: as long as the challenge lives. */
const CEREMONY_TIMEOUT_MS = 5 * 60_000;

export class RelyingParty {
  constructor(private readonly settings: RelyingPartySettings) {}

  /**
   * Options for `navigator.credentials.create()`: a discoverable credential (resident key) with user
   * verification, so every passkey can sign in alone, without an email and without a password.
   */
  creationOptions(
    user: { handle: string; name: string; displayName: string },
    challenge: string,
    exclude: readonly { credentialId: string; transports: readonly string[] }[],
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    return generateRegistrationOptions({
      rpName: this.settings.rpName,
      rpID: this.settings.rpId,
      userName: user.name,
      userID: isoBase64URL.toBuffer(user.handle),
      userDisplayName: user.displayName,
      // Bytes, not a string: the library would take a string as text and encode its UTF-8.
      challenge: isoBase64URL.toBuffer(challenge),
      timeout: CEREMONY_TIMEOUT_MS,
      // Attestation would identify the make of authenticator; nothing here decides on it.
      attestationType: 'none',
      // The authenticator refuses to make a second credential for an account it already serves.
      excludeCredentials: exclude.map((c) => ({ id: c.credentialId, transports: [...c.transports] })),
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      supportedAlgorithmIDs: ALGORITHMS,
    });
  }

  /** Options for `navigator.credentials.get()`: any discoverable passkey when `allow` is empty. */
  requestOptions(
    challenge: string,
    allow: readonly { credentialId: string; transports: readonly string[] }[],
    userVerification: 'required' | 'preferred',
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return generateAuthenticationOptions({
      rpID: this.settings.rpId,
      challenge: isoBase64URL.toBuffer(challenge),
      timeout: CEREMONY_TIMEOUT_MS,
      allowCredentials: allow.map((c) => ({ id: c.credentialId, transports: [...c.transports] })),
      userVerification,
    });
  }

  /** Checks a registration response against the challenge it must answer; user verification required. */
  async verifyCreation(response: unknown, challenge: string): Promise<CreationOutcome> {
    try {
      const { verified, registrationInfo: info } = await verifyRegistrationResponse({
        response: response as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: [...this.settings.origins],
        // Always given: without it the library does not check the RP ID hash at all.
        expectedRPID: this.settings.rpId,
        requireUserVerification: true,
        supportedAlgorithmIDs: ALGORITHMS,
      });
      if (!verified) return refused('registration not verified');
      // The id the client reports must be the one in the signed authenticator data.
      if ((response as RegistrationResponseJSON).id !== info.credential.id) return refused('response id differs from the credential id');
      const reported = info.credential.transports ?? (response as RegistrationResponseJSON).response.transports ?? [];
      return {
        kind: 'created',
        credentialId: info.credential.id,
        publicKey: Buffer.from(info.credential.publicKey),
        counter: info.credential.counter,
        transports: [...new Set(reported.filter((t): t is AuthenticatorTransport => typeof t === 'string' && TRANSPORTS.has(t)))],
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        userVerified: info.userVerified,
      };
    } catch (error) {
      return refused(reasonOf(error));
    }
  }

  /**
   * Checks an assertion made with a stored credential. The signature counter follows the library's
   * rule: it must grow, unless the authenticator keeps none (0 every time). A counter that did not
   * grow is told apart from other refusals only when the signature is otherwise genuine, so a
   * made-up response cannot raise a clone alarm.
   */
  async verifyAssertion(response: unknown, challenge: string, credential: KnownCredential, requireUserVerification: boolean): Promise<AssertionOutcome> {
    try {
      const reported = counterOf(response);
      const stalled = (reported > 0 || credential.counter > 0) && reported <= credential.counter;
      const { verified, authenticationInfo: info } = await verifyAuthenticationResponse({
        response: response as AuthenticationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: [...this.settings.origins],
        expectedRPID: this.settings.rpId,
        requireUserVerification,
        credential: {
          id: credential.credentialId,
          publicKey: new Uint8Array(credential.publicKey),
          // A stalled counter is checked with 0, which the library never refuses: only the rest decides.
          counter: stalled ? 0 : credential.counter,
          transports: credential.transports as AuthenticatorTransport[],
        },
      });
      // A wrong signature is `verified: false`, not an exception.
      if (!verified) return refused('signature not verified');
      if (stalled) return { kind: 'counter-went-back', reason: `counter ${reported} after ${credential.counter}` };
      if (info.credentialDeviceType !== credential.deviceType) return refused('backup eligibility changed');
      return {
        kind: 'verified',
        newCounter: info.newCounter,
        userVerified: info.userVerified,
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
      };
    } catch (error) {
      return refused(reasonOf(error));
    }
  }
}

/**
 * RFC 8176 values for a passkey sign-in. A passkey that can be synced (backup eligible: the
 * authenticator says so in the signed data, and never changes it) lives in a cloud keychain as
 * software, so `swk`; one bound to its device (a security key, a TPM, a phone's secure element) is
 * `hwk`. Not decided from transports or attachment, which the browser reports unsigned. `user` when the
 * authenticator verified its user (PIN or biometric).
 */
export function amrOf(deviceType: PasskeyDeviceType, userVerified: boolean): AuthMethod[] {
  return [deviceType === 'multiDevice' ? 'swk' : 'hwk', ...(userVerified ? ['user' as const] : [])];
}

/** The credential id a response names, if it has the shape of one. */
export function credentialIdOf(response: unknown): string | null {
  const id = (response as { id?: unknown } | null)?.id;
  return typeof id === 'string' && /^[A-Za-z0-9_-]{1,1400}$/.test(id) ? id : null;
}

/** The user handle a response carries (discoverable credentials return it), if any. */
export function userHandleOf(response: unknown): string | undefined {
  const handle = (response as { response?: { userHandle?: unknown } } | null)?.response?.userHandle;
  return typeof handle === 'string' ? handle : undefined;
}

/** The signature counter in the response's authenticator data, read with the library's parser. */
function counterOf(response: unknown): number {
  const data = (response as { response?: { authenticatorData?: unknown } } | null)?.response?.authenticatorData;
  if (typeof data !== 'string') throw new Error('no authenticator data');
  return parseAuthenticatorData(isoBase64URL.toBuffer(data)).counter;
}

function refused(reason: string): { kind: 'refused'; reason: string } {
  return { kind: 'refused', reason };
}

/**
 * The library's reason, for the log: its messages quote what they compared, and a challenge mismatch
 * quotes the server's challenge (`... challenge "<got>", expected "<ours>"`). Quoted values are cut
 * out, so no challenge, origin or id a client sent reaches a log line.
 */
export function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/"[^"]*"/g, '"…"').slice(0, 200);
}
