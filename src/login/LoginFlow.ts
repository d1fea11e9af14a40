import type { Tx } from '../core/events';
import { failures, type Failure } from '../core/results';
import type { SessionService, SignedIn } from '../sessions/SessionService';
import type { User } from '../users/User';

/**
 * RFC 8176 authentication method references this service records: `pwd` (a password), `otp` (a
 * one-time code), `hwk`/`swk` (a hardware- or software-held key: passkeys), `user` (user presence and
 * verification on the authenticator), `fed` (another identity provider), `mfa` (more than one factor).
 */
export type AuthMethod = 'pwd' | 'otp' | 'hwk' | 'swk' | 'user' | 'fed' | 'mfa' | (string & {});

/** What a primary sign-in method established: whose account, and how. */
export interface Proof {
  readonly methods: readonly AuthMethod[];
}

export interface LoginPolicy {
  /** Sign-in waits until the account's address is verified. */
  readonly requireEmailVerification: boolean;
}

export type LoginOutcome = SignedIn | Failure<'EMAIL_NOT_VERIFIED'>;

/**
 * The one place sessions are opened, whatever proved who the user is: a password today; an
 * authenticator app, a passkey or another identity provider as those modules come. A primary method
 * checks its credential, then hands the user and its proof here; the flow applies the account-wide
 * rules (a verified address when the service requires one; a second factor, once an account can have
 * one) and then opens the session, recording how and when the user signed in. It publishes
 * `signed-in` in the same transaction.
 */
export class LoginFlow {
  constructor(
    private readonly sessions: SessionService,
    private readonly policy: LoginPolicy,
  ) {}

  async complete(tx: Tx, user: User, proof: Proof): Promise<LoginOutcome> {
    // Said only after the credential was right, so it reveals nothing to someone without it.
    if (this.policy.requireEmailVerification && !user.emailVerified) return failures.emailNotVerified();
    const session = await this.sessions.open(tx, user, { methods: proof.methods, at: tx.origin.at });
    await tx.publish({ type: 'signed-in', userId: user.id, sessionId: session.sessionId, methods: proof.methods });
    // The tokens reach Redis last, just before commit: if Redis fails, nothing of the sign-in is kept.
    return session.issue();
  }
}
