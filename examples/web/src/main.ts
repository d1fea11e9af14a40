import { Api, ApiError, assertNever } from './api';
import type { ExternalSignInFailureReason, IdentityProvidersQuery, MeQuery, SessionsQuery } from './gql/graphql';
import {
  ConfirmTotpEnrollment,
  DisableTotp,
  FinishExternalSignIn,
  IdentityProviders,
  LinkExternalIdentity,
  Login,
  Logout,
  Me,
  Register,
  RevokeSession,
  Sessions,
  StartExternalIdentityLink,
  StartExternalSignIn,
  StartTotpEnrollment,
  UnlinkExternalIdentity,
  UpdateMe,
  VerifySecondFactor,
} from './operations';
import { passkeyActions } from './passkeys';

/**
 * A small page over the service: register (with a password or a passkey), sign in (with a password,
 * a passkey or another identity provider, and a second factor when the account has one), see and edit
 * the profile, set up an authenticator app, add and remove passkeys, link and unlink accounts at other
 * providers, list and end sessions, sign out. A reload resumes the session through the refresh cookie.
 * User data is only ever set as text (never as HTML), so nothing the service returns can run as script
 * here.
 */
const apiUrl = import.meta.env.VITE_API_URL ?? 'http://localhost:4000/graphql';
const api = new Api(apiUrl);

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
 * the access token. Empty when the service's callback route handed it to the browser as an httpOnly
 * cookie instead: the second-factor mutations read that cookie when their ticket is empty.
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

/** The configured identity providers, for the buttons and the names of linked accounts. */
let providers: IdentityProvidersQuery['identityProviders'] = [];

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
  renderIdentities(me);
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

const providerName = (id: string) => providers.find((provider) => provider.id === id)?.name ?? id;

function renderIdentities(me: NonNullable<MeQuery['me']>): void {
  element('identities').replaceChildren(
    ...me.identities.map((identity) => {
      const item = document.createElement('li');
      item.dataset.provider = identity.provider;
      item.append(`${providerName(identity.provider)}${identity.email ? ` (${identity.email})` : ''} `);
      const unlink = document.createElement('button');
      unlink.type = 'button';
      unlink.textContent = 'Unlink';
      unlink.addEventListener('click', () => void act(() => unlinkIdentity(identity.id)));
      item.append(unlink);
      return item;
    }),
  );
  element('link-providers').replaceChildren(
    ...providers.map((provider) => providerButton(provider, `Link ${provider.name}`, () => startExternal(provider.id, 'link'))),
  );
}

function providerButton(provider: { id: string; name: string }, label: string, onClick: () => Promise<void>): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.provider = provider.id;
  button.textContent = label;
  button.addEventListener('click', () => void act(onClick));
  return button;
}

async function loadProviders(): Promise<void> {
  ({ identityProviders: providers } = await api.run(IdentityProviders, {}));
  element('providers').replaceChildren(
    ...providers.map((provider) => providerButton(provider, `Sign in with ${provider.name}`, () => startExternal(provider.id, 'sign-in'))),
  );
  element('external').hidden = providers.length === 0;
}

/**
 * A sign-in (or link) the page started and will finish when the provider sends the browser back here.
 * Kept in sessionStorage only across that round trip: the state is no secret (the code is what the
 * provider hands back), but it is what tells this page that the answer is for the sign-in it started.
 */
const PENDING = 'external-sign-in';
interface PendingExternal {
  provider: string;
  state: string;
  purpose: 'sign-in' | 'link';
}

/** This page, as the redirect URI (listed in the service's EXTERNAL_REDIRECT_URIS and at the provider). */
const pageRedirectUri = () => `${location.origin}${location.pathname}`;

async function startExternal(provider: string, purpose: 'sign-in' | 'link'): Promise<void> {
  // The service's own callback route receives the answer instead, and sends the browser back here.
  const viaService = purpose === 'sign-in' && element<HTMLInputElement>('via-service').checked;
  const redirectUri = viaService ? new URL(`/auth/callback/${provider}`, apiUrl).href : pageRedirectUri();
  const start =
    purpose === 'sign-in'
      ? (await api.run(StartExternalSignIn, { provider, redirectUri })).startExternalSignIn
      : (await api.run(StartExternalIdentityLink, { provider, redirectUri })).startExternalIdentityLink;
  switch (start.__typename) {
    case 'ExternalSignInStart':
      if (!viaService) sessionStorage.setItem(PENDING, JSON.stringify({ provider, state: start.state, purpose } satisfies PendingExternal));
      say(`On to ${providerName(provider)}…`);
      return location.assign(start.authorizationUrl);
    case 'InvalidInputError':
      return say(fieldErrors(start.fields));
    default:
      return assertNever(start);
  }
}

/** The provider sent the browser back here with `code`, `state` and `iss` (or an `error`). */
async function finishExternal(params: URLSearchParams): Promise<void> {
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  const pending = raw ? (JSON.parse(raw) as PendingExternal) : null;
  // An answer to a sign-in this page did not start (someone else's link) is ignored.
  if (!pending || pending.state !== params.get('state')) return showSignedOut('That sign-in was not started here. Please try again.');
  const code = params.get('code');
  if (!code) {
    const cancelled = `The sign-in with ${providerName(pending.provider)} was cancelled.`;
    if (pending.purpose === 'link' && (await api.refresh())) return showSignedIn().then(() => say(cancelled));
    return showSignedOut(cancelled);
  }
  const callback = { provider: pending.provider, code, state: pending.state, iss: params.get('iss') };
  if (pending.purpose === 'link') return linkIdentity(callback);
  const { finishExternalSignIn: result } = await api.run(FinishExternalSignIn, callback);
  switch (result.__typename) {
    case 'AuthSuccess':
      api.signIn(result.accessToken);
      say(`Signed in with ${providerName(pending.provider)}.`);
      return showSignedIn();
    case 'SecondFactorRequired':
      askForSecondFactor(result.ticket, result.methods);
      return say(`${providerName(pending.provider)} says it is you. One more step.`);
    case 'AccountLinkRequired':
      return showSignedOut(accountLinkRequired(result.email, result.signInMethods));
    case 'ExternalSignInError':
    case 'RateLimitedError':
      return showSignedOut(result.message);
    default:
      return assertNever(result);
  }
}

function accountLinkRequired(email: string, methods: readonly string[]): string {
  const ways = methods.map((method) => (method === 'password' ? 'your password' : method === 'passkey' ? 'a passkey' : providerName(method)));
  return `An account with ${email} already exists. Sign in${ways.length > 0 ? ` with ${ways.join(' or ')}` : ''}, then link it from your account.`;
}

async function linkIdentity(callback: { provider: string; code: string; state: string; iss: string | null }): Promise<void> {
  // Back from the provider, the page was reloaded: the access token comes from the refresh cookie.
  if (!(await api.refresh())) return showSignedOut('Please sign in again to link an account.');
  const { linkExternalIdentity: result } = await api.run(LinkExternalIdentity, callback);
  await showSignedIn();
  switch (result.__typename) {
    case 'ExternalIdentityLinked':
      return say(`${providerName(result.identity.provider)} now signs in to this account.`);
    case 'ExternalSignInError':
    case 'ExternalIdentityTakenError':
    case 'RateLimitedError':
      return say(result.message);
    default:
      return assertNever(result);
  }
}

/**
 * The service's callback route finished the sign-in and sent the browser here with a `result`: never a
 * token, a ticket or an address, which travel in httpOnly cookies or not at all.
 */
async function afterCallbackRoute(params: URLSearchParams): Promise<void> {
  switch (params.get('result')) {
    case 'signed_in':
      if (await api.refresh()) return showSignedIn().then(() => say('Signed in.'));
      return showSignedOut('Please sign in again.');
    case 'second_factor_required':
      // The ticket is the httpOnly cookie the route set: an empty ticket argument stands for it.
      askForSecondFactor('', (params.get('methods') ?? '').split(','));
      return say('One more step.');
    case 'account_link_required':
      return showSignedOut('An account with this email address already exists. Sign in to it, then link the provider from your account.');
    default:
      return showSignedOut(REASONS[params.get('reason') as ExternalSignInFailureReason] ?? 'The sign-in did not go through. Please try again.');
  }
}

const REASONS: Partial<Record<ExternalSignInFailureReason, string>> = {
  ACCESS_DENIED: 'The sign-in was cancelled.',
  NO_VERIFIED_EMAIL: 'The provider did not confirm your email address. Confirm it there, or register with a password.',
  PROVIDER_UNAVAILABLE: 'The provider cannot be reached right now. Please try again in a moment.',
};

async function unlinkIdentity(id: string): Promise<void> {
  const { unlinkExternalIdentity: result } = await api.run(UnlinkExternalIdentity, { id });
  switch (result.__typename) {
    case 'ExternalIdentityUnlinked':
      await showSignedIn();
      return say('Unlinked.');
    case 'ExternalIdentityNotFoundError':
    case 'LastSignInMethodError':
      return say(result.message);
    default:
      return assertNever(result);
  }
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
  if (pendingTicket === null) return showSignedOut('Please sign in again.');
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

void act(async () => {
  await loadProviders();
  const params = new URLSearchParams(location.search);
  // Back from a provider (or from the service's callback route): the answer leaves the address bar at once.
  if (params.has('state') || params.has('result')) history.replaceState(null, '', location.pathname);
  if (params.has('state')) return finishExternal(params);
  if (params.has('result')) return afterCallbackRoute(params);
  // A reload: resume the session from the refresh cookie, if there is one.
  return (await api.refresh()) ? showSignedIn() : showSignedOut('Please sign in or register.');
});
