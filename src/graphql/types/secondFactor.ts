import { Field, ObjectType } from 'type-graphql';
import { secondFactorMethods } from '../../login/SecondFactors';
import { errorType, ErrorResult, InvalidPasskeyError, RateLimitedError } from '../errors';
import { lateEnum } from '../lateEnum';
import { resultUnion } from '../results';
import { DateTime } from '../scalars';
import { AuthSuccess } from './AuthSuccess';

/**
 * The second step of a sign-in, shared by every sign-in method (which can answer
 * `SecondFactorRequired`) and every second factor (which answers `VerifySecondFactorResult`).
 */

/** The methods the second-factor modules declared (login/SecondFactors.ts). */
const SecondFactorMethod = lateEnum('SecondFactorMethod', 'A way to complete a sign-in that needs a second factor.', secondFactorMethods);

@ObjectType('SecondFactorRequired', {
  description:
    'The first factor was right, and the account has a second one: no session yet. Complete the sign-in ' +
    'with `ticket` and one of `methods` (e.g. `verifySecondFactor`) before `expiresAt`. The ticket is not a ' +
    'session: nothing else accepts it.',
})
export class SecondFactorRequiredType {
  @Field(() => String, { description: 'Proof of the first step, for the second: single use, 5 minutes, 5 tries. Keep it in memory only.' })
  ticket: string;

  @Field(() => [SecondFactorMethod()], { description: 'The second factors this account can use.' })
  methods: string[];

  @Field(() => DateTime, { description: 'When the ticket stops working; sign in again after that.' })
  expiresAt: Date;
}

@errorType('INVALID_SECOND_FACTOR', 'InvalidSecondFactorError', {
  description:
    'The code (or other second factor) is wrong, already used, or not one the account has. Nothing was ' +
    'changed; try again with a fresh code.',
  codeDescription: 'The second factor is not correct.',
})
export class InvalidSecondFactorError extends ErrorResult {}

@errorType('INVALID_TICKET', 'InvalidTicketError', {
  description:
    'The sign-in ticket is unknown, expired (5 minutes), already used, or ended after 5 wrong second factors. ' +
    'Sign in again.',
  codeDescription: 'The second-factor ticket is unknown, expired, used or ended.',
})
export class InvalidTicketError extends ErrorResult {}

export const VerifySecondFactorResult = resultUnion(
  'VerifySecondFactorResult',
  'The outcome of completing a sign-in with its second factor (`InvalidPasskeyError` for a refused passkey).',
  { 'signed-in': AuthSuccess },
  [InvalidSecondFactorError, InvalidTicketError, RateLimitedError, InvalidPasskeyError],
);

/** How every second factor's `ticket` argument is described. */
export const TICKET =
  '`SecondFactorRequired.ticket`; or an empty string when the callback route of a sign-in at another provider ' +
  'handed the ticket to the browser as an httpOnly cookie (then send `X-Refresh-Token-Transport: cookie`).';

/** Reached only through unions: the schema must be told of them. */
export const SECOND_FACTOR_TYPES = [InvalidSecondFactorError, InvalidTicketError];
