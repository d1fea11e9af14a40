import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AccessClaims } from '../../sessions/AccessTokens';
import type { PasswordHasher } from './PasswordHasher';
import { User } from '../../infra/db/entities';
import {
  EmailNotVerifiedError,
  EmailTakenError,
  InvalidCredentialsError,
  InvalidInputError,
  RateLimitedError,
  unauthenticated,
} from '../../graphql/errors';
import type { Logger } from '../../infra/logger';
import type { ProfileCache } from '../account/ProfileCache';
import type { AuthSuccess, RegisterInput } from './graphql/types';
import { ChangePasswordSuccess } from '../sessions/graphql/types';
import type { AccountService } from '../email-links/EmailLinkService';
import type { AttemptLimits } from '../../core/AttemptLimits';
import type { ClientInfo, SessionService } from '../../sessions/SessionService';
import { checkEmail, checkGivenPassword, checkName, checkNewPassword, collect } from '../../core/validation';

export class AuthService {
  constructor(
    private readonly orm: MikroORM,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly accounts: AccountService,
    private readonly profiles: ProfileCache,
    private readonly requireEmailVerification: boolean,
    private readonly limits: AttemptLimits,
    private readonly logger: Logger,
  ) {}

  async register(
    input: RegisterInput,
    client: ClientInfo,
  ): Promise<AuthSuccess | EmailTakenError | EmailNotVerifiedError | InvalidInputError | RateLimitedError> {
    const { values, errors } = collect({
      email: checkEmail('email', input.email),
      password: checkNewPassword('password', input.password, input),
      firstName: checkName('firstName', 'First name', input.firstName),
      lastName: checkName('lastName', 'Last name', input.lastName),
    });
    if (errors.length > 0) return new InvalidInputError(errors);
    const limited = await this.limits.register(client.ipAddress);
    if (limited) return limited;

    const passwordHash = await this.hasher.hash(values.password);
    try {
      // The account, its first session and its first token land together: the token is recorded before
      // the transaction commits, so a Redis failure rolls the account back instead of leaving an
      // account the client was told was not created.
      const { result, sendVerification } = await this.orm.em.fork().transactional(async (em) => {
        const user = em.create(User, {
          email: values.email,
          passwordHash,
          firstName: values.firstName,
          lastName: values.lastName,
        });
        // The unique constraint on users.email decides between concurrent registrations.
        await em.flush();
        const sendVerification = await this.accounts.prepareVerification(em, user);
        // When verification is required, the account exists but is not signed in until it is verified.
        if (this.requireEmailVerification) return { result: new EmailNotVerifiedError(), sendVerification };
        return { result: await this.sessions.open(em, user, client), sendVerification };
      });
      sendVerification();
      return result;
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return new EmailTakenError();
      throw error;
    }
  }

  async login(
    email: string,
    password: string,
    client: ClientInfo,
  ): Promise<AuthSuccess | InvalidCredentialsError | EmailNotVerifiedError | InvalidInputError | RateLimitedError> {
    const { values, errors } = collect({
      email: checkEmail('email', email),
      password: checkGivenPassword('password', password),
    });
    if (errors.length > 0) return new InvalidInputError(errors);
    // Counted before the password is looked at: a blocked guess costs no bcrypt work and says nothing.
    const limited = await this.limits.login(values.email, client.ipAddress);
    if (limited) return limited;

    const em = this.orm.em.fork();
    const user = await em.findOne(User, { email: values.email });
    // Unknown email and wrong password take the same bcrypt work and give the same answer, so neither
    // the response nor its timing tells whether an account exists.
    const valid = user
      ? await this.hasher.verify(values.password, user.passwordHash)
      : await this.hasher.verifyAgainstNothing(values.password);
    if (!user || !valid) {
      await this.limits.loginFailed(client.ipAddress);
      return new InvalidCredentialsError();
    }
    await this.limits.loginSucceeded(values.email);
    const verifiedHash = this.hasher.needsRehash(user.passwordHash)
      ? await this.rehash(em, user, values.password)
      : user.passwordHash;
    // Said only after the right password, so it reveals nothing to someone who does not know it.
    if (this.requireEmailVerification && !user.emailVerified) return new EmailNotVerifiedError();

    // No token leaves unless the allowlist has it: if Redis is down, this throws SERVICE_UNAVAILABLE.
    return em.transactional(async (tx) => {
      // The password may have changed (or the account gone) while bcrypt ran. Re-read the row under a
      // share lock, which waits for and blocks a concurrent password change: a session opened with the
      // old password either commits before the change (and is ended by it) or is not opened at all.
      const current = await tx.findOne(User, { id: user.id }, { lockMode: LockMode.PESSIMISTIC_READ, refresh: true });
      if (!current || current.passwordHash !== verifiedHash) return new InvalidCredentialsError();
      return this.sessions.open(tx, current, client);
    });
  }

  /**
   * Changes the viewer's password after checking the current one, and ends every other session: whoever
   * else knew the old password is signed out everywhere; this device stays signed in.
   */
  async changePassword(
    viewer: AccessClaims,
    currentPassword: string,
    newPassword: string,
  ): Promise<ChangePasswordSuccess | InvalidCredentialsError | InvalidInputError | RateLimitedError> {
    const em = this.orm.em.fork();
    const user = await em.findOne(User, { id: viewer.userId });
    if (!user) throw unauthenticated(true);
    const { values, errors } = collect({
      currentPassword: checkGivenPassword('currentPassword', currentPassword),
      newPassword: checkNewPassword('newPassword', newPassword, user),
    });
    if (errors.length > 0) return new InvalidInputError(errors);

    const verifiedHash = user.passwordHash;
    const refused = await this.accounts.checkCurrentPassword(user, values.currentPassword);
    if (refused) return refused;
    const passwordHash = await this.hasher.hash(values.newPassword);

    const result = await em.transactional(async (tx) => {
      // Locked and compared with the hash just verified: of two concurrent changes from the same old
      // password only the first wins; the second was checked against a password that no longer holds.
      const current = await tx.findOne(User, { id: user.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      // (Compared with the string kept above: the transaction shares `user` and the refresh updates it.)
      if (!current || current.passwordHash !== verifiedHash) return new InvalidCredentialsError('currentPassword');
      current.passwordHash = passwordHash;
      await tx.flush();
      await this.accounts.forgetPendingChanges(tx, user.id);
      const ended = await this.sessions.end(user.id, { except: viewer.sessionId }, tx);
      return new ChangePasswordSuccess(current, ended.length);
    });
    // The row changed (updatedAt), so the cached profile goes.
    if (result instanceof ChangePasswordSuccess) await this.profiles.forget(user.id);
    return result;
  }

  /**
   * Best effort: a failed upgrade must not fail a login that succeeded; it is retried next login.
   * Returns the hash now stored for the verified password.
   */
  private async rehash(em: EntityManager, user: User, password: string): Promise<string> {
    try {
      // A direct UPDATE: a new hash of the same password is not a profile change (updatedAt stays).
      // Only if the hash is still the one just verified: a password change in the meantime wins.
      const passwordHash = await this.hasher.hash(password);
      const updated = await em.nativeUpdate(User, { id: user.id, passwordHash: user.passwordHash }, { passwordHash });
      return updated === 1 ? passwordHash : user.passwordHash;
    } catch (error) {
      this.logger.warn('password re-hash failed', { userId: user.id, error });
      return user.passwordHash;
    }
  }
}
