import { createHash, randomBytes } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
// cborg is ESM-only (no "require" export): this file runs inside vitest, which loads it as ESM.
import { encode } from 'cborg';
import { ALGORITHMS, newKeyPair, type Algorithm, type KeyPair } from './softAuthenticatorKeys';

export type { Algorithm } from './softAuthenticatorKeys';

/**
 * A software WebAuthn authenticator plus the browser's part of a ceremony (clientDataJSON, the JSON
 * encoding of the response), so integration tests exercise the server with real signatures over real
 * authenticator data and real CBOR, never a mock. Attestation is always `none`; every credential is
 * discoverable (resident), so it can answer a usernameless `get` with its user handle.
 *
 * Each knob in {@link CeremonyOptions} produces one response a server must refuse.
 */
export class SoftAuthenticator {
  private readonly stored: StoredCredential[] = [];

  constructor(private readonly settings: SoftAuthenticatorSettings) {}

  /** The credentials it holds, for assertions; the private keys stay inside. */
  get credentials(): readonly CredentialSummary[] {
    return this.stored.map(({ id, rpId, userHandle, algorithm, signCount, backupEligible }) => ({
      id, rpId, userHandle, algorithm, signCount, backupEligible,
    }));
  }

  /** Forgets a credential, as when the user deletes a passkey on the device. */
  remove(credentialId: string): void {
    const index = this.stored.findIndex((c) => c.id === credentialId);
    if (index >= 0) this.stored.splice(index, 1);
  }

  /** `navigator.credentials.create()` followed by `toJSON()`. */
  async create(options: PublicKeyCredentialCreationOptionsJSON, opts: CreateOptions = {}): Promise<RegistrationResponseJSON> {
    const rpId = options.rp.id ?? new URL(this.settings.origin).hostname;
    const offered = options.pubKeyCredParams.map((p) => p.alg);
    const algorithm = opts.algorithm ?? (Object.keys(ALGORITHMS) as Algorithm[])
      .filter((name) => offered.includes(ALGORITHMS[name]))
      .sort((a, b) => offered.indexOf(ALGORITHMS[a]) - offered.indexOf(ALGORITHMS[b]))[0];
    if (!algorithm || !offered.includes(ALGORITHMS[algorithm])) {
      throw new AuthenticatorRefusal('NotSupportedError', `none of the offered algorithms (${offered.join(', ')}) is supported`);
    }
    // A real authenticator refuses to make a second credential for an account it already serves.
    const excluded = new Set((options.excludeCredentials ?? []).map((c) => c.id));
    if (this.stored.some((c) => c.rpId === rpId && excluded.has(c.id))) {
      throw new AuthenticatorRefusal('InvalidStateError', 'a credential in excludeCredentials is on this authenticator');
    }

    const key = newKeyPair(algorithm);
    const credential: StoredCredential = {
      id: randomBytes(32).toString('base64url'),
      rpId,
      userHandle: options.user.id,
      algorithm,
      key,
      signCount: opts.signCount ?? 0,
      zeroCounter: opts.zeroCounter ?? false,
      backupEligible: opts.backupEligible ?? this.settings.backupEligible ?? false,
    };
    this.stored.push(credential);

    const attestedCredentialData = Buffer.concat([
      this.settings.aaguid ?? Buffer.alloc(16),
      u16(Buffer.from(credential.id, 'base64url').length),
      Buffer.from(credential.id, 'base64url'),
      key.cosePublicKey,
    ]);
    const authData = authenticatorData(credential, opts, credential.signCount, attestedCredentialData);
    // attStmt must be an empty CBOR map for `none`; a JS Map keeps cborg from writing it as anything else.
    const attestationObject = encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));

    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON: this.clientData('webauthn.create', options.challenge, opts),
        attestationObject: Buffer.from(attestationObject).toString('base64url'),
        authenticatorData: authData.toString('base64url'),
        transports: this.transports,
        publicKeyAlgorithm: ALGORITHMS[algorithm],
        publicKey: key.spki.toString('base64url'),
      },
      authenticatorAttachment: this.settings.attachment ?? 'platform',
      // What a browser answers when asked for credProps: this authenticator always makes resident keys.
      clientExtensionResults: options.extensions?.credProps ? { credProps: { rk: true } } : {},
    };
  }

  /** `navigator.credentials.get()` followed by `toJSON()`. */
  async get(options: PublicKeyCredentialRequestOptionsJSON, opts: GetOptions = {}): Promise<AuthenticationResponseJSON> {
    const rpId = options.rpId ?? new URL(this.settings.origin).hostname;
    const credential = opts.unknownCredential ? this.stranger(rpId) : this.pick(rpId, options, opts.credentialId);

    if (opts.signCount !== undefined) credential.signCount = opts.signCount;
    else if (!credential.zeroCounter) credential.signCount += 1;

    const authData = authenticatorData(credential, opts, credential.signCount);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, opts);
    const clientDataHash = createHash('sha256').update(Buffer.from(clientDataJSON, 'base64url')).digest();
    const signature = credential.key.sign(Buffer.concat([authData, clientDataHash]));
    if (opts.tamperSignature) signature[signature.length - 1] ^= 0x01;

    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON,
        authenticatorData: authData.toString('base64url'),
        signature: signature.toString('base64url'),
        userHandle: credential.userHandle,
      },
      authenticatorAttachment: this.settings.attachment ?? 'platform',
      clientExtensionResults: {},
    };
  }

  private get transports(): AuthenticatorTransport[] {
    return this.settings.transports ?? ['internal', 'hybrid'];
  }

  /** An allowed credential, or for an empty allow list (usernameless) the newest resident one of the RP. */
  private pick(rpId: string, options: PublicKeyCredentialRequestOptionsJSON, credentialId?: string): StoredCredential {
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const candidates = this.stored.filter(
      (c) => c.rpId === rpId && (allowed.size === 0 || allowed.has(c.id)) && (credentialId === undefined || c.id === credentialId),
    );
    const credential = candidates.at(-1);
    if (!credential) throw new AuthenticatorRefusal('NotAllowedError', `no credential for ${rpId} matches the request`);
    return credential;
  }

  /** A credential the server never registered: fresh key, fresh id, same user handle as any held. */
  private stranger(rpId: string): StoredCredential {
    const algorithm = this.stored[0]?.algorithm ?? 'ES256';
    return {
      id: randomBytes(32).toString('base64url'),
      rpId,
      userHandle: this.stored.find((c) => c.rpId === rpId)?.userHandle ?? randomBytes(16).toString('base64url'),
      algorithm,
      key: newKeyPair(algorithm),
      signCount: 0,
      zeroCounter: false,
      backupEligible: false,
    };
  }

  /** The browser's CollectedClientData (WebAuthn L3 §5.8.1), base64url of its JSON bytes. */
  private clientData(type: string, challenge: string, opts: CeremonyOptions): string {
    const json = JSON.stringify({
      type: opts.type ?? type,
      challenge: opts.challenge ?? challenge,
      origin: opts.origin ?? this.settings.origin,
      crossOrigin: false,
    });
    return Buffer.from(json, 'utf8').toString('base64url');
  }
}

/**
 * rpIdHash (32) | flags (1) | signCount (4, big-endian) | attestedCredentialData (WebAuthn L3 §6.1).
 * Extensions (ED) are never sent.
 */
function authenticatorData(credential: StoredCredential, opts: CeremonyOptions, signCount: number, attested?: Buffer): Buffer {
  const backupEligible = opts.backupEligible ?? credential.backupEligible;
  // A device that may back a credential up is taken to have done so, as synced passkeys have.
  const backedUp = opts.backedUp ?? backupEligible;
  const flags =
    ((opts.userPresent ?? true) ? FLAG.UP : 0) |
    ((opts.userVerified ?? true) ? FLAG.UV : 0) |
    (backupEligible ? FLAG.BE : 0) |
    (backedUp ? FLAG.BS : 0) |
    (attested ? FLAG.AT : 0);
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(signCount);
  return Buffer.concat([
    createHash('sha256').update(opts.rpId ?? credential.rpId).digest(),
    Buffer.from([flags]),
    counter,
    attested ?? Buffer.alloc(0),
  ]);
}

const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;

function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}

/** How the device presents itself; fixed for its lifetime. */
export interface SoftAuthenticatorSettings {
  /** The origin of the page the simulated browser is on, e.g. `https://auth.example.test`. */
  origin: string;
  /** Reported in attested credential data; all zeros (as for `none` attestation) by default. */
  aaguid?: Buffer;
  /** Default `['internal', 'hybrid']`, as a phone's or laptop's passkey store reports. */
  transports?: AuthenticatorTransport[];
  /** Default `platform`. */
  attachment?: 'platform' | 'cross-platform';
  /** Default for new credentials: whether they may be synced (BE). Default false. */
  backupEligible?: boolean;
}

/** Knobs for one ceremony. Left out, each gives the answer of an honest, present, verified user. */
export interface CeremonyOptions {
  /** clientData.origin, as if the ceremony ran on another site (phishing). */
  origin?: string;
  /** The RP ID hashed into authenticator data instead of the requested one. */
  rpId?: string;
  /** clientData.challenge instead of the server's (a replayed or foreign response). */
  challenge?: string;
  /** clientData.type instead of `webauthn.create` / `webauthn.get`. */
  type?: string;
  /** UP flag; default true. */
  userPresent?: boolean;
  /** UV flag (PIN or biometric checked); default true. */
  userVerified?: boolean;
  /** BE flag; default the credential's own (set at creation). Changing it later is a protocol violation. */
  backupEligible?: boolean;
  /** BS flag; default equal to BE. BS without BE is impossible for an honest authenticator. */
  backedUp?: boolean;
  /** The signature counter to report (and keep). Lower than before simulates a cloned authenticator. */
  signCount?: number;
}

export interface CreateOptions extends CeremonyOptions {
  /** Default: the first of options.pubKeyCredParams that this authenticator supports. */
  algorithm?: Algorithm;
  /** Report 0 at every use, as synced platform passkeys do (no counter). */
  zeroCounter?: boolean;
}

export interface GetOptions extends CeremonyOptions {
  /** Use this held credential (must still be allowed by the request). */
  credentialId?: string;
  /** Answer with a fresh credential the server never registered. */
  unknownCredential?: boolean;
  /** Flip a bit of the signature. */
  tamperSignature?: boolean;
}

export interface CredentialSummary {
  id: string;
  rpId: string;
  /** base64url, as options.user.id was given. */
  userHandle: string;
  algorithm: Algorithm;
  signCount: number;
  backupEligible: boolean;
}

interface StoredCredential extends CredentialSummary {
  key: KeyPair;
  zeroCounter: boolean;
}

/** What a browser rejects the promise with; `name` is the DOMException name it would use. */
export class AuthenticatorRefusal extends Error {
  constructor(
    override readonly name: 'NotAllowedError' | 'InvalidStateError' | 'NotSupportedError',
    message: string,
  ) {
    super(message);
  }
}
