import { randomBytes } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AccessClaims } from '../../sessions/AccessTokens';
import type { PasswordHasher } from '../password/PasswordHasher';
import { sha256 } from '../../core/digest';
import type { TokenAllowlist } from '../../sessions/TokenAllowlist';
import type { ProfileCache } from '../account/ProfileCache';
import type { Config } from '../../config/index';
import { AccountToken, User, type AccountTokenPurpose } from '../../infra/db/entities';
import {
  EmailTakenError,
  FieldError,
  InvalidCredentialsError,
  InvalidInputError,
  InvalidTokenError,
  RateLimitedError,
  rateLimited,
  unauthenticated,
} from '../../graphql/errors';
import type { Logger } from '../../infra/logger';
import type { MailQueue } from '../../infra/mail/MailQueue';
import { templates } from '../../infra/mail/templates';
import { AccountDeleted, AccountUpdated, EmailChangeRequested } from './graphql/types';
import type { AttemptLimits } from '../../core/AttemptLimits';
import type { ClientInfo, SessionService } from '../../sessions/SessionService';
import { checkEmail, checkGivenPassword, checkNewPassword, collect } from '../../core/validation';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Thrown inside a transaction to roll it back when a new password resembles the account. */
class RejectedPassword extends Error {
  constructor(readonly fieldError: FieldError) {
    super(fieldError.message);
  }
}
/** A new reset link for the same account at most this often: requests in between send nothing. */
const RESET_COOLDOWN_MS = 60_000;
/** Lookups (reset, verification by address) running after their answers; beyond this, requests are dropped (and logged). */
const MAX_PENDING_LOOKUPS = 100;

/**
 * Account recovery and verification by email: verify an address, reset a forgotten password, change
 * the address, delete the account.
 *
 * Emailed tokens are 256 random bits, stored only as SHA-256, single use, expiring, bound to one
 * purpose and to the address they were sent to. Issuing a token of a purpose deletes the user's earlier
 * unused ones of that purpose (a newer reset link kills the older). Every wrong, used or expired token
 * gets the same InvalidTokenError. Mail is queued after commit and never fails a response.
 */
export class AccountService {
  private pendingLookups = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly allowlist: TokenAllowlist,
    private readonly profiles: ProfileCache,
    private readonly mail: MailQueue,
    private readonly settings: Pick<Config, 'accountTokens'> & { appUrl: string },
    private readonly limits: AttemptLimits,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /**
   * Creates a verification token for the user's address within the caller's transaction; returns the
   * send step, to run once the transaction has committed.
   */
  async prepareVerification(em: EntityManager, user: User): Promise<() => void> {
    const ttl = this.settings.accountTokens.verifyEmailTtlSeconds;
    const token = await this.issue(em, user, 'verify_email', user.email, ttl);
    return () => this.mail.enqueue(templates.verifyEmail(user.email, this.settings.appUrl, token, ttl));
  }

  /** Sends a new verification link to the viewer (none if the address is already verified). */
  async requestEmailVerification(viewer: AccessClaims): Promise<boolean> {
    const send = await this.orm.em.fork().transactional(async (em) => {
      const user = await this.viewerIn(em, viewer);
      const locked = await this.lockUser(em, user.id);
      return !locked || locked.emailVerified ? undefined : this.prepareVerification(em, locked);
    });
    send?.();
    return true;
  }

  /**
   * A new verification link by address, for someone who cannot sign in (REQUIRE_EMAIL_VERIFICATION and
   * an expired link). The same answer, at once, for unknown, verified and unverified addresses: the
   * lookup, the token and the mail happen after the response, so neither the answer nor its timing says
   * which (OWASP Authentication Cheat Sheet, "Authentication and Error Messages"). Only an unverified
   * account gets mail; the per-address limit bounds how often.
   */
  async requestEmailVerificationByAddress(email: string, client: ClientInfo): Promise<boolean> {
    const checked = checkEmail('email', email);
    const limited = await this.limits.verificationByAddress(client.ipAddress, checked.ok ? checked.value : email);
    if (limited) throw rateLimited(limited.retryAfter);
    if (checked.ok) this.afterAnswer('verification request', () => this.sendVerification(checked.value));
    return true;
  }

  async verifyEmail(token: string): Promise<AccountUpdated | InvalidTokenError> {
    const result = await this.orm.em.fork().transactional(async (em) => {
      const used = await this.consume(em, token, 'verify_email');
      const user = used && (await this.lockUser(em, used.user.id));
      // A link sent to an earlier address proves nothing about the current one.
      if (!used || !user || user.email !== used.email) return new InvalidTokenError();
      user.emailVerifiedAt ??= new Date(this.now());
      return new AccountUpdated(user);
    });
    if (result instanceof AccountUpdated) await this.profiles.forget(result.user.id);
    return result;
  }

  /**
   * Always answers true, at once: the lookup, the token and the mail happen after the response, so
   * neither the answer nor its timing says whether the account exists. Only an existing account gets
   * mail.
   */
  async requestPasswordReset(email: string, client: ClientInfo): Promise<boolean> {
    const limited = await this.limits.reset(client.ipAddress);
    if (limited) throw rateLimited(limited.retryAfter);
    const checked = checkEmail('email', email);
    if (checked.ok) this.afterAnswer('password reset request', () => this.sendPasswordReset(checked.value));
    return true;
  }

  /** Runs a lookup once the answer has gone out; at most MAX_PENDING_LOOKUPS at a time. */
  private afterAnswer(what: string, task: () => Promise<void>): void {
    if (this.pendingLookups >= MAX_PENDING_LOOKUPS) {
      this.logger.warn(`${what} dropped: too many in progress`);
      return;
    }
    this.pendingLookups += 1;
    setImmediate(() => {
      task()
        .catch((error: unknown) => this.logger.error(`${what} failed`, { error }))
        .finally(() => (this.pendingLookups -= 1));
    });
  }

  private async sendVerification(email: string): Promise<void> {
    const send = await this.orm.em.fork().transactional(async (em) => {
      const found = await em.findOne(User, { email });
      const user = found && (await this.lockUser(em, found.id));
      return !user || user.emailVerified ? undefined : this.prepareVerification(em, user);
    });
    send?.();
  }

  /** Sets a new password from a reset link, ends every session of the user, and burns the token. */
  async resetPassword(
    token: string,
    newPassword: string,
    client: ClientInfo,
  ): Promise<AccountUpdated | InvalidTokenError | InvalidInputError | RateLimitedError> {
    const limited = await this.limits.reset(client.ipAddress);
    if (limited) return limited;
    if (!TOKEN.test(token)) return new InvalidTokenError();
    const checked = checkNewPassword('newPassword', newPassword);
    if (!checked.ok) return new InvalidInputError([checked.error]);
    try {
      const result = await this.orm.em.fork().transactional(async (em) => {
        const used = await this.consume(em, token, 'reset_password');
        const user = used && (await this.lockUser(em, used.user.id));
        if (!used || !user || user.email !== used.email) return new InvalidTokenError();
        // Checked against the account only now that the token says which account it is. A refusal
        // throws, so the transaction rolls back and the token stays usable for a better password.
        const personal = checkNewPassword('newPassword', newPassword, user);
        if (!personal.ok) throw new RejectedPassword(personal.error);
        // Hashed only for a valid link: a stream of made-up tokens costs no bcrypt work.
        user.passwordHash = await this.hasher.hash(checked.value);
        // Following the emailed link proves the address too.
        user.emailVerifiedAt ??= new Date(this.now());
        await em.flush();
        await this.forgetPendingChanges(em, user.id);
        await this.sessions.end(user.id, {}, em);
        return new AccountUpdated(user);
      });
      // The owner proved control of the address: a login lockout on the account ends too.
      if (result instanceof AccountUpdated) {
        await this.profiles.forget(result.user.id);
        await this.limits.loginSucceeded(result.user.email);
        await this.limits.currentPasswordSucceeded(result.user.id);
      }
      return result;
    } catch (error) {
      if (error instanceof RejectedPassword) return new InvalidInputError([error.fieldError]);
      throw error;
    }
  }

  /** Mails a confirmation link to the new address and a notice to the current one. */
  async requestEmailChange(
    viewer: AccessClaims,
    newEmail: string,
    currentPassword: string,
  ): Promise<EmailChangeRequested | InvalidCredentialsError | InvalidInputError | RateLimitedError> {
    const { values, errors } = collect({
      newEmail: checkEmail('newEmail', newEmail),
      currentPassword: checkGivenPassword('currentPassword', currentPassword),
    });
    if (errors.length > 0) return new InvalidInputError(errors);
    const em = this.orm.em.fork();
    const user = await this.viewerIn(em, viewer);
    const refused = await this.checkCurrentPassword(user, values.currentPassword);
    if (refused) return refused;
    if (values.newEmail === user.email) {
      return new InvalidInputError([new FieldError('newEmail', 'This is already your email address.')]);
    }
    const ttl = this.settings.accountTokens.changeEmailTtlSeconds;
    // Whether the new address is taken is decided when it is confirmed (by the unique constraint), so
    // this answer does not reveal which addresses have accounts.
    const token = await em.transactional(async (tx) => {
      const locked = await this.lockUser(tx, user.id);
      if (!locked) throw unauthenticated(true);
      return this.issue(tx, locked, 'change_email', values.newEmail, ttl);
    });
    this.mail.enqueue(templates.confirmEmailChange(values.newEmail, this.settings.appUrl, token, ttl));
    this.mail.enqueue(templates.emailChangeRequested(user.email, values.newEmail));
    return new EmailChangeRequested(values.newEmail);
  }

  async confirmEmailChange(token: string): Promise<AccountUpdated | InvalidTokenError | EmailTakenError> {
    try {
      const result = await this.orm.em.fork().transactional(async (em) => {
        const used = await this.consume(em, token, 'change_email');
        const user = used && (await this.lockUser(em, used.user.id));
        if (!used || !user) return new InvalidTokenError();
        user.email = used.email;
        user.emailVerifiedAt = new Date(this.now());
        // The unique constraint decides if someone registered the address meanwhile.
        await em.flush();
        return new AccountUpdated(user);
      });
      if (result instanceof AccountUpdated) await this.profiles.forget(result.user.id);
      return result;
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return new EmailTakenError();
      throw error;
    }
  }

  /**
   * Deletes the user and everything of theirs (sessions, refresh tokens, emailed tokens: by cascade) in
   * one transaction, and revokes every access token before it commits.
   */
  async deleteAccount(
    viewer: AccessClaims,
    currentPassword: string,
  ): Promise<AccountDeleted | InvalidCredentialsError | RateLimitedError> {
    const checked = checkGivenPassword('currentPassword', currentPassword);
    const em = this.orm.em.fork();
    const user = await this.viewerIn(em, viewer);
    const refused = checked.ok ? await this.checkCurrentPassword(user, checked.value) : new InvalidCredentialsError('currentPassword');
    if (refused) return refused;
    await em.transactional(async (tx) => {
      await tx.nativeDelete(User, { id: user.id });
      await this.allowlist.revokeAllForUser(user.id);
    });
    await this.profiles.forget(user.id);
    return new AccountDeleted();
  }

  /**
   * After a password change or reset, pending email changes and reset links die: whoever started them
   * may be the person the new password is meant to lock out.
   */
  async forgetPendingChanges(em: EntityManager, userId: string): Promise<void> {
    await em.nativeDelete(AccountToken, { user: userId, purpose: { $in: ['change_email', 'reset_password'] }, usedAt: null });
  }

  private async sendPasswordReset(email: string): Promise<void> {
    const ttl = this.settings.accountTokens.resetPasswordTtlSeconds;
    const sent = await this.orm.em.fork().transactional(async (em) => {
      const found = await em.findOne(User, { email });
      if (!found) return null;
      const user = await this.lockUser(em, found.id);
      const recent = await em.count(AccountToken, {
        user: found.id,
        purpose: 'reset_password',
        usedAt: null,
        createdAt: { $gt: new Date(this.now() - RESET_COOLDOWN_MS) },
      });
      // Someone asking again and again must not flood the owner's inbox.
      if (!user || recent > 0) return null;
      return { to: user.email, token: await this.issue(em, user, 'reset_password', user.email, ttl) };
    });
    if (sent) this.mail.enqueue(templates.resetPassword(sent.to, this.settings.appUrl, sent.token, ttl));
  }

  /** The caller holds the user's row lock, so concurrent issues for one user cannot both survive. */
  private async issue(em: EntityManager, user: User, purpose: AccountTokenPurpose, email: string, ttlSeconds: number) {
    await em.nativeDelete(AccountToken, { user: user.id, purpose, usedAt: null });
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    em.create(AccountToken, {
      tokenHash: sha256(token),
      user: user.id,
      purpose,
      email,
      createdAt: new Date(now),
      expiresAt: new Date(now + ttlSeconds * 1000),
    });
    await em.flush();
    return token;
  }

  /** Marks a live token of this purpose used and returns it; null for wrong, used or expired tokens. */
  private async consume(em: EntityManager, token: string, purpose: AccountTokenPurpose): Promise<AccountToken | null> {
    if (!TOKEN.test(token)) return null;
    // Locked, so two concurrent uses of one token cannot both succeed.
    const found = await em.findOne(AccountToken, { tokenHash: sha256(token) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!found || found.purpose !== purpose || found.usedAt || found.expiresAt.getTime() <= this.now()) return null;
    found.usedAt = new Date(this.now());
    await em.flush();
    return found;
  }

  /**
   * The re-check of a signed-in user's password before a sensitive change, limited per user like logins
   * (a stolen access token must not become unlimited password guesses). Null when it is right.
   */
  async checkCurrentPassword(user: User, password: string): Promise<InvalidCredentialsError | RateLimitedError | null> {
    const limited = await this.limits.currentPassword(user.id);
    if (limited) return limited;
    if (!(await this.hasher.verify(password, user.passwordHash))) return new InvalidCredentialsError('currentPassword');
    await this.limits.currentPasswordSucceeded(user.id);
    return null;
  }

  /** Reads the user under a row lock, serialising every change of this account until commit. */
  private lockUser(em: EntityManager, userId: string): Promise<User | null> {
    return em.findOne(User, { id: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  }

  private async viewerIn(em: EntityManager, viewer: AccessClaims): Promise<User> {
    const user = await em.findOne(User, { id: viewer.userId });
    if (!user) throw unauthenticated(true);
    return user;
  }
}
