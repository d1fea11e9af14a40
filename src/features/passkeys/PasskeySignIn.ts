import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AttemptLimits, LimitRule } from '../../core/AttemptLimits';
import type { ServiceContext, ViewerContext } from '../../core/context';
import { sha256 } from '../../core/digest';
import { NotAllowedNowError } from '../../core/errors';
import type { RateLimited } from '../../core/results';
import type { Transactions } from '../../core/Transactions';
import { normalizeEmail } from '../../core/validation';
import type { LoginFlow, LoginOutcome, SecondStepOutcome } from '../../login/LoginFlow';
import type { ReauthFactor, ReauthProof } from '../../login/ReAuthenticator';
import { declareSecondFactorMethod, type SecondFactor, type SecondFactorMethod } from '../../login/SecondFactors';
import type { User } from '../../users/User';
import { viewerUser } from '../../users/users';
import { invalidPasskey, type InvalidPasskey, type PasskeyAssertions } from './PasskeyAssertions';
import type { PasskeyChallenges } from './PasskeyChallenges';
import { Passkey, passkeysOf } from './Passkey';
import type { PasskeyChallenge } from './PasskeyService';
import type { RelyingParty } from './RelyingParty';

export const PASSKEY = declareSecondFactorMethod('PASSKEY', 'One of the passkeys of the account (`startPasskeySecondFactor`, then `verifySecondFactorWithPasskey`).');

/**
 * Signing in with a passkey: alone (with or without an email), as the second step after a password,
 * and as the re-check before a sensitive change. Each ceremony gets its own challenge, bound to its
 * purpose and to whom it was issued for, and used up by the first response.
 *
 * A sign-in by passkey alone needs user verification (a PIN or biometric on the authenticator): with
 * it, the passkey is two factors (something held and something known or been), so the login flow asks
 * for no second factor. As a second step after a password it need not verify the user.
 *
 * Enumeration: `startLogin(email)` answers the same whether or not an account has that address (the
 * options never list credentials, every passkey being discoverable, and nothing is looked up), and a
 * finish with a wrong or unknown account gives the same refusal as any other.
 */
export class PasskeySignIn implements SecondFactor, ReauthFactor {
  constructor(
    private readonly orm: MikroORM,
    private readonly transactions: Transactions,
    private readonly loginFlow: LoginFlow,
    private readonly limits: AttemptLimits,
    private readonly rules: { failures: LimitRule },
    private readonly challenges: PasskeyChallenges,
    private readonly relyingParty: RelyingParty,
    private readonly assertions: PasskeyAssertions,
    /** Counts a challenge handed to an anonymous caller (throws past the limit). */
    private readonly countChallenge: (ctx: ServiceContext) => Promise<void>,
  ) {}

  /**
   * Options for a sign-in. With `email`, the challenge is bound to that address (the passkey must be
   * its account's) but the options are the same as without: no account lookup, no credential list.
   */
  async startLogin(ctx: ServiceContext, email: string | undefined): Promise<PasskeyChallenge> {
    await this.countChallenge(ctx);
    const issued = await this.challenges.issue('login', email === undefined ? {} : { email: normalizeEmail(email) });
    const options = await this.relyingParty.requestOptions(issued.challenge, [], 'required');
    return { challengeId: issued.challengeId, options, expiresAt: issued.expiresAt };
  }

  async finishLogin(ctx: ServiceContext, challengeId: string, response: unknown): Promise<LoginOutcome | InvalidPasskey | RateLimited> {
    // As for passwords: an address over its failure limit is refused before anything else, then the
    // account is counted before its credential is checked.
    const address = this.limits.address(ctx.client.ipAddress);
    const blocked = await this.limits.peek(this.rules.failures, address);
    if (blocked) return blocked;
    const state = await this.challenges.take(challengeId, 'login');
    if (!state) return this.refuseLogin(address);
    // The account: the one the sign-in named (known or not, counted the same), else the passkey's.
    const accountEmail = state.email ?? (await this.assertions.ownerOf(this.orm.em.fork(), response))?.email;
    if (accountEmail !== undefined) {
      const limited = await this.loginFlow.countAttempt(accountEmail);
      if (limited) return limited;
    }
    const outcome = await this.transactions.run(ctx, async (tx) => {
      const checked = await this.assertions.check(tx, { state, response, requireUserVerification: true, email: state.email });
      if (checked.kind === 'refused') {
        if (checked.userId) await tx.publish({ type: 'sign-in-failed', userId: checked.userId });
        return null;
      }
      return this.loginFlow.complete(tx, checked.user, { methods: checked.amr, multiFactor: checked.userVerified });
    });
    return outcome ?? this.refuseLogin(address);
  }

  /** Options for the second step of a sign-in that answered `SecondFactorRequired`: the account's passkeys. */
  async startSecondFactor(ctx: ServiceContext, ticket: string): Promise<PasskeyChallenge> {
    await this.countChallenge(ctx);
    const state = await this.loginFlow.ticket(ticket);
    if (!state) throw new NotAllowedNowError('This sign-in has expired or was already completed. Please sign in again.');
    const passkeys = await passkeysOf(this.orm.em.fork(), state.userId);
    if (passkeys.length === 0) throw new NotAllowedNowError('This account has no passkey: complete the sign-in with another second factor.');
    const issued = await this.challenges.issue('second-factor', { userId: state.userId, ticketHash: sha256(ticket) });
    // The password was the first factor: the passkey need only be present (a PIN is welcome, not required).
    const options = await this.relyingParty.requestOptions(issued.challenge, passkeys, 'preferred');
    return { challengeId: issued.challengeId, options, expiresAt: issued.expiresAt };
  }

  /** The second step with a passkey: its `amr` values join the password's. */
  async verifySecondFactor(ctx: ServiceContext, ticket: string, challengeId: string, response: unknown): Promise<SecondStepOutcome | InvalidPasskey> {
    const outcome = await this.loginFlow.continueWithTicket(ctx, ticket, async (tx, user) => {
      const state = await this.challenges.take(challengeId, 'second-factor');
      if (!state || state.userId !== user.id || state.ticketHash !== sha256(ticket)) return null;
      const checked = await this.assertions.check(tx, { state, response, requireUserVerification: false, userId: user.id });
      return checked.kind === 'verified' ? checked.amr : null;
    });
    return outcome.kind === 'failure' && outcome.code === 'INVALID_SECOND_FACTOR' ? invalidPasskey() : outcome;
  }

  /** Options for confirming a sensitive change with one of the viewer's passkeys (then `passkey` in its arguments). */
  async startReauthentication(ctx: ViewerContext): Promise<PasskeyChallenge> {
    const em = this.orm.em.fork();
    const user = await viewerUser(em, ctx.viewer.userId);
    const passkeys = await passkeysOf(em, user.id);
    if (passkeys.length === 0) throw new NotAllowedNowError('This account has no passkey: confirm with your password or a one-time code.');
    const issued = await this.challenges.issue('reauthentication', { userId: user.id, sessionId: ctx.viewer.sessionId });
    const options = await this.relyingParty.requestOptions(issued.challenge, passkeys, 'required');
    return { challengeId: issued.challengeId, options, expiresAt: issued.expiresAt };
  }

  // A second factor of the login flow.

  async methodsFor(em: EntityManager, userId: string): Promise<readonly SecondFactorMethod[]> {
    return (await em.count(Passkey, { user: userId })) > 0 ? [PASSKEY] : [];
  }

  forgetAll(em: EntityManager, userId: string): Promise<number> {
    return em.nativeDelete(Passkey, { user: userId });
  }

  // A factor of the re-authenticator: a fresh assertion, with user verification, stands in for the password.

  readonly wrongMessage = 'The passkey could not be verified.';

  offered(proof: ReauthProof): boolean {
    return proof.passkey !== undefined;
  }

  async verify(ctx: ViewerContext, user: User, proof: ReauthProof): Promise<boolean> {
    if (!proof.passkey) return false;
    const { challengeId, response } = proof.passkey;
    const state = await this.challenges.take(challengeId, 'reauthentication');
    // Bound to the session it was started in: a challenge cannot be carried to another device's session.
    if (!state || state.userId !== user.id || state.sessionId !== ctx.viewer.sessionId) return false;
    return this.transactions.run(ctx, async (tx) => {
      const checked = await this.assertions.check(tx, { state, response, requireUserVerification: true, userId: user.id });
      return checked.kind === 'verified';
    });
  }

  private async refuseLogin(address: string): Promise<InvalidPasskey> {
    await this.limits.hit(this.rules.failures, address);
    return invalidPasskey();
  }
}
