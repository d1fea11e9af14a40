import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, type JWSHeaderParameters } from 'jose';
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

export interface AccessClaims {
  userId: string;
  /** The session (device) the token was issued in: `sid`. */
  sessionId: string;
  jti: string;
  expiresAt: Date;
}

export class AccessTokens {
  constructor(
    private readonly settings: TokenSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async issue(userId: string, sessionId: string): Promise<IssuedToken> {
    const jti = randomUUID();
    const issuedAt = Math.floor(this.now() / 1000);
    const exp = issuedAt + this.settings.ttlSeconds;
    const key = this.settings.keys.current;
    const token = await new SignJWT({ sid: sessionId })
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

  /** The token's claims, or null for any token that is not one of ours and currently valid. */
  async verify(token: string): Promise<AccessClaims | null> {
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
      const { sub, sid, jti, exp } = payload;
      if (typeof sub !== 'string' || typeof sid !== 'string' || typeof jti !== 'string') return null;
      return { userId: sub, sessionId: sid, jti, expiresAt: new Date(exp! * 1000) };
    } catch {
      return null;
    }
  }
}
