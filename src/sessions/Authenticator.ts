import type { TokenAllowlist } from '../core/TokenAllowlist';
import type { AccessClaims, AccessTokens } from './AccessTokens';

/**
 * What a request's `Authorization` header amounts to:
 * - `anonymous`: no header at all;
 * - `invalid`: a header whose token is malformed, badly signed, expired, for another issuer or audience,
 *   or no longer in the allowlist (logged out, revoked);
 * - `authenticated`: a live token, with its claims.
 */
export type AuthState =
  | { kind: 'anonymous' }
  | { kind: 'invalid' }
  | { kind: 'authenticated'; claims: AccessClaims };

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export class Authenticator {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly allowlist: TokenAllowlist,
    private readonly onCheck: (live: boolean) => void = () => undefined,
  ) {}

  /**
   * First half: the token's signature and claims, without asking the allowlist; `confirm` asks it.
   * Never enough to act on by itself. Never throws for a bad token: that is a state, not an error.
   */
  async verify(header: string | undefined): Promise<AuthState> {
    if (header === undefined || header.trim() === '') return { kind: 'anonymous' };
    const match = BEARER.exec(header);
    if (!match) return { kind: 'invalid' };
    const claims = await this.tokens.verify(match[1]);
    return claims ? { kind: 'authenticated', claims } : { kind: 'invalid' };
  }

  /**
   * Second half: a verified token is live only while the allowlist has it. Throws
   * DependencyUnavailableError when the allowlist cannot be reached: a token we cannot check is refused.
   */
  async confirm(verified: AuthState): Promise<AuthState> {
    if (verified.kind !== 'authenticated') return verified;
    const live = await this.allowlist.isLive(verified.claims.userId, verified.claims.jti);
    this.onCheck(live);
    return live ? verified : { kind: 'invalid' };
  }
}
