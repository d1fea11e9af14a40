import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AfterAnswer } from '../../core/AfterAnswer';
import type { AttemptLimits, LimitRule } from '../../core/AttemptLimits';
import type { ServiceContext, ViewerContext } from '../../core/context';
import { TooManyAttemptsError } from '../../core/errors';
import type { Tx } from '../../core/events';
import { failures, type Failure, type InvalidInput, type RateLimited } from '../../core/results';
import type { Transactions } from '../../core/Transactions';
import { checkEmail, collect, ok } from '../../core/validation';
import type { ReAuthenticator, ReauthProof } from '../../login/ReAuthenticator';
import type { LinkTokens } from '../../users/LinkTokens';
import { User } from '../../users/User';
import { lockUser, lockUserByEmail, viewerUser } from '../../users/users';
import { checkGivenPassword } from '../password/rules';
import type { EmailLinkSettings } from './config';
import { emailLinkMail } from './templates';

export interface AccountUpdated {
  readonly kind: 'account-updated';
  readonly user: User;
}

export interface EmailChangeRequested {
  readonly kind: 'email-change-requested';
  readonly newEmail: string;
}

/**
 * The email address as a part of the account: proving it (verification links, on registration or on
 * request) and changing it (a confirmation link to the new address, a notice to the old one). Links
 * are `LinkTokens`; mail goes through the outbox in the same transaction as the token it carries.
 */
export class EmailLinkService {
  constructor(
    private readonly orm: MikroORM,
    private readonly transactions: Transactions,
    private readonly reauth: ReAuthenticator,
    private readonly linkTokens: LinkTokens,
    private readonly limits: AttemptLimits,
    private readonly rules: { verifyPerIp: LimitRule; verifyPerAddress: LimitRule },
    private readonly settings: EmailLinkSettings & { appUrl: string },
    private readonly afterAnswer: AfterAnswer,
    private readonly now: () => number,
  ) {}

  /** A verification link for a user's current address, in the caller's transaction (on registration). */
  async sendVerification(tx: Tx, user: User): Promise<void> {
    const ttl = this.settings.verifyEmailTtlSeconds;
    const token = await this.linkTokens.issue(tx.em, user, 'verify_email', user.email, ttl);
    tx.mail(emailLinkMail.verifyEmail(user.email, this.settings.appUrl, token, ttl));
  }

  /** Sends a new verification link to the viewer (none if the address is already verified). */
  async requestEmailVerification(ctx: ViewerContext): Promise<true> {
    await this.transactions.run(ctx, async (tx) => {
      const user = await viewerUser(tx.em, ctx.viewer.userId, true);
      if (!user.emailVerified) await this.sendVerification(tx, user);
    });
    return true;
  }

  /**
   * A new verification link by address, for someone who cannot sign in (REQUIRE_EMAIL_VERIFICATION and
   * an expired link). The same answer, at once, for unknown, verified and unverified addresses: the
   * lookup, the token and the mail happen after the response, so neither the answer nor its timing says
   * which. Only an unverified account gets mail; the per-address limit bounds how often.
   */
  async requestEmailVerificationByAddress(ctx: ServiceContext, email: string): Promise<true> {
    const checked = checkEmail('email', email);
    const limited =
      (await this.limits.hit(this.rules.verifyPerIp, this.limits.address(ctx.client.ipAddress))) ??
      (await this.limits.hit(this.rules.verifyPerAddress, this.limits.account(checked.ok ? checked.value : email)));
    if (limited) throw new TooManyAttemptsError(limited.retryAfter);
    if (checked.ok) {
      this.afterAnswer.run('verification request', () =>
        this.transactions.run(ctx, async (tx) => {
          const user = await lockUserByEmail(tx.em, checked.value);
          if (user && !user.emailVerified) await this.sendVerification(tx, user);
        }),
      );
    }
    return true;
  }

  async verifyEmail(ctx: ServiceContext, token: string): Promise<AccountUpdated | Failure<'INVALID_TOKEN'>> {
    return this.transactions.run(ctx, async (tx) => {
      const used = await this.linkTokens.consume(tx.em, token, 'verify_email');
      const user = used && (await lockUser(tx.em, used.user.id));
      // A link sent to an earlier address proves nothing about the current one.
      if (!used || !user || user.email !== used.email) return failures.invalidToken();
      if (!user.emailVerifiedAt) {
        user.emailVerifiedAt = new Date(this.now());
        await tx.publish({ type: 'email-verified', userId: user.id });
      }
      const updated: AccountUpdated = { kind: 'account-updated', user };
      return updated;
    });
  }

  /** Mails a confirmation link to the new address and a notice to the current one. */
  async requestEmailChange(
    ctx: ViewerContext,
    newEmail: string,
    proof: ReauthProof,
  ): Promise<EmailChangeRequested | Failure<'INVALID_CREDENTIALS'> | InvalidInput | RateLimited> {
    const { values, errors } = collect({
      newEmail: checkEmail('newEmail', newEmail),
      currentPassword: proof.password === undefined ? ok(undefined) : checkGivenPassword('currentPassword', proof.password),
    });
    if (errors.length > 0) return failures.invalidInput(errors);
    const user = await viewerUser(this.orm.em.fork(), ctx.viewer.userId);
    const refused = await this.reauth.verify(ctx, user, { ...proof, password: values.currentPassword });
    if (refused) return refused;
    if (values.newEmail === user.email) {
      return failures.invalidInput([{ field: 'newEmail', message: 'This is already your email address.' }]);
    }
    const ttl = this.settings.changeEmailTtlSeconds;
    // Whether the new address is taken is decided when it is confirmed (by the unique constraint), so
    // this answer does not reveal which addresses have accounts.
    await this.transactions.run(ctx, async (tx) => {
      const locked = await viewerUser(tx.em, user.id, true);
      const token = await this.linkTokens.issue(tx.em, locked, 'change_email', values.newEmail, ttl);
      tx.mail(emailLinkMail.confirmEmailChange(values.newEmail, this.settings.appUrl, token, ttl));
      tx.mail(emailLinkMail.emailChangeRequested(locked.email, values.newEmail));
      await tx.publish({ type: 'email-change-requested', userId: locked.id, email: locked.email, newEmail: values.newEmail });
    });
    const requested: EmailChangeRequested = { kind: 'email-change-requested', newEmail: values.newEmail };
    return requested;
  }

  async confirmEmailChange(ctx: ServiceContext, token: string): Promise<AccountUpdated | Failure<'INVALID_TOKEN'> | Failure<'EMAIL_TAKEN'>> {
    try {
      return await this.transactions.run(ctx, async (tx) => {
        const used = await this.linkTokens.consume(tx.em, token, 'change_email');
        const user = used && (await lockUser(tx.em, used.user.id));
        if (!used || !user) return failures.invalidToken();
        const oldEmail = user.email;
        user.email = used.email;
        user.emailVerifiedAt = new Date(this.now());
        // The unique constraint decides if someone registered the address meanwhile.
        await tx.em.flush();
        await tx.publish({ type: 'email-changed', userId: user.id, oldEmail, newEmail: user.email });
        const updated: AccountUpdated = { kind: 'account-updated', user };
        return updated;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return failures.emailTaken();
      throw error;
    }
  }
}
