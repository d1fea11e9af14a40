import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { errorType, ErrorResult, InvalidInputError, LastSignInMethodError, RateLimitedError } from '../../../graphql/errors';
import { resultUnion } from '../../../graphql/results';
import { DateTime, EmailAddress } from '../../../graphql/scalars';
import { AuthSuccess } from '../../../graphql/types/AuthSuccess';
import { SecondFactorRequiredType } from '../../../graphql/types/secondFactor';
import { UserType } from '../../../graphql/types/UserType';
import type { ExternalSignInReason } from '../ExternalIdentityService';

@ObjectType('IdentityProvider', { description: 'An identity provider users can sign in with ("Sign in with Google").' })
export class IdentityProviderType {
  @Field(() => ID, { description: 'What `startExternalSignIn` takes, and what `ExternalIdentity.provider` says (`google`, `github`...).' })
  id: string;

  @Field(() => String, { description: 'Its name, for the button.' })
  name: string;
}

@ObjectType('ExternalSignInStart', {
  description:
    'Send the browser to `authorizationUrl`. The provider sends it back to the redirect URI with `code`, `state` ' +
    'and usually `iss`: check that `state` is this one, then pass them to `finishExternalSignIn` (or ' +
    '`linkExternalIdentity`) within 10 minutes. Works once.',
})
export class ExternalSignInStartType {
  @Field(() => String, { description: "The provider's authorization URL, with state, nonce and a PKCE (S256) challenge." })
  authorizationUrl: string;

  @Field(() => String, { description: 'Keep it (e.g. in sessionStorage) to compare with the `state` that comes back; not a secret.' })
  state: string;
}

const REASONS: Record<ExternalSignInReason, string> = {
  INVALID_STATE: 'The state is unknown, expired (10 minutes), already used, or from another provider, purpose or session: start again.',
  PROVIDER_REFUSED:
    "The provider's answer was refused (a used or foreign code, an ID token that failed its checks) or was an error: start again.",
  PROVIDER_UNAVAILABLE: 'The provider cannot be reached now, or answered too slowly: try again in a moment.',
  ACCESS_DENIED: 'The user cancelled at the provider (callback route only).',
  NO_VERIFIED_EMAIL:
    'The provider did not assert a verified email address, and no account is linked to this identity: the user can verify it ' +
    'at the provider, or register here and link the provider from the account.',
  EMAIL_NOT_VERIFIED: "The service requires a verified address before signing in, and the account's is not verified yet.",
};
export const ExternalSignInFailureReason = Object.fromEntries(Object.keys(REASONS).map((reason) => [reason, reason]));
registerEnumType(ExternalSignInFailureReason, {
  name: 'ExternalSignInFailureReason',
  description: 'Why a sign-in (or link) with another identity provider did not go through.',
  valuesConfig: Object.fromEntries(Object.entries(REASONS).map(([reason, description]) => [reason, { description }])),
});

@errorType('EXTERNAL_SIGN_IN_FAILED', 'ExternalSignInError', {
  description:
    'A sign-in (or link) with another identity provider did not go through. The message says what to do (mostly: ' +
    'try again) and never carries what the provider said.',
  codeDescription: 'A sign-in with another identity provider did not go through; see `ExternalSignInError.reason`.',
})
export class ExternalSignInError extends ErrorResult {
  @Field(() => ExternalSignInFailureReason, { description: 'Why, for programs; the message says it for people.' })
  reason: string;
}

@ObjectType('AccountLinkRequired', {
  description:
    'An account with this address exists, but this identity may not be linked to it automatically: the provider ' +
    'did not assert the address verified, or the account has not verified it. Tell the user to sign in with one ' +
    'of `methods`, then link the provider from their account (`startExternalIdentityLink`). Nobody was signed in.',
})
export class AccountLinkRequiredType {
  @Field(() => EmailAddress, { description: "The account's address." })
  email: string;

  @Field(() => [String], {
    description:
      'How that account signs in now: `password`, `passkey`, or the id of a provider (`IdentityProvider.id`) ' +
      'it is linked with. Empty when it has no way in (it can still reset its password by email). Its type is not ' +
      "`SecondFactorRequired.methods`'s: select one of the two under an alias (`signInMethods: methods`).",
  })
  methods: string[];
}

@ObjectType('ExternalIdentity', { description: 'An account at another identity provider that signs in to this account.' })
export class ExternalIdentityType {
  @Field(() => ID, { description: 'For `unlinkExternalIdentity`.' })
  id: string;

  @Field(() => ID, { description: "The provider's id (`IdentityProvider.id`)." })
  provider: string;

  @Field(() => String, { nullable: true, description: 'The address the provider last gave for it (not used to sign in).' })
  email?: string | null;

  @Field(() => DateTime, { description: 'When it was linked.' })
  createdAt: Date;

  @Field(() => DateTime, { nullable: true, description: 'When it last signed in; null if never.' })
  lastUsedAt?: Date | null;
}

@ObjectType('ExternalIdentityLinked', { description: "The identity now signs in to the viewer's account (a notice was mailed)." })
export class ExternalIdentityLinkedType {
  @Field(() => ExternalIdentityType, { description: 'The identity linked (or the one already linked to this account).' })
  identity: ExternalIdentityType;

  @Field(() => UserType, { description: 'The signed-in user.' })
  user: UserType;
}

@ObjectType('ExternalIdentityUnlinked', { description: 'The identity no longer signs in to the account (a notice was mailed).' })
export class ExternalIdentityUnlinkedType {
  @Field(() => ID, { description: 'The id of the identity removed.' })
  id: string;

  @Field(() => UserType, { description: 'The signed-in user.' })
  user: UserType;
}

@errorType('EXTERNAL_IDENTITY_TAKEN', 'ExternalIdentityTakenError', {
  description: 'This account at the provider already signs in to another account here; unlink it there first.',
  codeDescription: 'The identity at the provider is linked to another account.',
})
export class ExternalIdentityTakenError extends ErrorResult {}

@errorType('EXTERNAL_IDENTITY_NOT_FOUND', 'ExternalIdentityNotFoundError', {
  description: 'No linked identity with this id belongs to the signed-in user (it may be unlinked already).',
  codeDescription: 'No linked identity with this id belongs to the signed-in user.',
})
export class ExternalIdentityNotFoundError extends ErrorResult {}

export const ExternalSignInStartResult = resultUnion(
  'ExternalSignInStartResult',
  'The outcome of `startExternalSignIn` and `startExternalIdentityLink`. `InvalidInputError` for an unknown provider or a ' +
    'redirect URI that is not configured. While the provider cannot be reached (its discovery has not succeeded yet), ' +
    'a top-level `SERVICE_UNAVAILABLE` (503, `Retry-After`): try again in a moment.',
  { 'external-sign-in-start': ExternalSignInStartType },
  [InvalidInputError],
);

export const ExternalSignInResult = resultUnion(
  'ExternalSignInResult',
  'The outcome of `finishExternalSignIn`.',
  { 'signed-in': AuthSuccess, 'second-factor-required': SecondFactorRequiredType, 'account-link-required': AccountLinkRequiredType },
  [ExternalSignInError, RateLimitedError],
);

export const LinkExternalIdentityResult = resultUnion(
  'LinkExternalIdentityResult',
  'The outcome of `linkExternalIdentity`.',
  { 'external-identity-linked': ExternalIdentityLinkedType },
  [ExternalSignInError, ExternalIdentityTakenError, RateLimitedError],
);

export const UnlinkExternalIdentityResult = resultUnion(
  'UnlinkExternalIdentityResult',
  'The outcome of `unlinkExternalIdentity`.',
  { 'external-identity-unlinked': ExternalIdentityUnlinkedType },
  [ExternalIdentityNotFoundError, LastSignInMethodError],
);

/** Reached only through unions. */
export const EXTERNAL_IDENTITY_TYPES = [ExternalSignInError, ExternalIdentityTakenError, ExternalIdentityNotFoundError];
