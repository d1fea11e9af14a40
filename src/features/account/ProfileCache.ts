import type { CachedProfile, ProfileStore } from '../../core/TokenAllowlist';
import type { Logger } from '../../infra/logger';
import type { User } from '../../users/User';

/**
 * What `me` answers with. The GraphQL `User` type checks at compile time that this covers every one of
 * its own fields (graphql/types/UserType.ts), so a field added there fails to build until the cache
 * carries it. Fields that modules add with resolvers of their own are not cached.
 */
export interface Profile {
  readonly id: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly emailVerifiedAt: Date | null;
  readonly firstName: string;
  readonly lastName: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The version of the cached JSON; a change of shape gets a new one, and older entries read as misses. */
const FORMAT = 1;

/**
 * The profile of `me`, cached in Redis next to the user's tokens, so an authenticated `me` is one Redis
 * round trip (the allowlist check and the profile read, sent together) and no database read.
 *
 * Correct across updates and instances: every committed change of a user's row is an event, after which
 * the account module calls `forget`, which drops the entry on every instance at once (it lives in
 * Redis); and a profile read from the database is cached only if no `forget` ran since its lookup (see
 * `ProfileStore.fill`). If `forget` itself fails (Redis down as the change commits), the old profile can
 * be served until the TTL ends; that is the bound on staleness.
 */
export class ProfileCache {
  constructor(
    private readonly store: ProfileStore,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {}

  /** What the cache holds for a user (nothing is asked when the cache is off). */
  lookup(userId: string): Promise<CachedProfile> {
    if (this.ttlSeconds === 0) return Promise.resolve({ profile: null, generation: null });
    return this.store.read(userId);
  }

  /**
   * The profile a lookup found, or undefined when it must be read from the database. Anything that is
   * not exactly the shape `fill` writes (another version during a rolling deploy, a damaged value) is a
   * miss, never a guess.
   */
  read(lookup: CachedProfile): Profile | undefined {
    if (this.ttlSeconds === 0 || lookup.profile === null) return undefined;
    let cached: Record<string, unknown>;
    try {
      cached = JSON.parse(lookup.profile) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    const { v, id, email, emailVerifiedAt, firstName, lastName, createdAt, updatedAt } = cached ?? {};
    const date = (value: unknown) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value) : undefined);
    const verifiedAt = emailVerifiedAt === null ? null : date(emailVerifiedAt);
    const created = date(createdAt);
    const updated = date(updatedAt);
    if (
      v !== FORMAT ||
      typeof id !== 'string' ||
      typeof email !== 'string' ||
      typeof firstName !== 'string' ||
      typeof lastName !== 'string' ||
      verifiedAt === undefined ||
      !created ||
      !updated
    ) {
      return undefined;
    }
    return { id, email, emailVerified: verifiedAt !== null, emailVerifiedAt: verifiedAt, firstName, lastName, createdAt: created, updatedAt: updated };
  }

  /** Caches a profile just read from the database. Not awaited by the request: a failure costs nothing. */
  fill(user: User, lookup: CachedProfile): void {
    if (this.ttlSeconds === 0) return;
    const profile = JSON.stringify({
      v: FORMAT,
      id: user.id,
      email: user.email,
      emailVerifiedAt: user.emailVerifiedAt ?? null,
      firstName: user.firstName,
      lastName: user.lastName,
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
    });
    this.store
      .fill(user.id, lookup.generation, profile, this.ttlSeconds)
      .catch((error: unknown) => this.logger.debug('profile not cached', { error }));
  }

  /**
   * Drops the cached profile. Call after a change to the user's row has committed. Never throws: the
   * change stands whatever happens here.
   */
  async forget(userId: string): Promise<void> {
    try {
      await this.store.forget(userId);
    } catch (error) {
      this.logger.warn('cached profile not dropped; it expires on its own', { userId, error });
    }
  }
}
