import { ArgsType, Field, ID, InputType } from 'type-graphql';
import type { ReauthProof } from '../../login/ReAuthenticator';
import { JSONScalar } from '../scalars';

@InputType('PasskeyAssertionInput', {
  description: 'A fresh passkey assertion: the response to a `startPasskeyReauthentication` challenge.',
})
export class PasskeyAssertionInput {
  @Field(() => ID, { description: '`PasskeyChallenge.challengeId` of the challenge the response answers.' })
  challengeId: string;

  @Field(() => JSONScalar, { description: 'The `AuthenticationResponseJSON` (what `startAuthentication` of @simplewebauthn/browser resolves to).' })
  response: unknown;
}

/**
 * How a sensitive change (a new password, a new address, deleting the account) confirms that the
 * signed-in user is at the keyboard: the password, a one-time code, a passkey, or more than one. An
 * account without a password may give none when it signed in within the last few minutes
 * (RECENT_SIGN_IN_WINDOW).
 */
@ArgsType()
export class ReauthArgs {
  @Field(() => String, {
    nullable: true,
    description: "The account's password as it is now. Optional when `code` or `passkey` is given, or when the account has no password.",
  })
  currentPassword?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A 6-digit code from the authenticator app, or an unused recovery code (any case, dashes and spaces ' +
      'optional), when two-factor authentication is on: instead of the password, or with it.',
  })
  code?: string | null;

  @Field(() => PasskeyAssertionInput, {
    nullable: true,
    description:
      'A fresh assertion of one of the account\'s passkeys, with user verification: call ' +
      '`startPasskeyReauthentication`, run it in the browser, and pass the response here. Instead of the password, or with it.',
  })
  passkey?: PasskeyAssertionInput | null;
}

/** The proof the re-authenticator checks, from the arguments as given (null and absent alike). */
export function reauthProof(args: ReauthArgs): ReauthProof {
  return {
    password: args.currentPassword ?? undefined,
    code: args.code ?? undefined,
    passkey: args.passkey ? { challengeId: args.passkey.challengeId, response: args.passkey.response } : undefined,
  };
}
