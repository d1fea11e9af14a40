import { EmailNotVerifiedError, EmailTakenError, InvalidCredentialsError, InvalidInputError, RateLimitedError } from '../errors';
import { resultUnion } from '../results';
import { AuthSuccess } from './AuthSuccess';
import { SecondFactorRequiredType } from './secondFactor';

/**
 * The results every way of signing in or creating an account answers with (a password, a passkey...):
 * one union each, so a client handles a sign-in the same way whatever the method.
 */

export const RegisterResult = resultUnion(
  'RegisterResult',
  'The outcome of `register`. `EmailNotVerifiedError` when the service requires verification: the account ' +
    'was created and a link sent; sign in after following it.',
  { 'signed-in': AuthSuccess },
  [EmailTakenError, InvalidInputError, EmailNotVerifiedError, RateLimitedError],
);

export const LoginResult = resultUnion(
  'LoginResult',
  'The outcome of `login`. `SecondFactorRequired` when the account has a second factor: finish with its ticket.',
  { 'signed-in': AuthSuccess, 'second-factor-required': SecondFactorRequiredType },
  [InvalidCredentialsError, EmailNotVerifiedError, InvalidInputError, RateLimitedError],
);
