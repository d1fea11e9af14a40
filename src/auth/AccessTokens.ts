import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

/**
 * Access tokens: short-lived JWTs signed with HS256. Verification pins the algorithm, issuer, audience
 * and token type, so a token for another service, an `alg: none` token or a token of another type
 * (RFC 9068 `at+jwt`) is refused before anything else is looked at.
 */

const ALGORITHM = 'HS256';
const TOKEN_TYPE = 'at+jwt';

export interface TokenSettings {
  secret: Uint8Array;
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
    const token = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: ALGORITHM, typ: TOKEN_TYPE })
      .setSubject(userId)
      .setJti(jti)
      .setIssuedAt(issuedAt)
      .setExpirationTime(exp)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .sign(this.settings.secret);
    return { token, jti, expiresAt: new Date(exp * 1000) };
  }

  /** The token's claims, or null for any token that is not one of ours and currently valid. */
  async verify(token: string): Promise<AccessClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.settings.secret, {
        algorithms: [ALGORITHM],
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
