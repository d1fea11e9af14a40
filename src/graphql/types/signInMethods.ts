import { errorType, ErrorResult } from '../errors';

/**
 * Refusals shared by every module that lets users remove a way to sign in (an identity at another
 * provider, a passkey): the account must keep one (login/SignInMethods.ts).
 */
@errorType('LAST_SIGN_IN_METHOD', 'LastSignInMethodError', {
  description:
    'Refused: it is the last way to sign in to the account (a password, a passkey, an identity at another ' +
    'provider). Add another first. Nothing was changed.',
  codeDescription: 'The last way to sign in to the account cannot be removed.',
})
export class LastSignInMethodError extends ErrorResult {}

/** Reached only through unions: the schema must be told of them. */
export const SIGN_IN_METHOD_TYPES = [LastSignInMethodError];
