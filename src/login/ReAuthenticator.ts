import type { ViewerContext } from '../core/context';
import type { AttemptLimits, LimitRule } from '../core/AttemptLimits';
import { failure, type Failure, type RateLimited } from '../core/results';
import type { User } from '../users/User';
import { signedInWithin } from './recentSignIn';

/**
 * What a signed-in user offers to prove, again, that it is them, before a sensitive change (a new
 * password, a new address, deleting the account). Each field is one kind of factor; modules that add a
 * way to sign in add theirs.
 */
export interface ReauthProof {
  readonly password?: string;
  /** A code from an authenticator app, or a recovery code. */
  readonly code?: string;
  /** A fresh passkey assertion: the response to a re-authentication challenge, and that challenge's id. */
  readonly passkey?: { readonly challengeId: string; readonly response: unknown };
}

/** One kind of factor a module can check (the password module checks `password`). */
export interface ReauthFactor {
  /** Whether the proof offers this factor. */
  offered(proof: ReauthProof): boolean;
  /** Whether the offered factor is right for this user (a one-time code is used up by it). */
  verify(ctx: ViewerContext, user: User, proof: ReauthProof): Promise<boolean>;
  /**
   * Only for a factor its owner can always offer (a password, which they can always type): whether the
   * user has it (a passkey-only account has no password). While they do, a recent sign-in does not
   * stand in for it; accounts without such a factor may rely on a recent sign-in instead.
   */
  rulesOutRecentSignIn?(user: User): Promise<boolean>;
  /** What to say when the offered factor is wrong. */
  readonly wrongMessage: string;
}

export type ReauthRefusal = Failure<'INVALID_CREDENTIALS'> | RateLimited;

/**
 * The one re-authenticator for sensitive changes. A proof is accepted when every factor it offers is
 * right: a password, a code, a fresh passkey assertion, or several. An account without a password (signed in with a passkey or
 * another provider) may instead rely on a recent sign-in: `auth_time` within the window. Checks are
 * limited per user like logins: a stolen access token must not become unlimited guesses.
 */
export class ReAuthenticator {
  private readonly factors: ReauthFactor[] = [];

  constructor(
    private readonly limits: AttemptLimits,
    private readonly rule: LimitRule,
    /** How recent a sign-in stands in for a factor the account does not have. */
    private readonly recentSignInSeconds: number,
    private readonly now: () => number,
  ) {}

  /** Modules register their factor at start-up. */
  register(factor: ReauthFactor): void {
    this.factors.push(factor);
  }

  /** Null when the proof holds; otherwise the failure to answer with. */
  async verify(ctx: ViewerContext, user: User, proof: ReauthProof): Promise<ReauthRefusal | null> {
    const offered = this.factors.filter((factor) => factor.offered(proof));
    if (offered.length === 0) {
      const ruledOut = await Promise.all(this.factors.map((factor) => factor.rulesOutRecentSignIn?.(user) ?? false));
      if (!ruledOut.includes(true) && this.signedInRecently(ctx)) return null;
      return failure('INVALID_CREDENTIALS', 'Confirm it is you with your current password, a one-time code or a passkey.');
    }
    // Counted before anything is checked, so a blocked guess costs no work and reveals nothing.
    const limited = await this.limits.hit(this.rule, `user:${user.id}`);
    if (limited) return limited;
    for (const factor of offered) {
      if (!(await factor.verify(ctx, user, proof))) return failure('INVALID_CREDENTIALS', factor.wrongMessage);
    }
    await this.limits.reset(this.rule, `user:${user.id}`);
    return null;
  }

  /** A successful password reset proves the owner: their re-check failures are forgiven. */
  forgive(userId: string): Promise<void> {
    return this.limits.reset(this.rule, `user:${userId}`);
  }

  private signedInRecently(ctx: ViewerContext): boolean {
    return signedInWithin(ctx, this.recentSignInSeconds, this.now());
  }
}
