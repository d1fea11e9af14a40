import { randomBytes } from 'node:crypto';
import { sha256 } from '../../core/digest';
import type { EphemeralStore } from '../../core/EphemeralStore';

/** What a challenge was issued for; a response to it counts only for that. */
export type ChallengePurpose = 'registration' | 'new-account' | 'login' | 'second-factor' | 'reauthentication';

/** Whom a challenge was issued to, so the response counts for them only. */
export interface ChallengeBinding {
  /** The signed-in user adding a passkey or confirming a change, the user a ticket names, or the id a new account will get. */
  readonly userId?: string;
  /** The session a signed-in ceremony started in (registration, re-authentication). */
  readonly sessionId?: string;
  /** The address a sign-in named (normalised), or a new account's. */
  readonly email?: string;
  /** SHA-256 of the second-factor ticket the challenge continues. */
  readonly ticketHash?: string;
  /** A new account's names, checked when the challenge was issued. */
  readonly firstName?: string;
  readonly lastName?: string;
}

export interface ChallengeState extends ChallengeBinding {
  readonly purpose: ChallengePurpose;
  /** The WebAuthn challenge, base64url: what the authenticator signs (inside clientDataJSON). */
  readonly challenge: string;
  readonly expiresAt: number;
}

export interface IssuedChallenge {
  /** Names the challenge to the client, which sends it back with the response. */
  readonly challengeId: string;
  readonly challenge: string;
  readonly expiresAt: Date;
}

export const CHALLENGE_TTL_SECONDS = 5 * 60;
const CHALLENGE_ID = /^pkc_[A-Za-z0-9_-]{32}$/;

/**
 * WebAuthn challenges, kept server-side in the shared ephemeral store (Redis, or the process without
 * it) so a ceremony started on one instance finishes on any other. A challenge is 256 random bits
 * (WebAuthn asks for at least 128), lives five minutes, and is bound to its purpose and to whom it was
 * issued for. It is taken (read and deleted in one step) by the first response that names it, right
 * or wrong: a replayed response, or a second try with the same challenge, finds nothing.
 *
 * The store holds it under the SHA-256 of its id, as tickets are kept: what the store holds does not
 * name a live challenge.
 */
export class PasskeyChallenges {
  constructor(
    private readonly store: EphemeralStore,
    private readonly now: () => number,
  ) {}

  async issue(purpose: ChallengePurpose, binding: ChallengeBinding): Promise<IssuedChallenge> {
    const challengeId = `pkc_${randomBytes(24).toString('base64url')}`;
    const challenge = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + CHALLENGE_TTL_SECONDS * 1000;
    const state: ChallengeState = { ...binding, purpose, challenge, expiresAt };
    await this.store.put(this.key(challengeId), JSON.stringify(state), CHALLENGE_TTL_SECONDS);
    return { challengeId, challenge, expiresAt: new Date(expiresAt) };
  }

  /**
   * Uses the challenge up, and returns it if it is alive and was issued for `purpose`; null for a
   * made-up, used, expired or other-purpose one (which is used up all the same).
   */
  async take(challengeId: string, purpose: ChallengePurpose): Promise<ChallengeState | null> {
    if (!CHALLENGE_ID.test(challengeId)) return null;
    const raw = await this.store.take(this.key(challengeId));
    const state = raw ? (JSON.parse(raw) as ChallengeState) : null;
    // The store's TTL ends it too; the clock makes expiry exact (and testable with an injected clock).
    if (!state || state.expiresAt <= this.now() || state.purpose !== purpose) return null;
    return state;
  }

  private key(challengeId: string): string {
    return `passkey-challenge:${sha256(challengeId)}`;
  }
}
