import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { ServiceContext, ViewerContext } from '../../core/context';
import type { AttemptLimits, LimitRule } from '../../core/AttemptLimits';
import { TooManyAttemptsError } from '../../core/errors';
import type { Tx } from '../../core/events';
import { failures, type Failure, type FieldProblem, type InvalidInput, type RateLimited } from '../../core/results';
import type { Transactions } from '../../core/Transactions';
import type { AfterAnswer } from '../../core/AfterAnswer';
import { checkEmail, checkName, collect, ok } from '../../core/validation';
import type { Logger } from '../../infra/logger';
import type { LoginFlow, LoginOutcome } from '../../login/LoginFlow';
import type { ReauthFactor, ReAuthenticator, ReauthProof } from '../../login/ReAuthenticator';
import type { SignInMethod, SignInMethodSource } from '../../login/SignInMethods';
import type { SessionService } from '../../sessions/SessionService';
import { LinkTokens } from '../../users/LinkTokens';
import { User } from '../../users/User';
import { lockUser, lockUserByEmail, shareLockUser, viewerUser } from '../../users/users';
import { PasswordCredential } from './PasswordCredential';
import type { PasswordHasher } from './PasswordHasher';
import { checkGivenPassword, checkNewPassword } from './rules';
import { passwordMail } from './templates';

/** The rules this feature counts attempts against (see AttemptLimits). */
export interface PasswordRules {
  /** Failed logins per client address, consulted first so one address cannot lock out many accounts. */
  readonly loginFailures: LimitRule;
  readonly register: LimitRule;
  readonly reset: LimitRule;
}

export interface RegisterInput {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
}

export interface PasswordChanged {
  readonly kind: 'password-changed';
  readonly user: User;
  readonly endedSessions: number;
}

export interface AccountUpdated {
  readonly kind: 'account-updated';
  readonly user: User;
}

/** A new reset link for the same account at most this often: requests in between send nothing. */
const RESET_COOLDOWN_MS = 60_000;

/** Thrown inside a transaction to roll it back when a new password resembles the account. */
class RejectedPassword extends Error {
  constructor(readonly problem: FieldProblem) {
    super(problem.message);
  }
}

/**
 * Signing in with a password: registering with one, logging in, changing it, and resetting a forgotten
 * one through an emailed link. The password is a credential of its own (`PasswordCredential`); once it
 * is checked, the login flow opens the session. Also the password factor of the re-authenticator.
 */
export class PasswordService implements ReauthFactor, SignInMethodSource {
  constructor(
    private readonly orm: MikroORM,
    private readonly transactions: Transactions,
    private readonly hasher: PasswordHasher,
    private readonly loginFlow: LoginFlow,
    private readonly reauth: ReAuthenticator,
    private readonly sessions: SessionService,
    private readonly linkTokens: LinkTokens,
    private readonly limits: AttemptLimits,
    private readonly rules: PasswordRules,
    private readonly settings: { resetTtlSeconds: number; appUrl: string },
    private readonly afterAnswer: AfterAnswer,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  async register(
    ctx: ServiceContext,
    input: RegisterInput,
  ): Promise<LoginOutcome | Failure<'EMAIL_TAKEN'> | InvalidInput | RateLimited> {
    const { values, errors } = collect({
      email: checkEmail('email', input.email),
      password: checkNewPassword('password', input.password, input),
      firstName: checkName('firstName', 'First name', input.firstName),
      lastName: checkName('lastName', 'Last name', input.lastName),
    });
    if (errors.length > 0) return failures.invalidInput(errors);
    const limited = await this.limits.hit(this.rules.register, this.limits.address(ctx.client.ipAddress));
    if (limited) return limited;

    const passwordHash = await this.hasher.hash(values.password);
    try {
      // The account, its password, its first session and its first token land together: the token is
      // recorded before the transaction commits, so a Redis failure rolls the account back instead of
      // leaving an account the client was told was not created.
      return await this.transactions.run(ctx, async (tx) => {
        const user = tx.em.create(User, { email: values.email, firstName: values.firstName, lastName: values.lastName });
        // The unique constraint on users.email decides between concurrent registrations.
        await tx.em.flush();
        tx.em.create(PasswordCredential, { user, passwordHash });
        await tx.em.flush();
        await tx.publish({ type: 'registered', userId: user.id, email: user.email });
        // When verification is required, the account exists but is not signed in until it is verified.
        return this.loginFlow.complete(tx, user, { methods: ['pwd'] });
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return failures.emailTaken();
      throw error;
    }
  }

  async login(
    ctx: ServiceContext,
    email: string,
    password: string,
  ): Promise<LoginOutcome | Failure<'INVALID_CREDENTIALS'> | InvalidInput | RateLimited> {
    const { values, errors } = collect({ email: checkEmail('email', email), password: checkGivenPassword('password', password) });
    if (errors.length > 0) return failures.invalidInput(errors);
    // An address over its failure limit is refused before any account counter moves; then the account
    // is counted before the password is looked at: a blocked guess costs no bcrypt work and says nothing.
    const address = this.limits.address(ctx.client.ipAddress);
    const limited =
      (await this.limits.peek(this.rules.loginFailures, address)) ??
      (await this.loginFlow.countAttempt(values.email));
    if (limited) return limited;

    const em = this.orm.em.fork();
    const user = await em.findOne(User, { email: values.email });
    const credential = user && (await em.findOne(PasswordCredential, { user: user.id }));
    // Unknown email, no password, and a wrong password take the same bcrypt work and give the same
    // answer, so neither the response nor its timing tells whether an account exists.
    const valid = credential
      ? await this.hasher.verify(values.password, credential.passwordHash)
      : await this.hasher.verifyAgainstNothing(values.password);
    if (!user || !credential || !valid) {
      await this.limits.hit(this.rules.loginFailures, address);
      if (user) await this.transactions.run(ctx, (tx) => tx.publish({ type: 'sign-in-failed', userId: user.id }));
      return failures.invalidCredentials();
    }
    const verifiedHash = this.hasher.needsRehash(credential.passwordHash)
      ? await this.rehash(em, credential, values.password)
      : credential.passwordHash;

    return this.transactions.run(ctx, async (tx) => {
      // The password may have changed (or the account gone) while bcrypt ran. Re-read it under share
      // locks, which wait for and block a concurrent password change: a session opened with the old
      // password either commits before the change (and is ended by it) or is not opened at all. The
      // account's row first, then the password, the order in which a change or reset locks them: the
      // other way round, this sign-in (holding the password, needing the account's row for the new
      // session's foreign key) and a change (holding the account, needing the password) deadlock.
      const signingIn = await shareLockUser(tx.em, user.id);
      const current = signingIn && (await tx.em.findOne(PasswordCredential, { user: user.id }, { lockMode: LockMode.PESSIMISTIC_READ, refresh: true }));
      if (!current || !signingIn || current.passwordHash !== verifiedHash) return failures.invalidCredentials();
      return this.loginFlow.complete(tx, signingIn, { methods: ['pwd'] });
    });
  }

  /**
   * Changes the viewer's password after re-checking who they are, and ends every other session:
   * whoever else knew the old password is signed out everywhere; this device stays signed in.
   */
  async changePassword(
    ctx: ViewerContext,
    proof: ReauthProof,
    newPassword: string,
  ): Promise<PasswordChanged | Failure<'INVALID_CREDENTIALS'> | InvalidInput | RateLimited> {
    const em = this.orm.em.fork();
    const user = await viewerUser(em, ctx.viewer.userId);
    const { values, errors } = collect({
      currentPassword: proof.password === undefined ? ok(undefined) : checkGivenPassword('currentPassword', proof.password),
      newPassword: checkNewPassword('newPassword', newPassword, user),
    });
    if (errors.length > 0) return failures.invalidInput(errors);

    const before = await em.findOne(PasswordCredential, { user: user.id });
    const refused = await this.reauth.verify(ctx, user, { ...proof, password: values.currentPassword });
    if (refused) return refused;
    const passwordHash = await this.hasher.hash(values.newPassword);

    return this.transactions.run(ctx, async (tx) => {
      // The account first (as a reset locks it), then the password: locked and compared with the one
      // just verified. Of two concurrent changes from the same old password only the first wins; the
      // second was checked against a password that no longer holds.
      const account = await viewerUser(tx.em, user.id, true);
      const current = await tx.em.findOne(PasswordCredential, { user: user.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (current?.passwordHash !== before?.passwordHash) return failures.invalidCredentials('current');
      // An account without a password (a passkey or another provider, confirmed by a code or a recent
      // sign-in) gets one.
      if (current) {
        current.passwordHash = passwordHash;
        current.updatedAt = new Date(this.now());
      } else {
        tx.em.create(PasswordCredential, { user: user.id, passwordHash });
      }
      // The account changed: its `updatedAt` moves, as it did when the password was a column of users.
      account.updatedAt = new Date(this.now());
      await tx.em.flush();
      await this.forgetPendingChanges(tx.em, user.id);
      const ended = await this.sessions.end(tx, user.id, { except: ctx.viewer.sessionId });
      await tx.publish({ type: 'password-changed', userId: user.id, email: user.email });
      const changed: PasswordChanged = { kind: 'password-changed', user: account, endedSessions: ended.length };
      return changed;
    });
  }

  /**
   * Always answers at once: the lookup, the token and the mail happen after the response, so neither
   * the answer nor its timing says whether the account exists. Only an existing account gets mail.
   */
  async requestPasswordReset(ctx: ServiceContext, email: string): Promise<true> {
    const limited = await this.limits.hit(this.rules.reset, this.limits.address(ctx.client.ipAddress));
    if (limited) throw new TooManyAttemptsError(limited.retryAfter);
    const checked = checkEmail('email', email);
    if (checked.ok) this.afterAnswer.run('password reset request', () => this.sendPasswordReset(ctx, checked.value));
    return true;
  }

  /** Sets a new password from a reset link, ends every session of the user, and burns the token. */
  async resetPassword(
    ctx: ServiceContext,
    token: string,
    newPassword: string,
  ): Promise<AccountUpdated | Failure<'INVALID_TOKEN'> | InvalidInput | RateLimited> {
    const limited = await this.limits.hit(this.rules.reset, this.limits.address(ctx.client.ipAddress));
    if (limited) return limited;
    if (!LinkTokens.plausible(token)) return failures.invalidToken();
    const checked = checkNewPassword('newPassword', newPassword);
    if (!checked.ok) return failures.invalidInput([checked.error]);
    try {
      return await this.transactions.run(ctx, async (tx) => {
        const used = await this.linkTokens.consume(tx.em, token, 'reset_password');
        const user = used && (await lockUser(tx.em, used.user.id));
        if (!used || !user || user.email !== used.email) return failures.invalidToken();
        // Checked against the account only now that the token says which account it is. A refusal
        // throws, so the transaction rolls back and the token stays usable for a better password.
        const personal = checkNewPassword('newPassword', newPassword, user);
        if (!personal.ok) throw new RejectedPassword(personal.error);
        // Hashed only for a valid link: a stream of made-up tokens costs no bcrypt work.
        const passwordHash = await this.hasher.hash(checked.value);
        const credential = await tx.em.findOne(PasswordCredential, { user: user.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        // An account without a password (a passkey or another provider) gets one.
        if (credential) {
          credential.passwordHash = passwordHash;
          credential.updatedAt = new Date(this.now());
        } else {
          tx.em.create(PasswordCredential, { user, passwordHash });
        }
        // Following the emailed link proves the address too. When it had not been proven before, the
        // account is reclaimed: ways in added by whoever registered it that sign in by themselves go
        // (listeners of the event).
        const reclaimed = user.emailVerifiedAt == null;
        user.emailVerifiedAt ??= new Date(this.now());
        user.updatedAt = new Date(this.now());
        await tx.em.flush();
        await this.forgetPendingChanges(tx.em, user.id);
        await this.sessions.end(tx, user.id, {});
        await tx.publish({ type: 'password-reset', userId: user.id, email: user.email, reclaimed });
        const updated: AccountUpdated = { kind: 'account-updated', user };
        return updated;
      });
    } catch (error) {
      if (error instanceof RejectedPassword) return failures.invalidInput([error.problem]);
      throw error;
    }
  }

  /** After a reset the owner has proven control of the address: login lockouts on the account end too. */
  async forgiveAfterReset(userId: string, email: string): Promise<void> {
    await this.loginFlow.forgive(email);
    await this.reauth.forgive(userId);
  }

  /** The password as a way to sign in (an account may have none). */
  async methodsOf(em: EntityManager, userId: string): Promise<readonly SignInMethod[]> {
    return (await em.count(PasswordCredential, { user: userId })) > 0 ? [{ kind: 'password', id: userId }] : [];
  }

  // The password as a factor of the re-authenticator.

  readonly wrongMessage = 'The current password is not correct.';

  offered(proof: ReauthProof): boolean {
    return proof.password !== undefined;
  }

  /** A password can always be typed: while the account has one, a recent sign-in does not stand in for it. */
  async rulesOutRecentSignIn(user: User): Promise<boolean> {
    return (await this.orm.em.fork().count(PasswordCredential, { user: user.id })) > 0;
  }

  async verify(_ctx: ViewerContext, user: User, proof: ReauthProof): Promise<boolean> {
    const credential = await this.orm.em.fork().findOne(PasswordCredential, { user: user.id });
    if (!credential) return this.hasher.verifyAgainstNothing(proof.password ?? '');
    return this.hasher.verify(proof.password ?? '', credential.passwordHash);
  }

  /**
   * After a password change or reset, pending email changes and reset links die: whoever started them
   * may be the person the new password is meant to lock out.
   */
  private forgetPendingChanges(em: EntityManager, userId: string): Promise<void> {
    return this.linkTokens.revoke(em, userId, ['change_email', 'reset_password']);
  }

  private async sendPasswordReset(ctx: ServiceContext, email: string): Promise<void> {
    const ttl = this.settings.resetTtlSeconds;
    await this.transactions.run(ctx, async (tx: Tx) => {
      const user = await lockUserByEmail(tx.em, email);
      // Someone asking again and again must not flood the owner's inbox.
      if (!user || (await this.linkTokens.issuedSince(tx.em, user.id, 'reset_password', new Date(this.now() - RESET_COOLDOWN_MS)))) return;
      const token = await this.linkTokens.issue(tx.em, user, 'reset_password', user.email, ttl);
      tx.mail(passwordMail.resetPassword(user.email, this.settings.appUrl, token, ttl));
    });
  }

  /**
   * Best effort: a failed upgrade must not fail a login that succeeded; it is retried next login.
   * Returns the hash now stored for the verified password.
   */
  private async rehash(em: EntityManager, credential: PasswordCredential, password: string): Promise<string> {
    try {
      // Only if the hash is still the one just verified: a password change in the meantime wins.
      const passwordHash = await this.hasher.hash(password);
      const updated = await em.nativeUpdate(
        PasswordCredential,
        { user: credential.user.id, passwordHash: credential.passwordHash },
        { passwordHash },
      );
      return updated === 1 ? passwordHash : credential.passwordHash;
    } catch (error) {
      this.logger.warn('password re-hash failed', { userId: credential.user.id, error });
      return credential.passwordHash;
    }
  }
}
