import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { sha256 } from '../core/digest';
import type { EphemeralStore } from '../core/EphemeralStore';

/**
 * Second factors: what a user who proved who they are with one method must add before a session
 * opens. Modules that offer one (an authenticator app, passkeys) declare their methods and register a
 * `SecondFactor` with the login flow; the flow asks each which of its methods a user has.
 */

/** A method's name in `SecondFactorRequired.methods` (the schema's `SecondFactorMethod` enum). */
export type SecondFactorMethod = 'TOTP' | 'RECOVERY_CODE' | 'PASSKEY' | (string & {});

const declaredMethods = new Map<string, string>();

/**
 * Declares a method (UPPER_SNAKE) with the schema's description of it, when the module that offers it
 * loads; the schema's `SecondFactorMethod` enum is built from these.
 */
export function declareSecondFactorMethod<M extends string>(method: M, description: string): M {
  if (declaredMethods.has(method)) throw new Error(`second factor method ${method} declared twice`);
  declaredMethods.set(method, description);
  return method;
}

export function secondFactorMethods(): ReadonlyMap<string, string> {
  return declaredMethods;
}

export interface SecondFactor {
  /** The methods of this module the user can use now (none when they have not set it up). */
  methodsFor(em: EntityManager, userId: string): Promise<readonly SecondFactorMethod[]>;
  /** Removes all of the user's (an operator's reset, `LoginFlow.resetSecondFactors`); how many there were. */
  forgetAll(em: EntityManager, userId: string): Promise<number>;
}

/** What a correct primary sign-in left for the second step: whose account, and how it was proved. */
export interface TicketState {
  readonly userId: string;
  /** The account's address when the ticket was made: its login limit counts the second step's tries. */
  readonly email: string;
  /** The primary method's `amr` values, kept for the session the second factor opens. */
  readonly methods: readonly string[];
  readonly methodsOffered: readonly SecondFactorMethod[];
  /** The user's end mark when the ticket was made (`SecondFactorTickets.endAllFor`), if there was one. */
  readonly endMark: string | null;
  readonly expiresAt: number;
}

/** How many wrong second factors a ticket survives. */
export const TICKET_ATTEMPTS = 5;
export const TICKET_TTL_SECONDS = 5 * 60;

/**
 * Tickets between a correct primary sign-in and its second factor. A ticket is 256 random bits handed
 * to the client; the shared ephemeral store keeps only its SHA-256 (someone who reads the store cannot
 * use what it holds), so a ticket made on one instance works on every other. It lives five minutes,
 * survives five wrong codes, and is taken (deleted in the same step) by the one success it allows.
 * It is not a session: nothing but the second-factor mutations accepts it.
 */
export class SecondFactorTickets {
  constructor(
    private readonly store: EphemeralStore,
    private readonly now: () => number,
  ) {}

  async issue(state: Omit<TicketState, 'endMark' | 'expiresAt'>): Promise<{ ticket: string; expiresAt: Date }> {
    const ticket = `mfa_${randomBytes(32).toString('base64url')}`;
    const expiresAt = this.now() + TICKET_TTL_SECONDS * 1000;
    const endMark = await this.store.get(this.endKey(state.userId));
    await this.store.put(this.key(ticket), JSON.stringify({ ...state, endMark, expiresAt }), TICKET_TTL_SECONDS);
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  /**
   * The ticket's state while it is alive; null for a made-up, used, dead or expired ticket, and for one
   * made before its user's tickets were ended.
   */
  async peek(ticket: string): Promise<TicketState | null> {
    if (!TICKET.test(ticket)) return null;
    const raw = await this.store.get(this.key(ticket));
    const state = raw ? (JSON.parse(raw) as TicketState) : null;
    // The store's TTL ends it too; the clock check makes expiry exact (and testable with a clock).
    if (!state || state.expiresAt <= this.now()) return null;
    return (await this.isCurrent(state)) ? state : null;
  }

  /**
   * Whether no end came after the ticket was made: the user's end mark is the one the ticket saw. A
   * random mark, not a time, so neither clocks that disagree between instances nor two ends in one
   * millisecond matter. Once a mark expires every ticket made before it has expired too.
   */
  async isCurrent(state: TicketState): Promise<boolean> {
    const mark = await this.store.get(this.endKey(state.userId));
    return mark === null || mark === state.endMark;
  }

  /**
   * Ends every ticket the user has now, on every instance. Tickets are found by their hash, not by
   * user, so this sets a new end mark that older tickets do not carry. Kept twice a ticket's life, a
   * margin for instances whose clocks disagree on when a ticket expires.
   */
  async endAllFor(userId: string): Promise<void> {
    await this.store.put(this.endKey(userId), randomBytes(16).toString('base64url'), 2 * TICKET_TTL_SECONDS);
  }

  /** Counts one try with the ticket, before the code is checked; returns the tries so far. */
  countAttempt(ticket: string): Promise<number> {
    return this.store.increment(`${this.key(ticket)}:tries`, TICKET_TTL_SECONDS);
  }

  /** Ends the ticket; true for the one caller that ended it (of any number, on any instance). */
  async take(ticket: string): Promise<boolean> {
    return (await this.store.take(this.key(ticket))) !== null;
  }

  async kill(ticket: string): Promise<void> {
    await this.store.delete(this.key(ticket));
  }

  private key(ticket: string): string {
    return `mfa-ticket:${sha256(ticket)}`;
  }

  private endKey(userId: string): string {
    return `mfa-tickets-end:${userId}`;
  }
}

const TICKET = /^mfa_[A-Za-z0-9_-]{43}$/;
