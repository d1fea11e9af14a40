import * as client from 'openid-client';
import { sha256 } from '../../core/digest';
import type { EphemeralStore } from '../../core/EphemeralStore';

/** What a start is for: signing in (or up), or adding an identity to the signed-in viewer's account. */
export type FlowPurpose = 'sign-in' | 'link';

/** Kept between a start and its finish, in the shared ephemeral store, under the state's hash. */
export interface FlowState {
  readonly provider: string;
  /** Sent in the authorization request; the token request must name it again (RFC 6749 section 4.1.3). */
  readonly redirectUri: string;
  readonly purpose: FlowPurpose;
  /** For a link: whose account, and from which session, so only that session can finish it. */
  readonly userId?: string;
  readonly sessionId?: string;
  readonly codeVerifier: string;
  readonly nonce: string;
  /** For a finish by the callback route: SHA-256 of the cookie that ties it to the browser that started it. */
  readonly browserBindingHash?: string;
  readonly expiresAt: number;
}

/** How long a start may wait for its finish: the user signs in at the provider meanwhile. */
export const FLOW_TTL_SECONDS = 10 * 60;

/** openid-client's `randomState()`: 32 random bytes, base64url. */
const STATE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The state, PKCE verifier and nonce of sign-ins under way: each 256 random bits from openid-client
 * (`randomState`, `randomPKCECodeVerifier`, `randomNonce`), made per start. The state is handed to the
 * client; the store keeps, under its SHA-256, the verifier and nonce (which never leave the service)
 * and what the start was bound to. Shared by every instance, for ten minutes, and taken (read and
 * deleted in one step) by the first finish that presents it, so a state works once whatever comes.
 */
export class FlowStates {
  constructor(
    private readonly store: EphemeralStore,
    private readonly now: () => number,
  ) {}

  async begin(flow: Omit<FlowState, 'codeVerifier' | 'nonce' | 'expiresAt'>): Promise<{ state: string; flow: FlowState }> {
    const state = client.randomState();
    const stored: FlowState = {
      ...flow,
      codeVerifier: client.randomPKCECodeVerifier(),
      nonce: client.randomNonce(),
      expiresAt: this.now() + FLOW_TTL_SECONDS * 1000,
    };
    await this.store.put(this.key(state), JSON.stringify(stored), FLOW_TTL_SECONDS);
    return { state, flow: stored };
  }

  /** The flow a state started, once: null for a made-up, used or expired state. */
  async take(state: string): Promise<FlowState | null> {
    if (!STATE.test(state)) return null;
    const raw = await this.store.take(this.key(state));
    const flow = raw ? (JSON.parse(raw) as FlowState) : null;
    // The store's TTL ends it too; the clock makes expiry exact (and testable with a clock).
    return flow && flow.expiresAt > this.now() ? flow : null;
  }

  private key(state: string): string {
    return `external-flow:${sha256(state)}`;
  }
}
