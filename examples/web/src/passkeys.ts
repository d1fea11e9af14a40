import {
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import { assertNever, type Api } from './api';
import {
  FinishPasskeyLogin,
  FinishPasskeyRegistration,
  FinishPasskeyRegistrationForNewAccount,
  RemovePasskey,
  StartPasskeyLogin,
  StartPasskeyRegistration,
  StartPasskeyRegistrationForNewAccount,
  StartPasskeySecondFactor,
  VerifySecondFactorWithPasskey,
} from './operations';

/** What the passkey screens need from the page. */
export interface Page {
  readonly api: Api;
  say(message: string): void;
  field(form: HTMLFormElement, name: string): string;
  fieldErrors(fields: Array<{ field: string; message: string }>): string;
  showSignedIn(): Promise<void>;
  showSignedOut(message: string): void;
  askForSecondFactor(ticket: string, methods: readonly string[]): void;
  /** The ticket of a sign-in waiting for its second factor. */
  ticket(): string | null;
  forgetTicket(): void;
}

/**
 * The passkey screens. Every ceremony is the same three steps: the service's `start...` mutation
 * gives options (a JSON value), @simplewebauthn/browser's `startRegistration` or `startAuthentication`
 * turns them into the browser's prompt and its answer into JSON, and the `finish...` mutation sends
 * that back with the challenge's id. A refused or cancelled prompt throws (a WebAuthnError), which the
 * page shows as a message.
 */
export function passkeyActions(page: Page) {
  const { api, say } = page;
  const create = (options: unknown) => startRegistration({ optionsJSON: options as PublicKeyCredentialCreationOptionsJSON });
  const get = (options: unknown) => startAuthentication({ optionsJSON: options as PublicKeyCredentialRequestOptionsJSON });

  async function signedIn(accessToken: string, message: string): Promise<void> {
    api.signIn(accessToken);
    say(message);
    await page.showSignedIn();
  }

  return {
    /** A new account with a passkey and no password. */
    async createAccount(form: HTMLFormElement): Promise<void> {
      const input = { email: page.field(form, 'email'), firstName: page.field(form, 'firstName'), lastName: page.field(form, 'lastName') };
      const { startPasskeyRegistrationForNewAccount: challenge } = await api.run(StartPasskeyRegistrationForNewAccount, { input });
      const response = await create(challenge.options);
      const { finishPasskeyRegistrationForNewAccount: result } = await api.run(FinishPasskeyRegistrationForNewAccount, {
        challengeId: challenge.challengeId,
        response,
      });
      switch (result.__typename) {
        case 'AuthSuccess':
          form.reset();
          return signedIn(result.accessToken, 'Welcome! Your passkey is set up.');
        case 'InvalidInputError':
          return say(page.fieldErrors(result.fields));
        case 'EmailTakenError':
        case 'EmailNotVerifiedError':
        case 'RateLimitedError':
        case 'InvalidPasskeyError':
          return say(result.message);
        default:
          return assertNever(result);
      }
    },

    /** Usernameless: the browser offers the passkeys it has for this site, and the one chosen says whose it is. */
    async signIn(): Promise<void> {
      const { startPasskeyLogin: challenge } = await api.run(StartPasskeyLogin, {});
      const response = await get(challenge.options);
      const { finishPasskeyLogin: result } = await api.run(FinishPasskeyLogin, { challengeId: challenge.challengeId, response });
      switch (result.__typename) {
        case 'AuthSuccess':
          return signedIn(result.accessToken, 'Signed in with a passkey.');
        case 'SecondFactorRequired':
          return page.askForSecondFactor(result.ticket, result.methods);
        case 'InvalidPasskeyError':
        case 'InvalidCredentialsError':
        case 'EmailNotVerifiedError':
        case 'RateLimitedError':
          return say(result.message);
        case 'InvalidInputError':
          return say(page.fieldErrors(result.fields));
        default:
          return assertNever(result);
      }
    },

    /** The second step after a password, with a passkey instead of a code. */
    async secondFactor(): Promise<void> {
      const ticket = page.ticket();
      if (ticket === null) return page.showSignedOut('Please sign in again.');
      const { startPasskeySecondFactor: challenge } = await api.run(StartPasskeySecondFactor, { ticket });
      const response = await get(challenge.options);
      const { verifySecondFactorWithPasskey: result } = await api.run(VerifySecondFactorWithPasskey, {
        ticket,
        challengeId: challenge.challengeId,
        response,
      });
      switch (result.__typename) {
        case 'AuthSuccess':
          page.forgetTicket();
          return signedIn(result.accessToken, 'Signed in.');
        case 'InvalidPasskeyError':
        case 'InvalidSecondFactorError':
        case 'RateLimitedError':
          return say(result.message);
        case 'InvalidTicketError':
          page.forgetTicket();
          return page.showSignedOut(result.message);
        default:
          return assertNever(result);
      }
    },

    /** Another passkey for the signed-in account (the browser refuses one it already holds for it). */
    async add(): Promise<void> {
      const { startPasskeyRegistration: challenge } = await api.run(StartPasskeyRegistration, {});
      const response = await create(challenge.options);
      const { finishPasskeyRegistration: result } = await api.run(FinishPasskeyRegistration, { challengeId: challenge.challengeId, response });
      switch (result.__typename) {
        case 'PasskeyAdded':
          await page.showSignedIn();
          return say(`Passkey added: ${result.passkey.name}.`);
        case 'InvalidPasskeyError':
          return say(result.message);
        case 'InvalidInputError':
          return say(page.fieldErrors(result.fields));
        default:
          return assertNever(result);
      }
    },

    async remove(id: string): Promise<void> {
      const { removePasskey: result } = await api.run(RemovePasskey, { id });
      switch (result.__typename) {
        case 'PasskeyRemoved':
          await page.showSignedIn();
          return say('Passkey removed.');
        case 'PasskeyNotFoundError':
        case 'LastSignInMethodError':
          return say(result.message);
        default:
          return assertNever(result);
      }
    },
  };
}
