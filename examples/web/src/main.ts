import { Api, ApiError, assertNever } from './api';
import type { MeQuery, SessionsQuery } from './gql/graphql';
import { Login, Logout, Me, Register, RevokeSession, Sessions, UpdateMe } from './operations';

/**
 * A small page over the service: register, sign in, see and edit the profile, list and end sessions,
 * sign out. A reload resumes the session through the refresh cookie. User data is only ever set as
 * text (never as HTML), so nothing the service returns can run as script here.
 */
const api = new Api(import.meta.env.VITE_API_URL ?? 'http://localhost:4000/graphql');

const element = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const field = (form: HTMLFormElement, name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;

function say(message: string): void {
  element('status').textContent = message;
}

function show(state: 'signed-in' | 'signed-out'): void {
  document.body.dataset.state = state;
  element('signed-in').hidden = state !== 'signed-in';
  element('signed-out').hidden = state !== 'signed-out';
}

function fieldErrors(fields: Array<{ field: string; message: string }>): string {
  return fields.map((f) => `${f.field}: ${f.message}`).join(' ');
}

async function showSignedIn(): Promise<void> {
  const { me } = await api.run(Me, {});
  if (!me) return showSignedOut('Please sign in.');
  renderProfile(me);
  await renderSessions();
  show('signed-in');
}

function showSignedOut(message: string): void {
  api.signOut();
  show('signed-out');
  say(message);
}

function renderProfile(me: NonNullable<MeQuery['me']>): void {
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
    case 'InvalidInputError':
      return say(fieldErrors(result.fields));
    case 'InvalidCredentialsError':
    case 'EmailNotVerifiedError':
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
onSubmit('update', updateMe);
element('logout').addEventListener('click', () => void act(logout));

// A reload: resume the session from the refresh cookie, if there is one.
void act(async () => ((await api.refresh()) ? showSignedIn() : showSignedOut('Please sign in or register.')));
