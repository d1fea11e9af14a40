import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { declareCredentialEvent } from '../../core/credentialEvents';
import type { Tx } from '../../core/events';
import { failure, type Failure } from '../../core/results';
import type { Logger } from '../../infra/logger';
import type { AuthMethod } from '../../login/LoginFlow';
import type { User } from '../../users/User';
import { shareLockUser } from '../../users/users';
import type { ChallengeState } from './PasskeyChallenges';
import { Passkey } from './Passkey';
import { amrOf, credentialIdOf, userHandleOf, type RelyingParty } from './RelyingParty';

export const PASSKEY_CLONE_SUSPECTED = declareCredentialEvent('PASSKEY_CLONE_SUSPECTED', {
  description:
    "A sign-in with a passkey was refused because the passkey's signature counter did not go forward: a sign " +
    'that the key was copied (a cloned security key).',
  notice: {
    subject: 'A sign-in with one of your passkeys was refused',
    lines: [
      "Someone just signed in to the account with this email address with one of its passkeys, but the passkey's signature counter had gone backwards: a sign that the key was copied. The sign-in was refused.",
      'If you did not expect this, remove that passkey in your account settings, and check your other ways of signing in.',
    ],
  },
});

export type InvalidPasskey = Failure<'INVALID_PASSKEY'>;

/** Every refusal of a passkey, whatever the check that failed: the client is never told which. */
export function invalidPasskey(): InvalidPasskey {
  return failure('INVALID_PASSKEY', 'The passkey could not be verified. Please try again, or use another way to sign in.');
}

export interface AssertionRequest {
  /** The challenge the response must answer (already taken: single use). */
  readonly state: ChallengeState;
  readonly response: unknown;
  /** A PIN or biometric must have been checked: a passkey that stands alone (no password with it). */
  readonly requireUserVerification: boolean;
  /** The account the credential must belong to (a ticket's, the viewer's); absent when the passkey says who. */
  readonly userId?: string;
  /** The address the sign-in named: the credential's account must have it. */
  readonly email?: string;
}

export type CheckedAssertion =
  | { readonly kind: 'verified'; readonly user: User; readonly passkey: Passkey; readonly amr: AuthMethod[]; readonly userVerified: boolean }
  /** `userId`: the account that was signing in, when known, for its log of failed sign-ins. */
  | { readonly kind: 'refused'; readonly userId?: string };

/** The base64url user handle of an account: the 16 bytes of its (random) id, which hold nothing personal. */
export function userHandle(userId: string): string {
  return Buffer.from(userId.replace(/-/g, ''), 'hex').toString('base64url');
}

/**
 * Checks a passkey assertion (a sign-in, a second step, a re-check) against the stored credential
 * it names, inside the caller's transaction, and records its use. WebAuthn verifies the signature but
 * never which account a credential belongs to; that is decided here: the credential is looked up by
 * its id (unique across accounts), must belong to the account the challenge was bound to, and the
 * user handle the authenticator returns must be that account's.
 *
 * The credential's row is locked while it is checked, so two assertions of one credential are
 * compared with the counter one after the other, never both with the same old value.
 */
export class PasskeyAssertions {
  constructor(
    private readonly relyingParty: RelyingParty,
    private readonly logger: Logger,
  ) {}

  /** The account a response's credential belongs to, if any: to count a usernameless attempt against it. */
  async ownerOf(em: EntityManager, response: unknown): Promise<{ userId: string; email: string } | null> {
    const credentialId = credentialIdOf(response);
    const passkey = credentialId ? await em.findOne(Passkey, { credentialId }, { populate: ['user'] }) : null;
    return passkey ? { userId: passkey.user.id, email: passkey.user.getEntity().email } : null;
  }

  async check(tx: Tx, request: AssertionRequest): Promise<CheckedAssertion> {
    const { state, response } = request;
    const refuse = (reason: string, userId?: string): CheckedAssertion => {
      this.logger.info('passkey refused', { purpose: state.purpose, reason, userId });
      return { kind: 'refused', userId };
    };
    const credentialId = credentialIdOf(response);
    // Whose it is first, then the locks in the order every change of an account's ways in takes them
    // (a removal, a reclaim, a password change): the account's row, then the passkey's. The other way
    // round, this (holding the passkey, needing the account's row for the session it opens) and a
    // removal (holding the account, needing the passkey) deadlock.
    const found = credentialId ? await tx.em.findOne(Passkey, { credentialId }, { fields: ['id', 'user'] }) : null;
    const user = found && (await shareLockUser(tx.em, found.user.id));
    const passkey = user && (await tx.em.findOne(Passkey, { id: found.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true }));
    if (!user || !passkey) return refuse('unknown credential');
    // Another account's credential: the attempt says nothing about this account, nor about that one.
    if (request.userId !== undefined && user.id !== request.userId) return refuse('credential of another account');
    if (request.email !== undefined && user.email !== request.email) return refuse('credential of another account');
    // WebAuthn section 7.2 step 6: the handle, when given, must be the credential's account; when the
    // challenge named no account (the passkey says whose it is), it must be given.
    const handle = userHandleOf(response);
    if (handle === undefined ? request.userId === undefined : handle !== userHandle(user.id)) return refuse('user handle does not match', user.id);

    const outcome = await this.relyingParty.verifyAssertion(response, state.challenge, passkey, request.requireUserVerification);
    if (outcome.kind === 'counter-went-back') {
      this.logger.warn('passkey signature counter did not go forward: possibly a cloned authenticator; refused', {
        userId: user.id,
        passkeyId: passkey.id,
      });
      await tx.publish({ type: 'credential', userId: user.id, email: user.email, kind: PASSKEY_CLONE_SUSPECTED });
      return { kind: 'refused', userId: user.id };
    }
    if (outcome.kind === 'refused') return refuse(outcome.reason, user.id);

    passkey.counter = outcome.newCounter;
    passkey.backedUp = outcome.backedUp;
    passkey.lastUsedAt = tx.origin.at;
    await tx.em.flush();
    return { kind: 'verified', user, passkey, amr: amrOf(outcome.deviceType, outcome.userVerified), userVerified: outcome.userVerified };
  }
}
