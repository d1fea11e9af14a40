import { Field, ObjectType } from 'type-graphql';
import { RateLimitedError } from '../../../graphql/errors';
import { resultUnion } from '../../../graphql/results';
import { InvalidSecondFactorError } from '../../../graphql/types/secondFactor';
import { UserType } from '../../../graphql/types/UserType';

@ObjectType('TotpEnrollment', {
  description:
    'A new authenticator-app secret, not yet in force: show `qrCodeSvg` (or `secret` for typing in), then send ' +
    'the first code the app shows to `confirmTotpEnrollment`. Shown only here, only now.',
})
export class TotpEnrollmentType {
  @Field(() => String, { description: 'The secret in base32 (RFC 4648), for typing into an app that cannot scan.' })
  secret: string;

  @Field(() => String, { description: 'The `otpauth://totp/...` URI (issuer, account email, secret; SHA1, 6 digits, 30 s).' })
  otpauthUri: string;

  @Field(() => String, { description: 'A QR code of `otpauthUri`, as an SVG document to put in the page as is.' })
  qrCodeSvg: string;
}

@ObjectType('TotpEnabled', { description: 'Two-factor authentication is on; every other session was ended.' })
export class TotpEnabledType {
  @Field(() => [String], {
    description:
      'Ten single-use recovery codes, each for one sign-in without the app. Shown this once: the user must keep ' +
      'them somewhere safe. `User.recoveryCodesRemaining` counts those unused.',
  })
  recoveryCodes: string[];
}

@ObjectType('TotpDisabled', { description: 'Two-factor authentication is off; its recovery codes no longer work.' })
export class TotpDisabledType {
  @Field(() => UserType, { description: 'The signed-in user.' })
  user: UserType;
}

@ObjectType('RecoveryCodes', { description: 'New recovery codes; the old ones stopped working.' })
export class RecoveryCodesType {
  @Field(() => [String], { description: 'Ten single-use recovery codes, shown this once.' })
  codes: string[];
}

export const ConfirmTotpEnrollmentResult = resultUnion(
  'ConfirmTotpEnrollmentResult',
  'The outcome of `confirmTotpEnrollment`.',
  { 'totp-enabled': TotpEnabledType },
  [InvalidSecondFactorError, RateLimitedError],
);

export const DisableTotpResult = resultUnion(
  'DisableTotpResult',
  'The outcome of `disableTotp`.',
  { 'totp-disabled': TotpDisabledType },
  [InvalidSecondFactorError, RateLimitedError],
);

export const RegenerateRecoveryCodesResult = resultUnion(
  'RegenerateRecoveryCodesResult',
  'The outcome of `regenerateRecoveryCodes`.',
  { 'recovery-codes': RecoveryCodesType },
  [InvalidSecondFactorError, RateLimitedError],
);
