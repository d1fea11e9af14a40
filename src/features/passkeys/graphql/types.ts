import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { errorType, ErrorResult, InvalidInputError, InvalidPasskeyError, LastSignInMethodError } from '../../../graphql/errors';
import { resultUnion } from '../../../graphql/results';
import { DateTime, EmailAddress, JSONScalar } from '../../../graphql/scalars';
import { UserType } from '../../../graphql/types/UserType';

@ObjectType('Passkey', {
  description: 'A passkey of the account: a WebAuthn credential. Its private key never leaves the authenticator.',
})
export class PasskeyType {
  @Field(() => ID, { description: 'Names it in `renamePasskey` and `removePasskey`.' })
  id: string;

  @Field(() => String, { description: 'The name the user gave it (1 to 100 characters), or `Passkey`, `Passkey 2`...' })
  name: string;

  @Field(() => DateTime, { description: 'When it was added.' })
  createdAt: Date;

  @Field(() => DateTime, { nullable: true, description: 'When it last signed in or confirmed a change; null if never.' })
  lastUsedAt?: Date | null;

  @Field(() => String, {
    description:
      '`multiDevice` for a passkey that can be synced between devices (a cloud keychain), `singleDevice` for one bound ' +
      'to its authenticator (a security key).',
  })
  deviceType: string;

  @Field(() => Boolean, { description: 'Whether a syncable passkey is backed up now (always false for `singleDevice`).' })
  backedUp: boolean;
}

@ObjectType('PasskeyChallenge', {
  description:
    'The start of a passkey ceremony: pass `options` to the browser (`startRegistration` or `startAuthentication` ' +
    'of @simplewebauthn/browser), then send the response with `challengeId` to the matching finish. Single use, ' +
    'five minutes.',
})
export class PasskeyChallengeType {
  @Field(() => ID, { description: 'Send it back with the response.' })
  challengeId: string;

  @Field(() => JSONScalar, {
    description: '`PublicKeyCredentialCreationOptionsJSON` (adding a passkey) or `PublicKeyCredentialRequestOptionsJSON` (using one).',
  })
  options: unknown;

  @Field(() => DateTime, { description: 'When the challenge stops being accepted.' })
  expiresAt: Date;
}

@InputType('PasskeyAccountInput', { description: 'A new account whose only credential is a passkey.' })
export class PasskeyAccountInput {
  @Field(() => EmailAddress, { description: 'Sign-in email; must not belong to another account (case-insensitive).' })
  email: string;

  @Field(() => String, { description: 'Given name, 1 to 100 characters after trimming, no control characters.' })
  firstName: string;

  @Field(() => String, { description: 'Family name, 1 to 100 characters after trimming, no control characters.' })
  lastName: string;
}

@ObjectType('PasskeyAdded', { description: 'The passkey was added to the account.' })
export class PasskeyAddedType {
  @Field(() => PasskeyType, { description: 'The new passkey.' })
  passkey: PasskeyType;
}

@ObjectType('PasskeyRenamed', { description: 'The passkey has its new name.' })
export class PasskeyRenamedType {
  @Field(() => PasskeyType, { description: 'The passkey, renamed.' })
  passkey: PasskeyType;
}

@ObjectType('PasskeyRemoved', { description: 'The passkey was removed: it no longer signs in.' })
export class PasskeyRemovedType {
  @Field(() => ID, { description: 'The id of the passkey that was removed.' })
  passkeyId: string;

  @Field(() => UserType, { description: 'The signed-in user.' })
  user: UserType;
}

@errorType('PASSKEY_NOT_FOUND', 'PasskeyNotFoundError', {
  description: 'No passkey with this id belongs to the signed-in user (it may have been removed already).',
  codeDescription: 'No passkey with this id belongs to the signed-in user.',
})
export class PasskeyNotFoundError extends ErrorResult {}

export const FinishPasskeyRegistrationResult = resultUnion(
  'FinishPasskeyRegistrationResult',
  'The outcome of `finishPasskeyRegistration`. `InvalidInputError` for a bad `name` (the challenge is then still usable).',
  { 'passkey-added': PasskeyAddedType },
  [InvalidPasskeyError, InvalidInputError],
);

export const RenamePasskeyResult = resultUnion(
  'RenamePasskeyResult',
  'The outcome of `renamePasskey`.',
  { 'passkey-renamed': PasskeyRenamedType },
  [PasskeyNotFoundError, InvalidInputError],
);

export const RemovePasskeyResult = resultUnion(
  'RemovePasskeyResult',
  'The outcome of `removePasskey`.',
  { 'passkey-removed': PasskeyRemovedType },
  [PasskeyNotFoundError, LastSignInMethodError],
);

/** Reached only through unions. */
export const PASSKEY_TYPES = [PasskeyNotFoundError];
