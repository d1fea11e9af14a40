import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { PasswordHasher } from '../auth/PasswordHasher';
import type { TokenAllowlist } from '../auth/TokenAllowlist';
import type { AccessClaims, AccessTokens } from '../auth/AccessTokens';
import { User } from '../entities';
import { EmailTakenError, InvalidCredentialsError, InvalidInputError } from '../errors';
import type { Logger } from '../logger';
import { AuthSuccess, type RegisterInput } from '../types/auth.types';
import { checkEmail, checkGivenPassword, checkName, checkNewPassword, collect } from './validation';

export class AuthService {
  constructor(
    private readonly orm: MikroORM,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokens,
    private readonly allowlist: TokenAllowlist,
    private readonly logger: Logger,
  ) {}

  async register(input: RegisterInput): Promise<AuthSuccess | EmailTakenError | InvalidInputError> {
    const { values, errors } = collect({
      email: checkEmail('email', input.email),
      password: checkNewPassword('password', input.password),
      firstName: checkName('firstName', 'First name', input.firstName),
      lastName: checkName('lastName', 'Last name', input.lastName),
    });
    if (errors.length > 0) return new InvalidInputError(errors);

    const passwordHash = await this.hasher.hash(values.password);
    let issuedFor: { userId: string; jti: string } | undefined;
    try {
      // The row and its first token land together: the token is recorded before the transaction
      // commits, so a Redis failure rolls the account back instead of leaving an account the client
      // was told was not created.
      return await this.orm.em.fork().transactional(async (em) => {
        const user = em.create(User, {
          email: values.email,
          passwordHash,
          firstName: values.firstName,
          lastName: values.lastName,
        });
        // The unique constraint on users.email decides between concurrent registrations.
        await em.flush();
        const issued = await this.tokens.issue(user.id);
        await this.allowlist.add(user.id, issued.jti, issued.expiresAt);
        issuedFor = { userId: user.id, jti: issued.jti };
        return new AuthSuccess(issued.token, issued.expiresAt, user);
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return new EmailTakenError();
      // The commit itself failed after the token was recorded: take the token back (best effort).
      if (issuedFor) await this.allowlist.revoke(issuedFor.userId, issuedFor.jti).catch(() => undefined);
      throw error;
    }
  }

  async login(email: string, password: string): Promise<AuthSuccess | InvalidCredentialsError | InvalidInputError> {
    const { values, errors } = collect({
      email: checkEmail('email', email),
      password: checkGivenPassword('password', password),
    });
    if (errors.length > 0) return new InvalidInputError(errors);

    const em = this.orm.em.fork();
    const user = await em.findOne(User, { email: values.email });
    // Unknown email and wrong password take the same bcrypt work and give the same answer, so neither
    // the response nor its timing tells whether an account exists.
    const valid = user
      ? await this.hasher.verify(values.password, user.passwordHash)
      : await this.hasher.verifyAgainstNothing(values.password);
    if (!user || !valid) return new InvalidCredentialsError();
    if (this.hasher.needsRehash(user.passwordHash)) await this.rehash(em, user, values.password);

    // No token leaves unless the allowlist has it: if Redis is down, this throws SERVICE_UNAVAILABLE.
    const issued = await this.tokens.issue(user.id);
    await this.allowlist.add(user.id, issued.jti, issued.expiresAt);
    this.logger.debug('login', { userId: user.id });
    return new AuthSuccess(issued.token, issued.expiresAt, user);
  }

  /** Best effort: a failed upgrade must not fail a login that succeeded; it is retried next login. */
  private async rehash(em: EntityManager, user: User, password: string): Promise<void> {
    try {
      // A direct UPDATE: a new hash of the same password is not a profile change (updatedAt stays).
      await em.nativeUpdate(User, { id: user.id }, { passwordHash: await this.hasher.hash(password) });
    } catch (error) {
      this.logger.warn('password re-hash failed', { userId: user.id, error });
    }
  }

  /** Revokes the token that made the request; it stops working at once, on every instance. */
  async logout(viewer: AccessClaims): Promise<boolean> {
    await this.allowlist.revoke(viewer.userId, viewer.jti);
    return true;
  }

  /** Ends every live access token of a user (used by password reset, account deletion, ...). */
  revokeAllTokens(userId: string): Promise<number> {
    return this.allowlist.revokeAllForUser(userId);
  }
}
