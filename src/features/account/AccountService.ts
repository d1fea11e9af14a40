import type { MikroORM } from '@mikro-orm/postgresql';
import type { AccessClaims } from '../../sessions/AccessTokens';
import type { ViewerLookup } from '../../sessions/TokenAllowlist';
import { User } from '../../infra/db/entities';
import { InvalidInputError, unauthenticated } from '../../graphql/errors';
import type { UpdateMeInput } from './graphql/types';
import { UpdateMeSuccess } from './graphql/types';
import type { Profile, ProfileCache } from './ProfileCache';
import { checkName, collect, type Checked } from '../../core/validation';

export class UserService {
  constructor(
    private readonly orm: MikroORM,
    private readonly profiles: ProfileCache,
  ) {}

  /**
   * The viewer's profile: from the cache the allowlist lookup brought back, else one primary-key read
   * (which refills the cache). A live token whose user is gone is treated as an invalid token.
   */
  async me(viewer: AccessClaims, lookup: ViewerLookup): Promise<Profile | User> {
    const cached = this.profiles.read(lookup);
    if (cached && cached.id === viewer.userId) return cached;
    const user = await this.orm.em.fork().findOne(User, { id: viewer.userId });
    if (!user) throw unauthenticated(true);
    this.profiles.fill(user, lookup);
    return user;
  }

  /** Changes only the fields given; every invalid field is reported and nothing is written. */
  async updateMe(viewer: AccessClaims, input: UpdateMeInput): Promise<UpdateMeSuccess | InvalidInputError> {
    const checks: Record<string, Checked<string>> = {};
    if (input.firstName != null) checks.firstName = checkName('firstName', 'First name', input.firstName);
    if (input.lastName != null) checks.lastName = checkName('lastName', 'Last name', input.lastName);
    const { values, errors } = collect(checks);
    if (errors.length > 0) return new InvalidInputError(errors);

    const em = this.orm.em.fork();
    const user = await em.findOne(User, { id: viewer.userId });
    if (!user) throw unauthenticated(true);
    em.assign(user, values);
    // Only a real change produces an UPDATE (and a new updatedAt).
    await em.flush();
    await this.profiles.forget(user.id);
    return new UpdateMeSuccess(user);
  }
}
