import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
// cborg is ESM-only (no "require" export): this file runs inside vitest, which loads it as ESM.
import { encode } from 'cborg';

/** The algorithms the software authenticator offers, by their COSE identifiers (IANA COSE Algorithms). */
export const ALGORITHMS = { ES256: -7, Ed25519: -8 } as const;
export type Algorithm = keyof typeof ALGORITHMS;

export interface KeyPair {
  /** The credential public key as the authenticator puts it in attested credential data (RFC 9052 §7). */
  cosePublicKey: Uint8Array;
  /** SubjectPublicKeyInfo DER, what a browser returns as `response.publicKey`. */
  spki: Buffer;
  /** The signature a WebAuthn relying party expects for this algorithm (WebAuthn L3 §6.5.6). */
  sign(data: Buffer): Buffer;
}

// COSE key parameters (RFC 9052 §7.1, RFC 9053 §7): labels are integers, most of them negative.
const KTY = 1, ALG = 3, CRV = -1, X = -2, Y = -3;
const KTY_OKP = 1, KTY_EC2 = 2, CRV_P256 = 1, CRV_ED25519 = 6;

export function newKeyPair(algorithm: Algorithm): KeyPair {
  return algorithm === 'ES256' ? es256() : ed25519();
}

function es256(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    cosePublicKey: coseKey([
      [KTY, KTY_EC2],
      [ALG, ALGORITHMS.ES256],
      [CRV, CRV_P256],
      [X, Buffer.from(jwk.x!, 'base64url')],
      [Y, Buffer.from(jwk.y!, 'base64url')],
    ]),
    spki: spki(publicKey),
    // WebAuthn wants ECDSA signatures DER-encoded (ASN.1 Ecdsa-Sig-Value), which is node's default.
    sign: (data) => sign('sha256', data, { key: privateKey, dsaEncoding: 'der' }),
  };
}

function ed25519(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    cosePublicKey: coseKey([
      [KTY, KTY_OKP],
      [ALG, ALGORITHMS.Ed25519],
      [CRV, CRV_ED25519],
      [X, Buffer.from(jwk.x!, 'base64url')],
    ]),
    spki: spki(publicKey),
    // EdDSA hashes internally: no digest name.
    sign: (data) => sign(null, data, privateKey),
  };
}

/** A CBOR map with integer keys: a JS object would give string keys ("-1"), which no verifier accepts. */
function coseKey(entries: [number, number | Buffer][]): Uint8Array {
  return encode(new Map(entries));
}

function spki(publicKey: KeyObject): Buffer {
  return publicKey.export({ type: 'spki', format: 'der' });
}
