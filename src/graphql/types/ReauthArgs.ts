import { ArgsType, Field } from 'type-graphql';
import type { ReauthProof } from '../../login/ReAuthenticator';

/**
 * How a sensitive change (a new password, a new address, deleting the account) confirms that the
 * signed-in user is at the keyboard: the password, a one-time code, or both. An account without a
 * password may give neither when it signed in within the last few minutes (RECENT_SIGN_IN_WINDOW).
 */
@ArgsType()
export class ReauthArgs {
  @Field(() => String, {
    nullable: true,
    description: "The account's password as it is now. Optional when `code` is given, or when the account has no password.",
  })
  currentPassword?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A 6-digit code from the authenticator app, or an unused recovery code (any case, dashes and spaces ' +
      'optional), when two-factor authentication is on: instead of the password, or with it.',
  })
  code?: string | null;
}

/** The proof the re-authenticator checks, from the arguments as given (null and absent alike). */
export function reauthProof(args: ReauthArgs): ReauthProof {
  return { password: args.currentPassword ?? undefined, code: args.code ?? undefined };
}
