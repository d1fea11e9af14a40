import { Api, ApiError, assertNever } from './api';
import type { MeQuery, SessionsQuery } from './gql/graphql';
import {
  ConfirmTotpEnrollment,
  DisableTotp,
  Login,
  Logout,
  Me,
  Register,
  RevokeSession,
  Sessions,
  StartTotpEnrollment,
  UpdateMe,
  VerifySecondFactor,
} from './operations';
import { passkeyActions } from './passkeys';

/**
 * A small page over the service: register (with a password or a passkey), sign in (with a password
 * or a passkey, and a second factor when the account has one), see and edit the profile, set up an
 * authenticator app, add and remove passkeys, list and end sessions, sign out. A reload resumes the
 * session through the refresh cookie. User data is only ever set as text (never as HTML), so nothing
 * the service returns can run as script here.
 */
const api = new Api(import.meta.env.VITE_API_URL ?? 'http://localhost:4000/graphql');

const element = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const field = (form: HTMLFormElement, name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;

function say(message: string): void {
  element('status').textContent = message;
}

type PageState = 'signed-in' | 'signed-out' | 'second-factor';

function show(state: PageState): void {
  document.body.dataset.state = state;
  for (const section of ['signed-in', 'signed-out', 'second-factor'] as const) element(section).hidden = state !== section;
}

/**
 * The ticket of a sign-in waiting for its second factor: in memory only (5 minutes, single use), like
 * the access token.
 */
let pendingTicket: string | null = null;

/** Starts the second step of a sign-in that answered SecondFactorRequired. */
function askForSecondFactor(ticket: string, methods: readonly string[]): void {
  pendingTicket = ticket;
  element('second-factor-passkey').hidden = !methods.includes('PASSKEY');
  show('second-factor');
}

/** The second step is over (done, or its ticket dead). */
function forgetTicket(): void {
  pendingTicket = null;
  element<HTMLFormElement>('second-factor-form').reset();
}

function fieldErrors(fields: Array<{ field: string; message: string }>): string {
  return fields.map((f) => `${f.field}: ${f.message}`).join(' ');
}

const passkeyScreens = passkeyActions({
  api,
  say,
  field,
  fieldErrors,
  showSignedIn,
  showSignedOut,
  askForSecondFactor,
  ticket: () => pendingTicket,
  forgetTicket,
});

async function showSignedIn(): Promise<void> {
  const { me } = await api.run(Me, {});
  if (!me) return showSignedOut('Please sign in.');
  renderProfile(me);
  renderTwoFactor(me);
  renderPasskeys(me.passkeys);
  await renderSessions();
  show('signed-in');
}

function showSignedOut(message: string): void {
  api.signOut();
  show('signed-out');
  say(message);
}

function renderTwoFactor(me: NonNullable<MeQuery['me']>): void {
  element('totp-status').textContent = me.twoFactorEnabled
    ? `On: signing in needs a code from your authenticator app. ${me.recoveryCodesRemaining ?? 0} recovery codes left.`
    : 'Off: no authenticator app is set up.';
  element('totp-start').hidden = me.twoFactorEnabled;
  element('totp-disable').hidden = !me.twoFactorEnabled;
  element('totp-setup').hidden = true;
}

function renderPasskeys(passkeys: NonNullable<MeQuery['me']>['passkeys']): void {
  const items = passkeys.map((passkey) => {
    const item = document.createElement('li');
    item.dataset.id = passkey.id;
    const kind = passkey.deviceType === 'multiDevice' ? 'synced' : 'on one device';
    const used = passkey.lastUsedAt ? `last used ${new Date(passkey.lastUsedAt).toLocaleString()}` : 'never used';
    item.append(`${passkey.name} (${kind}) · ${used} `);
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.addEventListener('click', () => void act(() => passkeyScreens.remove(passkey.id)));
    item.append(remove);
    return item;
  });
  element('passkeys').replaceChildren(...items);
}

type Profile = Pick<NonNullable<MeQuery['me']>, 'firstName' | 'lastName' | 'email' | 'emailVerified' | 'createdAt'>;

function renderProfile(me: Profile): void {
  element('name').textContent = `${me.firstName} ${me.lastName}`;
  element('email').textContent = `${me.email}${me.emailVerified ? '' : ' (not verified yet)'}`;
  element('since').textContent = new Date(me.createdAt).toLocaleString();
  const form = element<HTMLFormElement>('update');
  (form.elements.namedItem('firstName') as HTMLInputElement).value = me.firstName;
  (form.elements.namedItem('lastName') as HTMLInputElement).value = me.lastName;
}

async function renderSessions(): Promise<void> {
  const { sessions } = await api.run(Sessions, {});
  element('sessions').replaceChildren(...sessions.map(sessionItem));
}

function sessionItem(session: SessionsQuery['sessions'][number]): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.current = String(session.current);
  const label = `${session.userAgent ?? 'unknown client'} · last used ${new Date(session.lastUsedAt).toLocaleString()}`;
  item.append(`${session.current ? 'This browser: ' : ''}${label} `);
  const revoke = document.createElement('button');
  revoke.type = 'button';
  revoke.textContent = 'End';
  revoke.addEventListener('click', () => void act(() => revokeSession(session.id)));
  item.append(revoke);
  return item;
}

async function register(form: HTMLFormElement): Promise<void> {
  const input = {
    email: field(form, 'email'),
    password: field(form, 'password'),
    firstName: field(form, 'firstName'),
    lastName: field(form, 'lastName'),
  };
  const { register: result } = await api.run(Register, { input });
  switch (result.__typename) {
    case 'AuthSuccess':
      api.signIn(result.accessToken);
      say('Welcome!');
      return showSignedIn();
    case 'InvalidInputError':
      return say(fieldErrors(result.fields));
    case 'EmailTakenError':
    case 'EmailNotVerifiedError':
    case 'RateLimitedError':
    case 'InvalidPasskeyError':
      return say(result.message);
    default:
      return assertNever(result);
  }
}

async function login(form: HTMLFormElement): Promise<void> {
  const { login: result } = await api.run(Login, { email: field(form, 'email'), password: field(form, 'password') });
  switch (result.__typename) {
    case 'AuthSuccess':
      api.signIn(result.accessToken);
      say('Signed in.');
      return showSignedIn();
    case 'SecondFactorRequired':
      askForSecondFactor(result.ticket, result.methods);
      return say('Password accepted. One more step.');
    case 'InvalidInputError':
      return say(fieldErrors(result.fields));
    case 'InvalidCredentialsError':
    case 'EmailNotVerifiedError':
    case 'RateLimitedError':
    case 'InvalidPasskeyError':
      return say(result.message);
    default:
      return assertNever(result);
  }
}

async function verifySecondFactor(form: HTMLFormElement): Promise<void> {
  if (!pendingTicket) return showSignedOut('Please sign in again.');
  const { verifySecondFactor: result } = await api.run(VerifySecondFactor, { ticket: pendingTicket, code: field(form, 'code') });
  switch (result.__typename) {
    case 'AuthSuccess':
      forgetTicket();
      api.signIn(result.accessToken);
      say(result.user.recoveryCodesRemaining === 0 ? 'Signed in. That was your last recovery code: make new ones.' : 'Signed in.');
      return showSignedIn();
    case 'InvalidSecondFactorError':
    case 'InvalidPasskeyError':
    case 'RateLimitedError':
      return say(result.message);
    case 'InvalidTicketError':
      forgetTicket();
      return showSignedOut(result.message);
    default:
      return assertNever(result);
  }
}

async function startTotpEnrollment(): Promise<void> {
  const { startTotpEnrollment: setup } = await api.run(StartTotpEnrollment, {});
  // The QR code goes in as an image, never as markup: nothing from the service runs as script here.
  element<HTMLImageElement>('totp-qr').src = `data:image/svg+xml;base64,${btoa(setup.qrCodeSvg)}`;
  element('totp-secret').textContent = setup.secret;
  element('totp-setup').hidden = false;
  element('totp-start').hidden = true;
  say('Scan the QR code, then enter the code your app shows.');
}

async function confirmTotpEnrollment(form: HTMLFormElement): Promise<void> {
  const { confirmTotpEnrollment: result } = await api.run(ConfirmTotpEnrollment, { code: field(form, 'code') });
  switch (result.__typename) {
    case 'TotpEnabled': {
      form.reset();
      const items = result.recoveryCodes.map((code) => Object.assign(document.createElement('li'), { textContent: code }));
      element('recovery-codes').replaceChildren(...items);
      element('recovery').hidden = false;
      await showSignedIn();
      return say('Two-factor authentication is on. Every other session was signed out.');
    }
    case 'InvalidSecondFactorError':
    case 'RateLimitedError':
      return say(result.message);
    default:
      return assertNever(result);
  }
}

async function disableTotp(form: HTMLFormElement): Promise<void> {
  const { disableTotp: result } = await api.run(DisableTotp, { code: field(form, 'code') });
  switch (result.__typename) {
    case 'TotpDisabled':
      form.reset();
      element('recovery').hidden = true;
      await showSignedIn();
      return say('Two-factor authentication is off.');
    case 'InvalidSecondFactorError':
    case 'RateLimitedError':
      return say(result.message);
    default:
      return assertNever(result);
  }
}

async function updateMe(form: HTMLFormElement): Promise<void> {
  const { updateMe: result } = await api.run(UpdateMe, {
    input: { firstName: field(form, 'firstName'), lastName: field(form, 'lastName') },
  });
  switch (result.__typename) {
    case 'UpdateMeSuccess':
      renderProfile(result.user);
      return say('Saved.');
    case 'InvalidInputError':
      return say(fieldErrors(result.fields));
    default:
      return assertNever(result);
  }
}

async function revokeSession(id: string): Promise<void> {
  const current = element('sessions').querySelector('li[data-current="true"]') !== null;
  const { revokeSession: result } = await api.run(RevokeSession, { id });
  switch (result.__typename) {
    case 'RevokeSessionSuccess':
      // Ending this browser's own session signs it out (the service also cleared the cookie).
      if (current && !(await api.refresh())) return showSignedOut('This session was ended.');
      say('Session ended.');
      return renderSessions();
    case 'SessionNotFoundError':
      say(result.message);
      return renderSessions();
    default:
      return assertNever(result);
  }
}

async function logout(): Promise<void> {
  await api.run(Logout, {});
  element('recovery').hidden = true;
  showSignedOut('Signed out.');
}

/** Runs a user action, turning a top-level error into a message (and a lost session into the sign-in form). */
async function act(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') return showSignedOut(error.message);
    say(error instanceof Error ? error.message : String(error));
  }
}

function onSubmit(id: string, handler: (form: HTMLFormElement) => Promise<void>): void {
  const form = element<HTMLFormElement>(id);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void act(() => handler(form));
  });
}

onSubmit('register', register);
onSubmit('login', login);
onSubmit('second-factor-form', verifySecondFactor);
onSubmit('update', updateMe);
onSubmit('totp-confirm', confirmTotpEnrollment);
onSubmit('totp-disable', disableTotp);
element('totp-start').addEventListener('click', () => void act(startTotpEnrollment));
onSubmit('passkey-register', passkeyScreens.createAccount);
element('passkey-login').addEventListener('click', () => void act(passkeyScreens.signIn));
element('second-factor-passkey').addEventListener('click', () => void act(passkeyScreens.secondFactor));
element('passkey-add').addEventListener('click', () => void act(passkeyScreens.add));
element('logout').addEventListener('click', () => void act(logout));

// A reload: resume the session from the refresh cookie, if there is one.
void act(async () => ((await api.refresh()) ? showSignedIn() : showSignedOut('Please sign in or register.')));
