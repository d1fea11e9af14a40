import type { MikroORM } from '@mikro-orm/postgresql';
import type { ViewerContext } from '../../core/context';
import type { AccountEvent } from '../../core/events';
import { failures, type Failure, type InvalidInput, type RateLimited } from '../../core/results';
import type { CachedProfile, TokenAllowlist } from '../../core/TokenAllowlist';
import type { Transactions } from '../../core/Transactions';
import { checkName, collect, type Checked } from '../../core/validation';
import type { ReAuthenticator, ReauthProof } from '../../login/ReAuthenticator';
import { User } from '../../users/User';
import { viewerUser } from '../../users/users';
import { checkGivenPassword } from '../password/rules';
import type { Profile, ProfileCache } from './ProfileCache';

export interface ProfileUpdate {
  firstName?: string | null;
  lastName?: string | null;
}

export interface MeUpdated {
  readonly kind: 'me-updated';
  readonly user: User;
}

export interface AccountDeleted {
  readonly kind: 'account-deleted';
  readonly deleted: true;
}

/** Events after which the cached profile of `me` is out of date. */
const CHANGES_PROFILE = new Set<AccountEvent['type']>([
  'profile-updated',
  'email-verified',
  'email-changed',
  'password-changed',
  'password-reset',
  'account-deleted',
]);

/** The account itself: the viewer's profile (`me`, `updateMe`) and deleting the account. */
export class AccountService {
  constructor(
    private readonly orm: MikroORM,
    private readonly transactions: Transactions,
    private readonly reauth: ReAuthenticator,
    private readonly allowlist: TokenAllowlist,
    private readonly profiles: ProfileCache,
  ) {}

  /** The viewer's cached profile, read together with the allowlist check (see the `me` resolver). */
  cachedProfile(userId: string): Promise<CachedProfile> {
    return this.profiles.lookup(userId);
  }

  /**
   * The viewer's profile: from the cache when `cached` holds it, else one primary-key read (which
   * refills the cache). A live token whose user is gone is treated as an invalid token.
   */
  async me(ctx: ViewerContext, cached: CachedProfile): Promise<Profile | User> {
    const profile = this.profiles.read(cached);
    if (profile && profile.id === ctx.viewer.userId) return profile;
    const user = await viewerUser(this.orm.em.fork(), ctx.viewer.userId);
    this.profiles.fill(user, cached);
    return user;
  }

  /** Changes only the fields given; every invalid field is reported and nothing is written. */
  async updateMe(ctx: ViewerContext, input: ProfileUpdate): Promise<MeUpdated | InvalidInput> {
    const checks: Record<string, Checked<string>> = {};
    if (input.firstName != null) checks.firstName = checkName('firstName', 'First name', input.firstName);
    if (input.lastName != null) checks.lastName = checkName('lastName', 'Last name', input.lastName);
    const { values, errors } = collect(checks);
    if (errors.length > 0) return failures.invalidInput(errors);

    return this.transactions.run(ctx, async (tx) => {
      const user = await viewerUser(tx.em, ctx.viewer.userId);
      tx.em.assign(user, values);
      // Only a real change produces an UPDATE (and a new updatedAt).
      await tx.em.flush();
      await tx.publish({ type: 'profile-updated', userId: user.id });
      const updated: MeUpdated = { kind: 'me-updated', user };
      return updated;
    });
  }

  /**
   * Deletes the user and everything of theirs (sessions, refresh tokens, credentials, emailed tokens,
   * security events: by cascade) in one transaction, and revokes every access token before it commits.
   */
  async deleteAccount(
    ctx: ViewerContext,
    proof: ReauthProof,
  ): Promise<AccountDeleted | Failure<'INVALID_CREDENTIALS'> | RateLimited> {
    const user = await viewerUser(this.orm.em.fork(), ctx.viewer.userId);
    const shape = proof.password === undefined ? undefined : checkGivenPassword('currentPassword', proof.password);
    const refused = shape?.ok === false ? failures.invalidCredentials('current') : await this.reauth.verify(ctx, user, proof);
    if (refused) return refused;
    await this.transactions.run(ctx, async (tx) => {
      await tx.publish({ type: 'account-deleted', userId: user.id, email: user.email });
      await tx.em.nativeDelete(User, { id: user.id });
      tx.beforeCommit(() => this.allowlist.revokeAllForUser(user.id));
    });
    const deleted: AccountDeleted = { kind: 'account-deleted', deleted: true };
    return deleted;
  }

  /** After a committed change of the user: the cached profile goes, on every instance. */
  async afterChange(event: AccountEvent): Promise<void> {
    if (CHANGES_PROFILE.has(event.type)) await this.profiles.forget(event.userId);
  }
}
