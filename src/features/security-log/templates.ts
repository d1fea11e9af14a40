import { compose } from '../../infra/mail/compose';

/** Notices of changes to an account, sent to whoever can act on them (OWASP ASVS 5 V6.3.7). */
export const noticeMail = {
  passwordChanged: (to: string) =>
    compose(to, 'Your password was changed', [
      'The password of the account with this email address was just changed, and every other session was signed out.',
      'If it was not you, reset your password now with "Forgot password", and check the sessions of your account.',
    ]),

  passwordReset: (to: string, reclaimed: boolean) =>
    compose(to, 'Your password was reset', [
      'The password of the account with this email address was just reset through an emailed link, and every session was signed out.',
      ...(reclaimed
        ? [
            'This address had not been confirmed before, so whoever created the account may not have been you: ' +
              'any passkeys and linked sign-ins (such as GitHub or Google) it had were removed. ' +
              'Add your own again from your account.',
          ]
        : []),
      'If it was not you, reset your password again now: someone may be able to read your email.',
    ]),

  secondFactorsReset: (to: string) =>
    compose(to, 'Your two-step sign-in was turned off', [
      'At your request, our support turned off the second factors of the account with this email address: its authenticator app and recovery codes, and its passkeys. Every session was signed out.',
      'Sign in with your password (or reset it by email) and set them up again.',
      'If you did not ask for this, reset your password now and contact us at once.',
    ]),

  emailChanged: (to: string, newEmail: string) =>
    compose(to, 'Your sign-in email address was changed', [
      `The account that used this address now signs in with ${newEmail}.`,
      'If it was not you, contact us at once: your account may have been taken over.',
    ]),
};
