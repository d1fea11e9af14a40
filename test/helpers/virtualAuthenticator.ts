import type { CDPSession, Page } from 'playwright-core';

/**
 * Chromium's own virtual authenticator (DevTools protocol, WebAuthn domain) for browser tests: the page's
 * `navigator.credentials` talks to it as to a platform passkey store, with no prompt. It lives as long as
 * the CDP session, i.e. the page.
 */
export interface VirtualAuthenticator {
  readonly authenticatorId: string;
  /** The credentials it holds, ids in base64url (as the server sees them). */
  credentials(): Promise<VirtualCredential[]>;
  /**
   * Whether the next PIN or biometric check passes. When it fails, Chromium rejects the ceremony
   * (NotAllowedError) if the request's userVerification is `required` or `preferred`; only with
   * `discouraged` does a response with UV = 0 reach the server.
   */
  setUserVerified(isUserVerified: boolean): Promise<void>;
  /**
   * Takes it away; later ceremonies fail with NotAllowedError once options.timeout runs out. The CDP
   * session stays attached: detached (or after WebAuthn.disable), ceremonies go to Chromium's real
   * prompt, which in headless mode never settles.
   */
  remove(): Promise<void>;
}

export interface VirtualCredential {
  /** base64url, equal to the `id` of the response JSON. */
  id: string;
  isResidentCredential: boolean;
  rpId?: string;
  /** base64url, equal to `response.userHandle`. */
  userHandle?: string;
  signCount: number;
  backupEligibility?: boolean;
  backupState?: boolean;
}

/** Settings that may differ from a phone's or laptop's built-in passkey store, which is the default. */
export interface VirtualAuthenticatorSettings {
  isUserVerified?: boolean;
  /** BE and BS of new credentials (a synced passkey has both). Default false. */
  defaultBackupEligibility?: boolean;
  defaultBackupState?: boolean;
}

export async function addVirtualAuthenticator(page: Page, settings: VirtualAuthenticatorSettings = {}): Promise<VirtualAuthenticator> {
  const session: CDPSession = await page.context().newCDPSession(page);
  await session.send('WebAuthn.enable', {});
  const { authenticatorId } = await session.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      // Answers user-presence checks itself: a test has nobody to touch the sensor.
      automaticPresenceSimulation: true,
      ...settings,
    },
  });

  return {
    authenticatorId,
    async credentials() {
      const { credentials } = await session.send('WebAuthn.getCredentials', { authenticatorId });
      // CDP sends binary fields as standard base64; WebAuthn JSON uses base64url.
      return credentials.map((c) => ({
        id: base64url(c.credentialId),
        isResidentCredential: c.isResidentCredential,
        rpId: c.rpId,
        userHandle: c.userHandle === undefined ? undefined : base64url(c.userHandle),
        signCount: c.signCount,
        backupEligibility: c.backupEligibility,
        backupState: c.backupState,
      }));
    },
    async setUserVerified(isUserVerified) {
      await session.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified });
    },
    async remove() {
      await session.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    },
  };
}

function base64url(base64: string): string {
  return Buffer.from(base64, 'base64').toString('base64url');
}
