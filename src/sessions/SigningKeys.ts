import { createHash, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK, type JWSHeaderParameters } from 'jose';
import type { Config, JwtAlgorithm } from '../config/index';

export interface SigningKey {
  kid: string;
  alg: JwtAlgorithm;
  signWith: CryptoKey | Uint8Array;
  verifyWith: CryptoKey | Uint8Array;
  /** The public half as a JWK, for asymmetric keys only (never for HS256 secrets). */
  publicJwk?: JWK;
}

// Headers that would let a token name its own key or key location: never honoured, always refused.
const FORBIDDEN_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'] as const;

/**
 * The service's JWT keys. The newest key signs; every configured key verifies, so tokens signed before
 * a rotation stay valid until they expire. A token's key is chosen by its `kid` alone, and the
 * algorithm is the one that key was configured with: a token cannot pick its algorithm (no `none`, no
 * HS256-with-the-public-key confusion) nor bring its own key.
 */
export class SigningKeys {
  private readonly byKid: Map<string, SigningKey>;
  /** Every algorithm in use, for jose's own algorithm allowlist (fixed at start, read per verify). */
  readonly algorithms: JwtAlgorithm[];

  private constructor(private readonly keys: SigningKey[]) {
    this.byKid = new Map(keys.map((key) => [key.kid, key]));
    this.algorithms = [...new Set(keys.map((key) => key.alg))];
  }

  /** `ephemeral`: the signing key was made for this process, so every token dies on restart. */
  static async load(jwt: Config['jwt']): Promise<{ keys: SigningKeys; ephemeral: boolean }> {
    if (jwt.keys) {
      const keys = await Promise.all(jwt.keys.map(({ kid, alg, jwk }) => importKey(kid, alg, jwk)));
      return { keys: new SigningKeys(keys), ephemeral: false };
    }
    if (jwt.algorithm === 'HS256') {
      // A stable kid for the secret that reveals nothing usable about it.
      const kid = `hs256-${createHash('sha256').update('kid:').update(jwt.secret).digest('hex').slice(0, 16)}`;
      // A secret made for this process (no JWT_SECRET given) dies with it, like a generated key pair.
      return {
        keys: new SigningKeys([{ kid, alg: 'HS256', signWith: jwt.secret, verifyWith: jwt.secret }]),
        ephemeral: jwt.secretGenerated,
      };
    }
    // Development without JWT_KEYS: a key pair for this process only (config refuses this in production).
    const { privateKey, publicKey } = await generateKeyPair(jwt.algorithm, { extractable: true });
    const kid = `dev-${randomUUID()}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: jwt.algorithm, use: 'sig' };
    return {
      keys: new SigningKeys([{ kid, alg: jwt.algorithm, signWith: privateKey, verifyWith: publicKey, publicJwk }]),
      ephemeral: true,
    };
  }

  /** The key new tokens are signed with: the last one configured. */
  get current(): SigningKey {
    return this.keys[this.keys.length - 1];
  }

  /** The key that may verify a token with this protected header, or undefined to refuse the token. */
  forHeader(header: JWSHeaderParameters): SigningKey | undefined {
    if (FORBIDDEN_HEADERS.some((name) => name in header)) return undefined;
    const key = header.kid === undefined ? undefined : this.byKid.get(header.kid);
    return key && header.alg === key.alg ? key : undefined;
  }

  /** The JSON Web Key Set published at /.well-known/jwks.json: public keys only. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.flatMap((key) => (key.publicJwk ? [key.publicJwk] : [])) };
  }
}

async function importKey(kid: string, alg: JwtAlgorithm, jwk: Readonly<Record<string, string>>): Promise<SigningKey> {
  if (alg === 'HS256') {
    const secret = Buffer.from(jwk.k, 'base64url');
    return { kid, alg, signWith: secret, verifyWith: secret };
  }
  const { d: _private, ...publicPart } = jwk;
  const publicJwk: JWK = { kty: publicPart.kty, crv: publicPart.crv, x: publicPart.x, ...(publicPart.y && { y: publicPart.y }), kid, alg, use: 'sig' };
  return {
    kid,
    alg,
    signWith: (await importJWK({ ...jwk, alg }, alg)) as CryptoKey,
    verifyWith: (await importJWK(publicJwk, alg)) as CryptoKey,
    publicJwk,
  };
}
