import type { ViewerContext } from '../core/context';
import type { AttemptLimits, LimitRule } from '../core/AttemptLimits';
import { failures, type Failure, type RateLimited } from '../core/results';
import type { User } from '../users/User';

/**
 * What a signed-in user offers to prove, again, that it is them, before a sensitive change (a new
 * password, a new address, deleting the account). Each field is one kind of factor; modules that add a
 * way to sign in add theirs.
 */
export interface ReauthProof {
  readonly password?: string;
}

/** One kind of factor a module can check (the password module checks `password`). */
export interface ReauthFactor {
  /** Whether the proof offers this factor. */
  offered(proof: ReauthProof): boolean;
  /** Whether the user has this factor at all (a passkey-only account has no password). */
  enrolled(user: User): Promise<boolean>;
  /** Whether the offered factor is right for this user. */
  verify(user: User, proof: ReauthProof): Promise<boolean>;
}

export type ReauthRefusal = Failure<'INVALID_CREDENTIALS'> | RateLimited;

/**
 * The one re-authenticator for sensitive changes. A proof is accepted when a factor it offers is right.
 * A user who has none of the factors that can be offered (an account without a password, signed in with
 * a passkey or another provider) may instead rely on a recent sign-in: `auth_time` within the window.
 * Checks are limited per user like logins: a stolen access token must not become unlimited guesses.
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
      const enrolled = await Promise.all(this.factors.map((factor) => factor.enrolled(user)));
      if (!enrolled.includes(true) && this.signedInRecently(ctx)) return null;
      return failures.invalidCredentials('current');
    }
    // Counted before anything is checked, so a blocked guess costs no work and reveals nothing.
    const limited = await this.limits.hit(this.rule, `user:${user.id}`);
    if (limited) return limited;
    for (const factor of offered) {
      if (!(await factor.verify(user, proof))) return failures.invalidCredentials('current');
    }
    await this.limits.reset(this.rule, `user:${user.id}`);
    return null;
  }

  /** A successful password reset proves the owner: their re-check failures are forgiven. */
  forgive(userId: string): Promise<void> {
    return this.limits.reset(this.rule, `user:${userId}`);
  }

  private signedInRecently(ctx: ViewerContext): boolean {
    return this.now() - ctx.viewer.authTime.getTime() <= this.recentSignInSeconds * 1000;
  }
}
