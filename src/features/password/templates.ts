import { compose, duration, link } from '../../infra/mail/compose';

export const passwordMail = {
  resetPassword: (to: string, appUrl: string, token: string, ttlSeconds: number) =>
    compose(
      to,
      'Reset your password',
      [
        'Someone asked to reset the password of the account with this email address.',
        `The link works once and expires in ${duration(ttlSeconds)}. Resetting signs you out everywhere.`,
        'If it was not you, ignore this message: your password stays as it is.',
      ],
      { label: 'Choose a new password', url: link(appUrl, 'reset-password', token), ttlSeconds },
    ),
};
