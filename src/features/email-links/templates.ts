import { compose, duration, link } from '../../infra/mail/compose';

export const emailLinkMail = {
  verifyEmail: (to: string, appUrl: string, token: string, ttlSeconds: number) =>
    compose(
      to,
      'Confirm your email address',
      [
        'Please confirm that this is your email address.',
        `The link works once and expires in ${duration(ttlSeconds)}. If you did not create an account, ignore this message.`,
      ],
      { label: 'Confirm email address', url: link(appUrl, 'verify-email', token), ttlSeconds },
    ),

  confirmEmailChange: (to: string, appUrl: string, token: string, ttlSeconds: number) =>
    compose(
      to,
      'Confirm your new email address',
      ['Please confirm that you want to use this address to sign in.', `The link works once and expires in ${duration(ttlSeconds)}.`],
      { label: 'Confirm new email address', url: link(appUrl, 'confirm-email-change', token), ttlSeconds },
    ),

  emailChangeRequested: (to: string, newEmail: string) =>
    compose(to, 'Your sign-in email address is being changed', [
      `Someone signed in to your account asked to change its email address to ${newEmail}.`,
      'The change happens only when the new address is confirmed. If it was not you, change your password now.',
    ]),
};
