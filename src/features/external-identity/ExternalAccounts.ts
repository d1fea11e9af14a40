import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { ServiceContext, ViewerContext } from '../../core/context';
import { declareCredentialEvent } from '../../core/credentialEvents';
import type { Tx } from '../../core/events';
import { failure, type Failure } from '../../core/results';
import type { Transactions } from '../../core/Transactions';
import { checkName, lengthOf, NAME_MAX, isUuid } from '../../core/validation';
import type { AuthMethod, LoginFlow, LoginOutcome } from '../../login/LoginFlow';
import { lastSignInMethod, type LastSignInMethod, type SignInMethod, type SignInMethods, type SignInMethodSource } from '../../login/SignInMethods';
import { User } from '../../users/User';
import { lockUserByEmail, shareLockUser, viewerUser } from '../../users/users';
import { ExternalIdentity } from './ExternalIdentity';
import type { ProviderProfile } from './providers/IdentityProviderClient';

const IDENTITY_LINKED = declareCredentialEvent('IDENTITY_LINKED', {
  description: 'An account at another identity provider (Google, GitHub...) was linked: it can now sign in to this account.',
  notice: {
    subject: 'A new way to sign in was added to your account',
    lines: [
      'An account at another identity provider (such as Google, Microsoft or GitHub) was just linked to the account with this email address: it can now be used to sign in.',
      'If it was not you, remove it from your account, change your password and sign out everywhere.',
    ],
  },
});
const IDENTITY_UNLINKED = declareCredentialEvent('IDENTITY_UNLINKED', {
  description: 'An account at another identity provider was unlinked: it no longer signs in to this account.',
  notice: {
    subject: 'A way to sign in was removed from your account',
    lines: [
      'An account at another identity provider was just unlinked from the account with this email address: it can no longer be used to sign in.',
      'If it was not you, change your password and sign out everywhere.',
    ],
  },
});

/** An account has this address but may not be linked to the identity without its owner: see `signIn`. */
export interface AccountLinkRequired {
  readonly kind: 'account-link-required';
  readonly email: string;
  /** How the account signs in now (`signInMethods` kinds: `password`, `passkey`, provider ids). */
  readonly methods: readonly string[];
}

export interface ExternalIdentityLinked {
  readonly kind: 'external-identity-linked';
  readonly identity: ExternalIdentity;
  readonly user: User;
}

export interface ExternalIdentityUnlinked {
  readonly kind: 'external-identity-unlinked';
  readonly id: string;
  readonly user: User;
}

export type NoVerifiedEmail = Failure<'NO_VERIFIED_EMAIL'>;
export type IdentityTaken = Failure<'EXTERNAL_IDENTITY_TAKEN'>;
export type IdentityNotFound = Failure<'EXTERNAL_IDENTITY_NOT_FOUND'>;

export type AccountOutcome = LoginOutcome | AccountLinkRequired | NoVerifiedEmail;

export interface Provider {
  readonly id: string;
  readonly name: string;
}

/** Concurrent first sign-ins of one identity (or one address) race to insert; the losers start over once. */
const ATTEMPTS = 3;

/**
 * Which account an identity at a provider signs in to, and linking and unlinking identities. Every
 * rule is decided inside one transaction, and races are decided by PostgreSQL: the unique
 * (provider, subject) and unique email constraints make the losing transaction roll back, and it is
 * run again to find what the winner wrote. Never a check-then-insert that two requests could both pass.
 */
export class ExternalAccounts implements SignInMethodSource {
  constructor(
    private readonly orm: MikroORM,
    private readonly transactions: Transactions,
    private readonly loginFlow: LoginFlow,
    private readonly signInMethods: SignInMethods,
    /** Providers configured now: only their identities count as ways to sign in. */
    private readonly configured: ReadonlySet<string>,
    private readonly now: () => number,
  ) {}

  /**
   * The account rules of a sign-in whose provider vouched for `profile`:
   * - a known identity signs in its user, whatever the address says now;
   * - an unknown identity whose address has an account is linked to it only when the provider asserts
   *   the address verified and the account's address is verified too. Otherwise `AccountLinkRequired`:
   *   a provider that lets anyone claim any address must not hand over the account of its owner, and an
   *   unverified account may belong to someone who never proved the address either (pre-hijacking);
   * - an unknown identity with a verified address and no account makes one: verified, no password;
   * - anything else (no address, or an unverified one) makes nothing: it would squat the address.
   * Then the login flow decides: a session, or `SecondFactorRequired` for an account with one.
   */
  signIn(ctx: ServiceContext, provider: Provider, profile: ProviderProfile): Promise<AccountOutcome> {
    return retried(() => this.transactions.run(ctx, (tx) => this.signInOnce(tx, provider, profile)));
  }

  private async signInOnce(tx: Tx, provider: Provider, profile: ProviderProfile): Promise<AccountOutcome> {
    const methods: AuthMethod[] = ['fed', ...profile.amr.filter((method) => method !== 'fed')];
    const at = new Date(this.now());
    const seen = await tx.em.findOne(ExternalIdentity, { provider: provider.id, subject: profile.subject }, { fields: ['id', 'user'] });
    // The account's row (shared) before the identity's, the order an unlink or a reclaim locks them
    // in, so the two cannot deadlock; then the identity again, as it is once they have committed: one
    // they removed meanwhile signs in to nothing.
    const owner = seen && (await shareLockUser(tx.em, seen.user.id));
    const known = owner && (await tx.em.findOne(ExternalIdentity, { id: seen.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true }));
    if (known && owner) {
      known.lastUsedAt = at;
      if (profile.email) known.email = profile.email;
      return this.loginFlow.complete(tx, owner, { methods });
    }
    if (!profile.email) return noVerifiedEmail(provider);

    // Locked, so the account cannot be deleted, or lose its last way in, while it is being linked.
    const local = await lockUserByEmail(tx.em, profile.email);
    if (local) {
      if (!profile.emailVerified || !local.emailVerified) {
        const kinds = (await this.signInMethods.of(tx.em, local.id)).map((method) => method.kind);
        const required: AccountLinkRequired = { kind: 'account-link-required', email: local.email, methods: [...new Set(kinds)] };
        return required;
      }
      await this.addIdentity(tx, local, provider, profile, at);
      await tx.publish({ type: 'credential', userId: local.id, email: local.email, kind: IDENTITY_LINKED });
      return this.loginFlow.complete(tx, local, { methods });
    }

    if (!profile.emailVerified) return noVerifiedEmail(provider);
    const user = tx.em.create(User, { email: profile.email, ...namesOf(profile), emailVerifiedAt: at, createdAt: at, updatedAt: at });
    // The unique email constraint decides between this and a concurrent registration of the address.
    await tx.em.flush();
    await this.addIdentity(tx, user, provider, profile, at);
    await tx.publish({ type: 'registered', userId: user.id, email: user.email });
    return this.loginFlow.complete(tx, user, { methods });
  }

  /**
   * Adds the identity to the viewer's account: any identity at a configured provider, whatever its
   * address (the viewer proved both sides). One already linked to another account is refused; one
   * already linked to this account is simply there.
   */
  link(ctx: ViewerContext, provider: Provider, profile: ProviderProfile): Promise<ExternalIdentityLinked | IdentityTaken> {
    return retried(() =>
      this.transactions.run(ctx, async (tx) => {
        const user = await viewerUser(tx.em, ctx.viewer.userId, true);
        const existing = await tx.em.findOne(ExternalIdentity, { provider: provider.id, subject: profile.subject });
        if (existing && existing.user.id !== user.id) {
          return failure('EXTERNAL_IDENTITY_TAKEN', `This ${provider.name} account already signs in to another account here. Unlink it there first.`);
        }
        if (existing) return { kind: 'external-identity-linked', identity: existing, user } satisfies ExternalIdentityLinked;
        const identity = await this.addIdentity(tx, user, provider, profile, null);
        await tx.publish({ type: 'credential', userId: user.id, email: user.email, kind: IDENTITY_LINKED });
        return { kind: 'external-identity-linked', identity, user } satisfies ExternalIdentityLinked;
      }),
    );
  }

  /**
   * Removes one of the viewer's identities, unless it is the account's last way to sign in: asked
   * under the user's row lock, so two removals of an account's last two ways cannot both pass.
   */
  async unlink(ctx: ViewerContext, id: string): Promise<ExternalIdentityUnlinked | IdentityNotFound | LastSignInMethod> {
    const notFound = failure('EXTERNAL_IDENTITY_NOT_FOUND', 'No linked identity with this id belongs to your account.');
    if (!isUuid(id)) return notFound;
    return this.transactions.run(ctx, async (tx) => {
      const user = await viewerUser(tx.em, ctx.viewer.userId, true);
      const identity = await tx.em.findOne(ExternalIdentity, { id, user: user.id });
      if (!identity) return notFound;
      if (!(await this.signInMethods.wouldRemainAfter(tx.em, user.id, { kind: identity.provider, id: identity.id }))) {
        return lastSignInMethod();
      }
      await tx.em.nativeDelete(ExternalIdentity, { id: identity.id });
      await tx.publish({ type: 'credential', userId: user.id, email: user.email, kind: IDENTITY_UNLINKED });
      return { kind: 'external-identity-unlinked', id: identity.id, user } satisfies ExternalIdentityUnlinked;
    });
  }

  /** The user's identities, oldest first. */
  identities(userId: string): Promise<ExternalIdentity[]> {
    return this.orm.em.fork().find(ExternalIdentity, { user: userId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  /** Each linked identity at a configured provider is a way to sign in (one whose provider was removed is not). */
  async methodsOf(em: EntityManager, userId: string): Promise<readonly SignInMethod[]> {
    const identities = await em.find(ExternalIdentity, { user: userId }, { fields: ['id', 'provider'] });
    return identities.filter((identity) => this.configured.has(identity.provider)).map((identity) => ({ kind: identity.provider, id: identity.id }));
  }

  private async addIdentity(tx: Tx, user: User, provider: Provider, profile: ProviderProfile, usedAt: Date | null): Promise<ExternalIdentity> {
    const identity = tx.em.create(ExternalIdentity, {
      user,
      provider: provider.id,
      subject: profile.subject,
      email: profile.email ?? null,
      createdAt: new Date(this.now()),
      lastUsedAt: usedAt,
    });
    // The unique (provider, subject) constraint decides between concurrent links of one identity.
    await tx.em.flush();
    return identity;
  }
}

function noVerifiedEmail(provider: Provider): NoVerifiedEmail {
  return failure(
    'NO_VERIFIED_EMAIL',
    `${provider.name} did not confirm an email address for this account. Confirm one there and try again, or register with a password and link ${provider.name} from your account.`,
  );
}

/** Runs a transaction again when it lost a race on a unique constraint: the next run sees the winner's rows. */
async function retried<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException) || attempt >= ATTEMPTS) throw error;
    }
  }
}

/** A new account's names from what the provider says: given and family names, else the full name split, else the address. */
function namesOf(profile: ProviderProfile): { firstName: string; lastName: string } {
  let first = profile.givenName;
  let last = profile.familyName;
  if (!first && !last && profile.name) {
    const at = profile.name.lastIndexOf(' ');
    [first, last] = at > 0 ? [profile.name.slice(0, at), profile.name.slice(at + 1)] : [profile.name, undefined];
  }
  return { firstName: clean(first) ?? clean(profile.email?.split('@')[0]) ?? 'User', lastName: clean(last) ?? '' };
}

/** A provider's name under our name rules, cut to length; undefined when nothing usable is left. */
function clean(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const cut = lengthOf(value) > NAME_MAX ? [...value].slice(0, NAME_MAX).join('') : value;
  const checked = checkName('name', 'Name', cut);
  return checked.ok ? checked.value : undefined;
}
