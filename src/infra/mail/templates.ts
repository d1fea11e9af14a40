import type { MailMessage } from './MailQueue';

/**
 * The messages the service sends. Every link carries its token as a `token=` query parameter of a
 * front-end page under APP_URL; the front end calls the matching mutation with it.
 */

const escape = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function link(appUrl: string, page: string, token: string): string {
  const url = new URL(`${appUrl}/${page}`);
  url.searchParams.set('token', token);
  return url.toString();
}

function message(to: string, subject: string, lines: string[], action?: { label: string; url: string }): MailMessage {
  const text = [...lines, ...(action ? ['', `${action.label}: ${action.url}`] : [])].join('\n');
  const html = [
    ...lines.map((line) => `<p>${escape(line)}</p>`),
    ...(action ? [`<p><a href="${escape(action.url)}">${escape(action.label)}</a></p>`] : []),
  ].join('\n');
  return { to, subject, text, html: `<!doctype html><html><body>${html}</body></html>` };
}

const hours = (seconds: number) => (seconds >= 7200 ? `${Math.round(seconds / 3600)} hours` : `${Math.round(seconds / 60)} minutes`);

export const templates = {
  verifyEmail: (to: string, appUrl: string, token: string, ttlSeconds: number) =>
    message(to, 'Confirm your email address', [
      'Please confirm that this is your email address.',
      `The link works once and expires in ${hours(ttlSeconds)}. If you did not create an account, ignore this message.`,
    ], { label: 'Confirm email address', url: link(appUrl, 'verify-email', token) }),

  resetPassword: (to: string, appUrl: string, token: string, ttlSeconds: number) =>
    message(to, 'Reset your password', [
      'Someone asked to reset the password of the account with this email address.',
      `The link works once and expires in ${hours(ttlSeconds)}. Resetting signs you out everywhere.`,
      'If it was not you, ignore this message: your password stays as it is.',
    ], { label: 'Choose a new password', url: link(appUrl, 'reset-password', token) }),

  confirmEmailChange: (to: string, appUrl: string, token: string, ttlSeconds: number) =>
    message(to, 'Confirm your new email address', [
      'Please confirm that you want to use this address to sign in.',
      `The link works once and expires in ${hours(ttlSeconds)}.`,
    ], { label: 'Confirm new email address', url: link(appUrl, 'confirm-email-change', token) }),

  emailChangeRequested: (to: string, newEmail: string) =>
    message(to, 'Your sign-in email address is being changed', [
      `Someone signed in to your account asked to change its email address to ${newEmail}.`,
      'The change happens only when the new address is confirmed. If it was not you, change your password now.',
    ]),
};
