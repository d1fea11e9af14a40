import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AttemptLimits, LimitRule } from '../../core/AttemptLimits';
import type { ServiceContext, ViewerContext } from '../../core/context';
import { declareCredentialEvent } from '../../core/credentialEvents';
import { BadArgumentError, NotAllowedNowError, TooManyAttemptsError } from '../../core/errors';
import { requireRecentSignIn } from '../../login/recentSignIn';
import { failure, failures, type Failure, type InvalidInput, type RateLimited } from '../../core/results';
import type { Transactions } from '../../core/Transactions';
import { checkEmail, checkName, collect, isUuid } from '../../core/validation';
import type { Logger } from '../../infra/logger';
import type { LoginFlow, LoginOutcome } from '../../login/LoginFlow';
import { lastSignInMethod, type LastSignInMethod, type SignInMethod, type SignInMethodSource, type SignInMethods } from '../../login/SignInMethods';
import { User } from '../../users/User';
import { viewerUser } from '../../users/users';
import { invalidPasskey, userHandle, type InvalidPasskey } from './PasskeyAssertions';
import type { PasskeyChallenges } from './PasskeyChallenges';
import { Passkey, passkeysOf } from './Passkey';
import { amrOf, type NewCredential, type RelyingParty } from './RelyingParty';

const PASSKEY_ADDED = declareCredentialEvent('PASSKEY_ADDED', {
  description: 'A passkey was added: it signs in without a password, and confirms password sign-ins as a second factor.',
  notice: {
    subject: 'A passkey was added to your account',
    lines: [
      'A passkey was just added to the account with this email address. It signs in without a password; if the account has a password, signing in with it now also asks for a passkey.',
      'If it was not you, remove it in your account settings and reset your password at once: someone else may control your account.',
    ],
  },
});
const PASSKEY_REMOVED = declareCredentialEvent('PASSKEY_REMOVED', {
  description: 'A passkey was removed; it no longer signs in.',
  notice: {
    subject: 'A passkey was removed from your account',
    lines: [
      'A passkey was just removed from the account with this email address; it no longer signs in.',
      'If it was not you, reset your password now and check the passkeys that remain.',
    ],
  },
});

/** What a client gets to start a ceremony: the options for the browser, and the id to send back with the response. */
export interface PasskeyChallenge {
  readonly challengeId: string;
  readonly options: unknown;
  readonly expiresAt: Date;
}

export interface PasskeyAdded {
  readonly kind: 'passkey-added';
  readonly passkey: Passkey;
}

export interface PasskeyRenamed {
  readonly kind: 'passkey-renamed';
  readonly passkey: Passkey;
}

export interface PasskeyRemoved {
  readonly kind: 'passkey-removed';
  readonly passkeyId: string;
  readonly user: User;
}

export type PasskeyNotFound = Failure<'PASSKEY_NOT_FOUND'>;

export interface NewAccountInput {
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
}

export interface PasskeyRules {
  /** Accounts created per client address (shared with `register`). */
  readonly registrations: LimitRule;
  /** Challenges handed to anonymous callers per client address: each is kept for five minutes. */
  readonly challenges: LimitRule;
}

/** More would be a list nobody can manage, and rows anyone signed in could pile up. */
export const MAX_PASSKEYS = 20;

/** Thrown inside a transaction to roll it back: the address belongs to an account already. */
class EmailTaken extends Error {}

/**
 * Passkeys as credentials of an account: adding one (signed in), creating an account with one and no
 * password, listing, renaming and removing them. Signing in with them is `PasskeySignIn`.
 *
 * The same credential is never registered twice, for one account or two: the authenticator is told
 * the account's credentials (excludeCredentials), and the unique constraint on the credential id
 * decides in the end. A removal that would leave the account no way to sign in is refused, decided
 * under the user's row lock.
 */
export class PasskeyService implements SignInMethodSource {
  constructor(
    private readonly orm: MikroORM,
    private readonly transactions: Transactions,
    private readonly loginFlow: LoginFlow,
    private readonly signInMethods: SignInMethods,
    private readonly limits: AttemptLimits,
    private readonly rules: PasskeyRules,
    private readonly challenges: PasskeyChallenges,
    private readonly relyingParty: RelyingParty,
    private readonly settings: { recentSignInSeconds: number },
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /**
   * Starts adding a passkey to the viewer's account. Needs a recent sign-in, as setting up an
   * authenticator app does: an older, perhaps stolen, session must not add a way in of its own.
   */
  async startRegistration(ctx: ViewerContext): Promise<PasskeyChallenge> {
    requireRecentSignIn(ctx, this.settings.recentSignInSeconds, this.now(), 'add a passkey');
    const em = this.orm.em.fork();
    const user = await viewerUser(em, ctx.viewer.userId);
    const existing = await passkeysOf(em, user.id);
    if (existing.length >= MAX_PASSKEYS) throw tooMany();
    const issued = await this.challenges.issue('registration', { userId: user.id, sessionId: ctx.viewer.sessionId });
    const options = await this.relyingParty.creationOptions(account(user), issued.challenge, existing);
    return { challengeId: issued.challengeId, options, expiresAt: issued.expiresAt };
  }

  async finishRegistration(
    ctx: ViewerContext,
    challengeId: string,
    response: unknown,
    name: string | undefined,
  ): Promise<PasskeyAdded | InvalidPasskey | InvalidInput> {
    // Checked before the challenge is used, so a better name can be sent with the same response.
    const named = name === undefined ? undefined : checkPasskeyName(name);
    if (named && !named.ok) return failures.invalidInput([named.error]);
    const state = await this.challenges.take(challengeId, 'registration');
    if (!state || state.userId !== ctx.viewer.userId || state.sessionId !== ctx.viewer.sessionId) return this.refused('registration', 'challenge');
    const created = await this.relyingParty.verifyCreation(response, state.challenge);
    if (created.kind === 'refused') return this.refused('registration', created.reason);
    try {
      return await this.transactions.run(ctx, async (tx) => {
        // Locked: concurrent additions are counted one after the other.
        const user = await viewerUser(tx.em, ctx.viewer.userId, true);
        const count = await tx.em.count(Passkey, { user: user.id });
        if (count >= MAX_PASSKEYS) throw tooMany();
        const passkey = this.store(tx.em, user, created, named?.value ?? defaultName(count), tx.origin.at);
        // The unique constraint on the credential id decides whether it is registered already (here or elsewhere).
        await tx.em.flush();
        await tx.publish({ type: 'credential', userId: user.id, email: user.email, kind: PASSKEY_ADDED });
        const added: PasskeyAdded = { kind: 'passkey-added', passkey };
        return added;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return this.refused('registration', 'credential already registered');
      throw error;
    }
  }

  /**
   * Starts creating an account whose only credential is a passkey. The input follows `register`'s
   * rules; a bad one is refused now (before the user's authenticator makes a credential for it), as a
   * top-level BAD_USER_INPUT naming every field. Whether the address is taken is only said at the
   * end, as `register` says it: the unique constraint on the address decides.
   */
  async startNewAccount(ctx: ServiceContext, input: NewAccountInput): Promise<PasskeyChallenge> {
    await this.countChallenge(ctx);
    const { values, errors } = collect({
      email: checkEmail('email', input.email),
      firstName: checkName('firstName', 'First name', input.firstName),
      lastName: checkName('lastName', 'Last name', input.lastName),
    });
    if (errors.length > 0) throw new BadArgumentError(errors.map((e) => `${e.field}: ${e.message}`).join(' '));
    // The account's id is chosen now: the passkey carries it as its user handle.
    const userId = randomUUID();
    const issued = await this.challenges.issue('new-account', { userId, ...values });
    const options = await this.relyingParty.creationOptions(account({ id: userId, ...values }), issued.challenge, []);
    return { challengeId: issued.challengeId, options, expiresAt: issued.expiresAt };
  }

  /** Creates the account with its passkey, and signs it in (or says the address must be verified first). */
  async finishNewAccount(
    ctx: ServiceContext,
    challengeId: string,
    response: unknown,
  ): Promise<LoginOutcome | Failure<'EMAIL_TAKEN'> | InvalidPasskey | RateLimited> {
    const limited = await this.limits.hit(this.rules.registrations, this.limits.address(ctx.client.ipAddress));
    if (limited) return limited;
    const state = await this.challenges.take(challengeId, 'new-account');
    if (!state?.userId || !state.email || !state.firstName || !state.lastName) return this.refused('new-account', 'challenge');
    const created = await this.relyingParty.verifyCreation(response, state.challenge);
    if (created.kind === 'refused') return this.refused('new-account', created.reason);
    try {
      return await this.transactions.run(ctx, async (tx) => {
        const user = tx.em.create(User, { id: state.userId, email: state.email!, firstName: state.firstName!, lastName: state.lastName! });
        try {
          // The unique constraint on users.email decides between concurrent registrations, as for `register`.
          await tx.em.flush();
        } catch (error) {
          if (error instanceof UniqueConstraintViolationException) throw new EmailTaken();
          throw error;
        }
        this.store(tx.em, user, created, defaultName(0), tx.origin.at);
        await tx.em.flush();
        await tx.publish({ type: 'registered', userId: user.id, email: user.email });
        // The ceremony verified the user (required), so the new session is as strong as a passkey sign-in.
        return this.loginFlow.complete(tx, user, { methods: amrOf(created.deviceType, created.userVerified), multiFactor: created.userVerified });
      });
    } catch (error) {
      if (error instanceof EmailTaken) return failures.emailTaken();
      if (error instanceof UniqueConstraintViolationException) return this.refused('new-account', 'credential already registered');
      throw error;
    }
  }

  /** The viewer's passkeys, oldest first. */
  list(userId: string): Promise<Passkey[]> {
    return passkeysOf(this.orm.em.fork(), userId);
  }

  async rename(ctx: ViewerContext, id: string, name: string): Promise<PasskeyRenamed | PasskeyNotFound | InvalidInput> {
    const named = checkPasskeyName(name);
    if (!named.ok) return failures.invalidInput([named.error]);
    if (!isUuid(id)) return passkeyNotFound();
    return this.transactions.run(ctx, async (tx) => {
      const passkey = await tx.em.findOne(Passkey, { id, user: ctx.viewer.userId });
      if (!passkey) return passkeyNotFound();
      passkey.name = named.value;
      const renamed: PasskeyRenamed = { kind: 'passkey-renamed', passkey };
      return renamed;
    });
  }

  /**
   * Removes one of the viewer's passkeys, unless it is the account's last way to sign in. Needs a recent
   * sign-in, as adding one does: a passkey may be the second factor of the password, and an older,
   * perhaps stolen, session must not take it away.
   */
  async remove(ctx: ViewerContext, id: string): Promise<PasskeyRemoved | PasskeyNotFound | LastSignInMethod> {
    requireRecentSignIn(ctx, this.settings.recentSignInSeconds, this.now(), 'remove a passkey');
    if (!isUuid(id)) return passkeyNotFound();
    return this.transactions.run(ctx, async (tx) => {
      // The user's row first: two removals of an account's last two ways run one after the other, so
      // the second sees the first gone.
      const user = await viewerUser(tx.em, ctx.viewer.userId, true);
      const passkey = await tx.em.findOne(Passkey, { id, user: user.id });
      if (!passkey) return passkeyNotFound();
      if (!(await this.signInMethods.wouldRemainAfter(tx.em, user.id, { kind: 'passkey', id }))) return lastSignInMethod();
      await tx.em.nativeDelete(Passkey, { id });
      await tx.publish({ type: 'credential', userId: user.id, email: user.email, kind: PASSKEY_REMOVED });
      const removed: PasskeyRemoved = { kind: 'passkey-removed', passkeyId: id, user };
      return removed;
    });
  }

  /** Passkeys as ways to sign in. */
  async methodsOf(em: EntityManager, userId: string): Promise<readonly SignInMethod[]> {
    const passkeys = await em.find(Passkey, { user: userId }, { fields: ['id'] });
    return passkeys.map((passkey) => ({ kind: 'passkey', id: passkey.id }));
  }

  /** Challenges for anonymous callers are counted per address: each one is kept five minutes. */
  async countChallenge(ctx: ServiceContext): Promise<void> {
    const limited = await this.limits.hit(this.rules.challenges, this.limits.address(ctx.client.ipAddress));
    if (limited) throw new TooManyAttemptsError(limited.retryAfter);
  }

  private store(em: EntityManager, user: User, created: NewCredential, name: string, at: Date): Passkey {
    return em.create(Passkey, {
      user,
      credentialId: created.credentialId,
      publicKey: created.publicKey,
      counter: created.counter,
      transports: created.transports,
      deviceType: created.deviceType,
      backedUp: created.backedUp,
      name,
      createdAt: at,
    });
  }

  private refused(purpose: string, reason: string): InvalidPasskey {
    this.logger.info('passkey refused', { purpose, reason });
    return invalidPasskey();
  }
}

/** What the authenticator shows for the account: its address, and the person's name. */
function account(user: { id: string; email: string; firstName: string; lastName: string }) {
  return { handle: userHandle(user.id), name: user.email, displayName: `${user.firstName} ${user.lastName}` };
}

/** A passkey's name follows the rules of a person's (1 to 100 characters, no control characters). */
function checkPasskeyName(name: string) {
  return checkName('name', 'Name', name);
}

function defaultName(existing: number): string {
  return existing === 0 ? 'Passkey' : `Passkey ${existing + 1}`;
}

function passkeyNotFound(): PasskeyNotFound {
  return failure('PASSKEY_NOT_FOUND', 'No passkey with this id belongs to this account.');
}

function tooMany(): NotAllowedNowError {
  return new NotAllowedNowError(`An account can have at most ${MAX_PASSKEYS} passkeys. Remove one to add another.`);
}
