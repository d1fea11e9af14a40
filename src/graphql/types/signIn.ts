import { EmailNotVerifiedError, EmailTakenError, InvalidCredentialsError, InvalidInputError, InvalidPasskeyError, RateLimitedError } from '../errors';
import { resultUnion } from '../results';
import { AuthSuccess } from './AuthSuccess';
import { SecondFactorRequiredType } from './secondFactor';

/**
 * The results every way of signing in or creating an account answers with (a password, a passkey...):
 * one union each, so a client handles a sign-in the same way whatever the method.
 */

export const RegisterResult = resultUnion(
  'RegisterResult',
  'The outcome of `register` (and `finishPasskeyRegistrationForNewAccount`). `EmailNotVerifiedError` when the ' +
    'service requires verification: the account was created and a link sent; sign in after following it.',
  { 'signed-in': AuthSuccess },
  [EmailTakenError, InvalidInputError, EmailNotVerifiedError, RateLimitedError, InvalidPasskeyError],
);

export const LoginResult = resultUnion(
  'LoginResult',
  'The outcome of a sign-in (`login`, `finishPasskeyLogin`). `SecondFactorRequired` when the account has a ' +
    'second factor and the sign-in was one factor (a password): finish with its ticket.',
  { 'signed-in': AuthSuccess, 'second-factor-required': SecondFactorRequiredType },
  [InvalidCredentialsError, EmailNotVerifiedError, InvalidInputError, RateLimitedError, InvalidPasskeyError],
);
