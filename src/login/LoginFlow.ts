import type { EntityManager } from '@mikro-orm/postgresql';
import type { AttemptLimits, LimitRule } from '../core/AttemptLimits';
import type { ServiceContext } from '../core/context';
import type { AccountEvent, EventListener, Tx } from '../core/events';
import { failure, failures, type Failure, type RateLimited } from '../core/results';
import type { Transactions } from '../core/Transactions';
import type { SessionService, SignedIn } from '../sessions/SessionService';
import { User } from '../users/User';
import { lockUser, lockUserByEmail } from '../users/users';
import type { SecondFactor, SecondFactorMethod, SecondFactorTickets, TicketState } from './SecondFactors';
import { TICKET_ATTEMPTS } from './SecondFactors';

/**
 * RFC 8176 authentication method references this service records: `pwd` (a password), `otp` (a
 * one-time code), `hwk`/`swk` (a hardware- or software-held key: passkeys), `user` (user presence and
 * verification on the authenticator), `fed` (another identity provider), `mfa` (more than one factor).
 */
export type AuthMethod = 'pwd' | 'otp' | 'hwk' | 'swk' | 'user' | 'fed' | 'mfa' | (string & {});

/**
 * Per-address limits every sign-in method counts against, under one name each: failed sign-ins
 * (a password or a passkey refused) and accounts created share their counters whatever the method, so
 * switching methods buys an address no fresh attempts.
 */
export function addressRules(login: { failuresPerAddress: number; registrationsPerAddress: number }): {
  failures: LimitRule;
  registrations: LimitRule;
} {
  return {
    failures: { name: 'login-fail', limit: login.failuresPerAddress },
    registrations: { name: 'register', limit: login.registrationsPerAddress },
  };
}

const ENDS_PENDING_SIGN_INS = new Set<AccountEvent['type']>([
  'password-changed',
  'password-reset',
  'signed-out-everywhere',
  'email-changed',
  'account-deleted',
  'second-factors-reset',
]);

/** What a primary sign-in method established: whose account, and how. */
export interface Proof {
  readonly methods: readonly AuthMethod[];
  /**
   * The proof is already more than one factor (a passkey used with user verification: something held
   * and something known or been), so no second factor is asked for.
   */
  readonly multiFactor?: boolean;
}

export interface LoginPolicy {
  /** Sign-in waits until the account's address is verified. */
  readonly requireEmailVerification: boolean;
  /** Sign-in attempts per account per window: primary credentials and second factors alike. */
  readonly checksPerAccount: number;
}

/** The primary credential was right; a second factor must follow, with this ticket. */
export interface SecondFactorRequired {
  readonly kind: 'second-factor-required';
  readonly ticket: string;
  readonly methods: readonly SecondFactorMethod[];
  readonly expiresAt: Date;
}

export type LoginOutcome = SignedIn | SecondFactorRequired | Failure<'EMAIL_NOT_VERIFIED'>;

export type InvalidTicket = Failure<'INVALID_TICKET'>;
export type InvalidSecondFactor = Failure<'INVALID_SECOND_FACTOR'>;
export type SecondStepOutcome = SignedIn | InvalidSecondFactor | InvalidTicket | RateLimited;

export const secondFactorFailures = {
  invalidTicket: (): InvalidTicket =>
    failure('INVALID_TICKET', 'This sign-in has expired or was already completed. Please sign in again.'),
  invalidSecondFactor: (): InvalidSecondFactor => failure('INVALID_SECOND_FACTOR', 'The code is not correct.'),
};

/**
 * Checks a second factor for the user a ticket names, inside the transaction that will open the
 * session: the `amr` values it adds when right, null when wrong. Its writes (a used code, a counter)
 * commit only with the session.
 */
export type SecondFactorCheck = (tx: Tx, user: User) => Promise<readonly AuthMethod[] | null>;

/** Taken by another request between the check and the session: that one signs in, this one does not. */
class TicketAlreadyUsed extends Error {}

/**
 * The one place sessions are opened, whatever proved who the user is. A primary method (a password, a
 * passkey, another identity provider) checks its credential, then hands the user and its proof to
 * `complete`. The flow applies the account-wide rules: a verified address when the service requires
 * one, then a second factor when the account has one and the proof is a single factor. Then it opens
 * the session, recording how and when the user signed in, and publishes `signed-in` in the same
 * transaction.
 *
 * When a second factor is needed, `complete` answers with a ticket instead; the module of the factor
 * checks it through `continueWithTicket`, which opens the session when it is right. Every try, first
 * step or second, counts against the account's login limit, and only an opened session clears it: a
 * correct password does not buy fresh guesses at the code.
 */
export class LoginFlow {
  private readonly secondFactors: SecondFactor[] = [];
  /** The per-account limit of sign-in attempts. */
  private readonly accountRule: LimitRule;

  constructor(
    private readonly sessions: SessionService,
    private readonly transactions: Transactions,
    private readonly tickets: SecondFactorTickets,
    private readonly limits: AttemptLimits,
    private readonly policy: LoginPolicy,
  ) {
    this.accountRule = { name: 'login', limit: policy.checksPerAccount };
  }

  /** Modules that offer a second factor register it at start-up. */
  registerSecondFactor(factor: SecondFactor): void {
    this.secondFactors.push(factor);
  }

  /**
   * Counts a sign-in attempt against the account an address names (known or not: unknown addresses
   * count the same, so the limit says nothing). Call it before the credential is looked at.
   */
  countAttempt(email: string): Promise<RateLimited | null> {
    return this.limits.hit(this.accountRule, this.limits.account(email));
  }

  /** Forgets the account's attempts: after a password reset by link, the owner has proven control. */
  forgive(email: string): Promise<void> {
    return this.limits.reset(this.accountRule, this.limits.account(email));
  }

  /** The second factors the user has set up (none: a single factor signs them in). */
  async secondFactorsOf(em: EntityManager, userId: string): Promise<SecondFactorMethod[]> {
    return (await Promise.all(this.secondFactors.map((factor) => factor.methodsFor(em, userId)))).flat();
  }

  async complete(tx: Tx, user: User, proof: Proof): Promise<LoginOutcome> {
    // Said only after the credential was right, so it reveals nothing to someone without it; and the
    // right credential clears the account's failures, as a sign-in would.
    if (this.policy.requireEmailVerification && !user.emailVerified) {
      await this.forgive(user.email);
      return failures.emailNotVerified();
    }
    if (!proof.multiFactor) {
      const methods = await this.secondFactorsOf(tx.em, user.id);
      if (methods.length > 0) {
        const { ticket, expiresAt } = await this.tickets.issue({ userId: user.id, email: user.email, methods: proof.methods, methodsOffered: methods });
        const required: SecondFactorRequired = { kind: 'second-factor-required', ticket, methods, expiresAt };
        return required;
      }
    }
    return this.openSession(tx, user, proof.methods);
  }

  /**
   * Pending second steps end with the sessions they would join: after a password change or reset,
   * signing out everywhere, an address change or deletion, a ticket made before it (with the old
   * password, say) opens nothing. Written to the store just before the change commits.
   */
  readonly listener: EventListener = {
    inTransaction: async (tx, event) => {
      if (ENDS_PENDING_SIGN_INS.has(event.type)) tx.beforeCommit(() => this.tickets.endAllFor(event.userId));
    },
  };

  /** The state of a live ticket (whose sign-in it continues), or null. */
  ticket(ticket: string): Promise<TicketState | null> {
    return this.tickets.peek(ticket);
  }

  /**
   * The second step: `check` decides whether the factor is right. Each try is counted against the
   * ticket (five, then it dies) and the account's login limit before anything is checked. A right
   * factor takes the ticket, so of any number of concurrent right answers exactly one opens a session.
   */
  async continueWithTicket(ctx: ServiceContext, ticket: string, check: SecondFactorCheck): Promise<SecondStepOutcome> {
    const state = await this.tickets.peek(ticket);
    if (!state) return secondFactorFailures.invalidTicket();
    const limited = await this.countAttempt(state.email);
    if (limited) return limited;
    const tries = await this.tickets.countAttempt(ticket);
    if (tries > TICKET_ATTEMPTS) return secondFactorFailures.invalidTicket();

    let outcome: SignedIn | InvalidTicket | null;
    try {
      outcome = await this.transactions.run(ctx, async (tx) => {
        // The account's row first, as a password change or reset, signing out everywhere, an address
        // change and deletion lock it: one of those either commits first (and its end mark, written
        // just before, is seen below) or waits, and then ends the session this opens.
        const user = await lockUser(tx.em, state.userId);
        if (!user) return secondFactorFailures.invalidTicket();
        const added = await check(tx, user);
        if (!added) return null;
        // Taken last, after the factor's own writes: if another request took it first, or the
        // user's tickets were ended meanwhile, this transaction rolls back and the code it used stays
        // unused.
        if (!(await this.tickets.isCurrent(state)) || !(await this.tickets.take(ticket))) throw new TicketAlreadyUsed();
        return this.openSession(tx, user, [...new Set([...state.methods, ...added])]);
      });
    } catch (error) {
      if (error instanceof TicketAlreadyUsed) return secondFactorFailures.invalidTicket();
      throw error;
    }
    if (outcome !== null) return outcome;

    await this.transactions.run(ctx, (tx) => tx.publish({ type: 'sign-in-failed', userId: state.userId }));
    // The last wrong try ends the ticket now rather than on the next one.
    if (tries === TICKET_ATTEMPTS) await this.tickets.kill(ticket);
    return secondFactorFailures.invalidSecondFactor();
  }

  /**
   * For an operator, when a user has lost their second factors (or found someone else's on their
   * address) and has proven who they are some other way: removes every second factor of the account
   * (an authenticator app with its recovery codes, passkeys) and ends its sessions and tickets. The
   * password, if any, stays; an account left without one gets in through a password reset. The
   * security log records it and the account is mailed a notice. False when no account has the address.
   */
  async resetSecondFactors(ctx: ServiceContext, email: string): Promise<{ found: boolean; removed: number }> {
    return this.transactions.run(ctx, async (tx) => {
      const user = await lockUserByEmail(tx.em, email);
      if (!user) return { found: false, removed: 0 };
      let removed = 0;
      for (const factor of this.secondFactors) removed += await factor.forgetAll(tx.em, user.id);
      await this.sessions.end(tx, user.id, {});
      await tx.publish({ type: 'second-factors-reset', userId: user.id, email: user.email });
      return { found: true, removed };
    });
  }

  private async openSession(tx: Tx, user: User, methods: readonly AuthMethod[]): Promise<SignedIn> {
    const session = await this.sessions.open(tx, user, { methods, at: tx.origin.at });
    await tx.publish({ type: 'signed-in', userId: user.id, sessionId: session.sessionId, methods });
    // A signed-in user starts afresh: earlier failures on the account are forgiven.
    await this.forgive(user.email);
    // The tokens reach Redis last, just before commit: if Redis fails, nothing of the sign-in is kept.
    return session.issue();
  }
}
