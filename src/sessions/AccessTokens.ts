import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, type JWSHeaderParameters } from 'jose';
import type { Viewer } from '../core/context';
import type { SigningKeys } from './SigningKeys';

/**
 * Access tokens: short-lived JWTs signed with the newest of the service's keys (HS256, EdDSA or
 * ES256), carrying its `kid`. Verification takes the key from the `kid` and pins that key's algorithm,
 * the issuer, the audience and the token type (RFC 9068 `at+jwt`), so a token for another service, an
 * `alg: none` token, a token that brings its own key or one of another type is refused before anything
 * else is looked at.
 */

const TOKEN_TYPE = 'at+jwt';

export interface TokenSettings {
  keys: SigningKeys;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface IssuedToken {
  token: string;
  jti: string;
  expiresAt: Date;
}

/** A verified token's claims: who the request is from (see core/context.ts). */
export type AccessClaims = Viewer;

/** How the session's user proved who they are: carried in every access token of the session. */
export interface Authentication {
  /** RFC 8176 authentication method references, e.g. `["pwd"]`. */
  readonly methods: readonly string[];
  /** When (`auth_time`, OpenID Connect Core section 2). */
  readonly at: Date;
}

/**
 * How many verified tokens are remembered. A client sends the same token on every request until it
 * expires, so checking its signature again is repeated work (and jose's WebCrypto verify is a hop to
 * libuv's thread pool). Only tokens that passed every check are kept, so a flood of forged tokens can
 * neither fill nor poison the cache; each entry is a few hundred bytes.
 */
const VERIFIED_CACHE_SIZE = 10_000;

export class AccessTokens {
  /** Token string -> its claims, in least-recently-used order (a Map keeps insertion order). */
  private readonly verified = new Map<string, AccessClaims>();

  constructor(
    private readonly settings: TokenSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async issue(userId: string, sessionId: string, authentication: Authentication): Promise<IssuedToken> {
    const jti = randomUUID();
    const issuedAt = Math.floor(this.now() / 1000);
    const exp = issuedAt + this.settings.ttlSeconds;
    const key = this.settings.keys.current;
    const token = await new SignJWT({
      sid: sessionId,
      amr: [...authentication.methods],
      auth_time: Math.floor(authentication.at.getTime() / 1000),
    })
      .setProtectedHeader({ alg: key.alg, typ: TOKEN_TYPE, kid: key.kid })
      .setSubject(userId)
      .setJti(jti)
      .setIssuedAt(issuedAt)
      .setExpirationTime(exp)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .sign(key.signWith);
    return { token, jti, expiresAt: new Date(exp * 1000) };
  }

  /**
   * The token's claims, or null for any token that is not one of ours and currently valid. A token that
   * already passed is answered from memory until its `exp` (the keys, issuer and audience are fixed for
   * the life of the process). Whether it is still live is the allowlist's question, asked every time.
   */
  async verify(token: string): Promise<AccessClaims | null> {
    const known = this.verified.get(token);
    if (known) {
      this.verified.delete(token);
      if (known.expiresAt.getTime() <= this.now()) return null;
      this.verified.set(token, known);
      return known;
    }
    const claims = await this.verifySignatureAndClaims(token);
    if (claims) {
      this.verified.set(token, claims);
      if (this.verified.size > VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    }
    return claims;
  }

  private async verifySignatureAndClaims(token: string): Promise<AccessClaims | null> {
    try {
      const keys = this.settings.keys;
      const keyFor = (header: JWSHeaderParameters) => {
        const key = keys.forHeader(header);
        if (!key) throw new Error('no acceptable key');
        return key.verifyWith;
      };
      const { payload } = await jwtVerify(token, keyFor, {
        algorithms: keys.algorithms,
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        typ: TOKEN_TYPE,
        requiredClaims: ['sub', 'sid', 'jti', 'iat', 'exp'],
        currentDate: new Date(this.now()),
      });
      const { sub, sid, jti, exp, iat, amr, auth_time: authTime } = payload;
      if (typeof sub !== 'string' || typeof sid !== 'string' || typeof jti !== 'string') return null;
      // Tokens issued before sessions recorded how they were signed in carry neither claim: they were
      // all password sign-ins, at the latest when the token was issued. They expire within minutes.
      const methods = Array.isArray(amr) && amr.every((m) => typeof m === 'string') ? (amr as string[]) : ['pwd'];
      const at = typeof authTime === 'number' ? authTime : iat!;
      return { userId: sub, sessionId: sid, jti, expiresAt: new Date(exp! * 1000), amr: methods, authTime: new Date(at * 1000) };
    } catch {
      return null;
    }
  }
}
