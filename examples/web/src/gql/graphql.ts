/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Why a sign-in (or link) with another identity provider did not go through. */
export type ExternalSignInFailureReason =
  /** The user cancelled at the provider (callback route only). */
  | 'ACCESS_DENIED'
  /** The service requires a verified address before signing in, and the account's is not verified yet. */
  | 'EMAIL_NOT_VERIFIED'
  /** The state is unknown, expired (10 minutes), already used, or from another provider, purpose or session: start again. */
  | 'INVALID_STATE'
  /** The provider did not assert a verified email address, and no account is linked to this identity: the user can verify it at the provider, or register here and link the provider from the account. */
  | 'NO_VERIFIED_EMAIL'
  /** The provider's answer was refused (a used or foreign code, an ID token that failed its checks) or was an error: start again. */
  | 'PROVIDER_REFUSED'
  /** The provider cannot be reached now, or answered too slowly: try again in a moment. */
  | 'PROVIDER_UNAVAILABLE';

/** A new account whose only credential is a passkey. */
export type PasskeyAccountInput = {
  /** Sign-in email; must not belong to another account (case-insensitive). */
  email: string;
  /** Given name, 1 to 100 characters after trimming, no control characters. */
  firstName: string;
  /** Family name, 1 to 100 characters after trimming, no control characters. */
  lastName: string;
};

/** A new account. */
export type RegisterInput = {
  /** Sign-in email; must not belong to another account (case-insensitive). */
  email: string;
  /** Given name, 1 to 100 characters after trimming, no control characters. */
  firstName: string;
  /** Family name, 1 to 100 characters after trimming, no control characters. */
  lastName: string;
  /** 8 to 1,024 characters, any script; no composition rules. */
  password: string;
};

/** A way to complete a sign-in that needs a second factor. */
export type SecondFactorMethod =
  /** One of the passkeys of the account (`startPasskeySecondFactor`, then `verifySecondFactorWithPasskey`). */
  | 'PASSKEY'
  /** One of the single-use recovery codes shown when the app was set up. */
  | 'RECOVERY_CODE'
  /** A 6-digit code from an authenticator app (TOTP). */
  | 'TOTP';

/** Profile changes. Omitted or null fields are left as they are. */
export type UpdateMeInput = {
  /** New given name, 1 to 100 characters after trimming. */
  firstName?: string | null | undefined;
  /** New family name, 1 to 100 characters after trimming. */
  lastName?: string | null | undefined;
};

export type RegisterMutationVariables = Exact<{
  input: RegisterInput;
}>;


export type RegisterMutation = { register:
    | { __typename: 'AuthSuccess', accessToken: string, expiresAt: string, user: { id: string, email: string, emailVerified: boolean, firstName: string, lastName: string, createdAt: string, updatedAt: string } }
    | { __typename: 'EmailNotVerifiedError', message: string }
    | { __typename: 'EmailTakenError', message: string }
    | { __typename: 'InvalidInputError', message: string, fields: Array<{ field: string, message: string }> }
    | { __typename: 'InvalidPasskeyError', message: string }
    | { __typename: 'RateLimitedError', message: string, retryAfter: number }
   };

export type LoginMutationVariables = Exact<{
  email: string;
  password: string;
}>;


export type LoginMutation = { login:
    | { __typename: 'AuthSuccess', accessToken: string, expiresAt: string, user: { id: string, email: string, emailVerified: boolean, firstName: string, lastName: string, createdAt: string, updatedAt: string } }
    | { __typename: 'EmailNotVerifiedError', message: string }
    | { __typename: 'InvalidCredentialsError', message: string }
    | { __typename: 'InvalidInputError', message: string, fields: Array<{ field: string, message: string }> }
    | { __typename: 'InvalidPasskeyError', message: string }
    | { __typename: 'RateLimitedError', message: string, retryAfter: number }
    | { __typename: 'SecondFactorRequired', ticket: string, methods: Array<SecondFactorMethod>, expiresAt: string }
   };

export type VerifySecondFactorMutationVariables = Exact<{
  ticket: string;
  code: string;
}>;


export type VerifySecondFactorMutation = { verifySecondFactor:
    | { __typename: 'AuthSuccess', accessToken: string, expiresAt: string, user: { id: string, recoveryCodesRemaining: number | null } }
    | { __typename: 'InvalidPasskeyError', message: string }
    | { __typename: 'InvalidSecondFactorError', message: string }
    | { __typename: 'InvalidTicketError', message: string }
    | { __typename: 'RateLimitedError', message: string, retryAfter: number }
   };

export type StartPasskeyRegistrationForNewAccountMutationVariables = Exact<{
  input: PasskeyAccountInput;
}>;


export type StartPasskeyRegistrationForNewAccountMutation = { startPasskeyRegistrationForNewAccount: { challengeId: string, options: unknown } };

export type FinishPasskeyRegistrationForNewAccountMutationVariables = Exact<{
  challengeId: string | number;
  response: unknown;
}>;


export type FinishPasskeyRegistrationForNewAccountMutation = { finishPasskeyRegistrationForNewAccount:
    | { __typename: 'AuthSuccess', accessToken: string, expiresAt: string, user: { id: string } }
    | { __typename: 'EmailNotVerifiedError', message: string }
    | { __typename: 'EmailTakenError', message: string }
    | { __typename: 'InvalidInputError', message: string, fields: Array<{ field: string, message: string }> }
    | { __typename: 'InvalidPasskeyError', message: string }
    | { __typename: 'RateLimitedError', message: string, retryAfter: number }
   };

export type StartPasskeyLoginMutationVariables = Exact<{
  email?: string | null | undefined;
}>;


export type StartPasskeyLoginMutation = { startPasskeyLogin: { challengeId: string, options: unknown } };

export type FinishPasskeyLoginMutationVariables = Exact<{
  challengeId: string | number;
  response: unknown;
}>;


export type FinishPasskeyLoginMutation = { finishPasskeyLogin:
    | { __typename: 'AuthSuccess', accessToken: string, expiresAt: string, user: { id: string } }
    | { __typename: 'EmailNotVerifiedError', message: string }
    | { __typename: 'InvalidCredentialsError', message: string }
    | { __typename: 'InvalidInputError', message: string, fields: Array<{ field: string, message: string }> }
    | { __typename: 'InvalidPasskeyError', message: string }
    | { __typename: 'RateLimitedError', message: string, retryAfter: number }
    | { __typename: 'SecondFactorRequired', ticket: string, methods: Array<SecondFactorMethod>, expiresAt: string }
   };

export type StartPasskeySecondFactorMutationVariables = Exact<{
  ticket: string;
}>;


export type StartPasskeySecondFactorMutation = { startPasskeySecondFactor: { challengeId: string, options: unknown } };

export type VerifySecondFactorWithPasskeyMutationVariables = Exact<{
  ticket: string;
  challengeId: string | number;
  response: unknown;
}>;


export type VerifySecondFactorWithPasskeyMutation = { verifySecondFactorWithPasskey:
    | { __typename: 'AuthSuccess', accessToken: string, expiresAt: string, user: { id: string } }
    | { __typename: 'InvalidPasskeyError', message: string }
    | { __typename: 'InvalidSecondFactorError', message: string }
    | { __typename: 'InvalidTicketError', message: string }
    | { __typename: 'RateLimitedError', message: string, retryAfter: number }
   };

export type StartPasskeyRegistrationMutationVariables = Exact<{ [key: string]: never; }>;


export type StartPasskeyRegistrationMutation = { startPasskeyRegistration: { challengeId: string, options: unknown } };

export type FinishPasskeyRegistrationMutationVariables = Exact<{
  challengeId: string | number;
  response: unknown;
  name?: string | null | undefined;
}>;


export type FinishPasskeyRegistrationMutation = { finishPasskeyRegistration:
    | { __typename: 'InvalidInputError', message: string, fields: Array<{ field: string, message: string }> }
    | { __typename: 'InvalidPasskeyError', message: string }
    | { __typename: 'PasskeyAdded', passkey: { id: string, name: string } }
   };

export type RemovePasskeyMutationVariables = Exact<{
  id: string | number;
}>;


export type RemovePasskeyMutation = { removePasskey:
    | { __typename: 'LastSignInMethodError', message: string }
    | { __typename: 'PasskeyNotFoundError', message: string }
    | { __typename: 'PasskeyRemoved', passkeyId: string }
   };

export type StartTotpEnrollmentMutationVariables = Exact<{ [key: string]: never; }>;


export type StartTotpEnrollmentMutation = { startTotpEnrollment: { secret: string, otpauthUri: string, qrCodeSvg: string } };

export type ConfirmTotpEnrollmentMutationVariables = Exact<{
  code: string;
}>;


export type ConfirmTotpEnrollmentMutation = { confirmTotpEnrollment:
    | { __typename: 'InvalidSecondFactorError', message: string }
    | { __typename: 'RateLimitedError', message: string, retryAfter: number }
    | { __typename: 'TotpEnabled', recoveryCodes: Array<string> }
   };

export type DisableTotpMutationVariables = Exact<{
  code: string;
}>;


export type DisableTotpMutation = { disableTotp:
    | { __typename: 'InvalidSecondFactorError', message: string }
    | { __typename: 'RateLimitedError', message: string, retryAfter: number }
    | { __typename: 'TotpDisabled', user: { id: string, twoFactorEnabled: boolean } }
   };

export type RefreshMutationVariables = Exact<{ [key: string]: never; }>;


export type RefreshMutation = { refreshToken:
    | { __typename: 'AuthSuccess', accessToken: string, expiresAt: string, user: { id: string, email: string, emailVerified: boolean, firstName: string, lastName: string, createdAt: string, updatedAt: string } }
    | { __typename: 'InvalidRefreshTokenError', message: string }
    | { __typename: 'RateLimitedError', message: string, retryAfter: number }
    | { __typename: 'RefreshTokenReusedError', message: string }
   };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { id: string, email: string, emailVerified: boolean, firstName: string, lastName: string, createdAt: string, updatedAt: string, twoFactorEnabled: boolean, recoveryCodesRemaining: number | null, passkeys: Array<{ id: string, name: string, deviceType: string, backedUp: boolean, createdAt: string, lastUsedAt: string | null }>, identities: Array<{ id: string, provider: string, email: string | null, createdAt: string, lastUsedAt: string | null }> } | null };

export type IdentityProvidersQueryVariables = Exact<{ [key: string]: never; }>;


export type IdentityProvidersQuery = { identityProviders: Array<{ id: string, name: string }> };

export type StartExternalSignInMutationVariables = Exact<{
  provider: string | number;
  redirectUri: string;
}>;


export type StartExternalSignInMutation = { startExternalSignIn:
    | { __typename: 'ExternalSignInStart', authorizationUrl: string, state: string }
    | { __typename: 'InvalidInputError', message: string, fields: Array<{ field: string, message: string }> }
   };

export type FinishExternalSignInMutationVariables = Exact<{
  provider: string | number;
  code: string;
  state: string;
  iss?: string | null | undefined;
}>;


export type FinishExternalSignInMutation = { finishExternalSignIn:
    | { __typename: 'AccountLinkRequired', email: string, signInMethods: Array<string> }
    | { __typename: 'AuthSuccess', accessToken: string, expiresAt: string, user: { id: string, email: string } }
    | { __typename: 'ExternalSignInError', message: string, reason: ExternalSignInFailureReason }
    | { __typename: 'RateLimitedError', message: string, retryAfter: number }
    | { __typename: 'SecondFactorRequired', ticket: string, methods: Array<SecondFactorMethod>, expiresAt: string }
   };

export type StartExternalIdentityLinkMutationVariables = Exact<{
  provider: string | number;
  redirectUri: string;
}>;


export type StartExternalIdentityLinkMutation = { startExternalIdentityLink:
    | { __typename: 'ExternalSignInStart', authorizationUrl: string, state: string }
    | { __typename: 'InvalidInputError', message: string, fields: Array<{ field: string, message: string }> }
   };

export type LinkExternalIdentityMutationVariables = Exact<{
  provider: string | number;
  code: string;
  state: string;
  iss?: string | null | undefined;
}>;


export type LinkExternalIdentityMutation = { linkExternalIdentity:
    | { __typename: 'ExternalIdentityLinked', identity: { id: string, provider: string } }
    | { __typename: 'ExternalIdentityTakenError', message: string }
    | { __typename: 'ExternalSignInError', message: string, reason: ExternalSignInFailureReason }
    | { __typename: 'RateLimitedError', message: string, retryAfter: number }
   };

export type UnlinkExternalIdentityMutationVariables = Exact<{
  id: string | number;
}>;


export type UnlinkExternalIdentityMutation = { unlinkExternalIdentity:
    | { __typename: 'ExternalIdentityNotFoundError', message: string }
    | { __typename: 'ExternalIdentityUnlinked', id: string }
    | { __typename: 'LastSignInMethodError', message: string }
   };

export type UpdateMeMutationVariables = Exact<{
  input: UpdateMeInput;
}>;


export type UpdateMeMutation = { updateMe:
    | { __typename: 'InvalidInputError', message: string, fields: Array<{ field: string, message: string }> }
    | { __typename: 'UpdateMeSuccess', user: { id: string, email: string, emailVerified: boolean, firstName: string, lastName: string, createdAt: string, updatedAt: string } }
   };

export type SessionsQueryVariables = Exact<{ [key: string]: never; }>;


export type SessionsQuery = { sessions: Array<{ id: string, createdAt: string, lastUsedAt: string, expiresAt: string, userAgent: string | null, ipAddress: string | null, current: boolean }> };

export type RevokeSessionMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeSessionMutation = { revokeSession:
    | { __typename: 'RevokeSessionSuccess', sessionId: string }
    | { __typename: 'SessionNotFoundError', message: string }
   };

export type LogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type LogoutMutation = { logout: boolean };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const RegisterDocument = new TypedDocumentString(`
    mutation Register($input: RegisterInput!) {
  register(input: $input) {
    __typename
    ... on AuthSuccess {
      accessToken
      expiresAt
      user {
        id
        email
        emailVerified
        firstName
        lastName
        createdAt
        updatedAt
      }
    }
    ... on InvalidInputError {
      message
      fields {
        field
        message
      }
    }
    ... on EmailTakenError {
      message
    }
    ... on EmailNotVerifiedError {
      message
    }
    ... on RateLimitedError {
      message
      retryAfter
    }
    ... on InvalidPasskeyError {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RegisterMutation, RegisterMutationVariables>;
export const LoginDocument = new TypedDocumentString(`
    mutation Login($email: EmailAddress!, $password: String!) {
  login(email: $email, password: $password) {
    __typename
    ... on AuthSuccess {
      accessToken
      expiresAt
      user {
        id
        email
        emailVerified
        firstName
        lastName
        createdAt
        updatedAt
      }
    }
    ... on SecondFactorRequired {
      ticket
      methods
      expiresAt
    }
    ... on InvalidCredentialsError {
      message
    }
    ... on EmailNotVerifiedError {
      message
    }
    ... on InvalidInputError {
      message
      fields {
        field
        message
      }
    }
    ... on RateLimitedError {
      message
      retryAfter
    }
    ... on InvalidPasskeyError {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<LoginMutation, LoginMutationVariables>;
export const VerifySecondFactorDocument = new TypedDocumentString(`
    mutation VerifySecondFactor($ticket: String!, $code: String!) {
  verifySecondFactor(ticket: $ticket, code: $code) {
    __typename
    ... on AuthSuccess {
      accessToken
      expiresAt
      user {
        id
        recoveryCodesRemaining
      }
    }
    ... on InvalidSecondFactorError {
      message
    }
    ... on InvalidTicketError {
      message
    }
    ... on RateLimitedError {
      message
      retryAfter
    }
    ... on InvalidPasskeyError {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<VerifySecondFactorMutation, VerifySecondFactorMutationVariables>;
export const StartPasskeyRegistrationForNewAccountDocument = new TypedDocumentString(`
    mutation StartPasskeyRegistrationForNewAccount($input: PasskeyAccountInput!) {
  startPasskeyRegistrationForNewAccount(input: $input) {
    challengeId
    options
  }
}
    `) as unknown as TypedDocumentString<StartPasskeyRegistrationForNewAccountMutation, StartPasskeyRegistrationForNewAccountMutationVariables>;
export const FinishPasskeyRegistrationForNewAccountDocument = new TypedDocumentString(`
    mutation FinishPasskeyRegistrationForNewAccount($challengeId: ID!, $response: JSON!) {
  finishPasskeyRegistrationForNewAccount(
    challengeId: $challengeId
    response: $response
  ) {
    __typename
    ... on AuthSuccess {
      accessToken
      expiresAt
      user {
        id
      }
    }
    ... on InvalidInputError {
      message
      fields {
        field
        message
      }
    }
    ... on EmailTakenError {
      message
    }
    ... on EmailNotVerifiedError {
      message
    }
    ... on RateLimitedError {
      message
      retryAfter
    }
    ... on InvalidPasskeyError {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<FinishPasskeyRegistrationForNewAccountMutation, FinishPasskeyRegistrationForNewAccountMutationVariables>;
export const StartPasskeyLoginDocument = new TypedDocumentString(`
    mutation StartPasskeyLogin($email: EmailAddress) {
  startPasskeyLogin(email: $email) {
    challengeId
    options
  }
}
    `) as unknown as TypedDocumentString<StartPasskeyLoginMutation, StartPasskeyLoginMutationVariables>;
export const FinishPasskeyLoginDocument = new TypedDocumentString(`
    mutation FinishPasskeyLogin($challengeId: ID!, $response: JSON!) {
  finishPasskeyLogin(challengeId: $challengeId, response: $response) {
    __typename
    ... on AuthSuccess {
      accessToken
      expiresAt
      user {
        id
      }
    }
    ... on SecondFactorRequired {
      ticket
      methods
      expiresAt
    }
    ... on InvalidPasskeyError {
      message
    }
    ... on InvalidCredentialsError {
      message
    }
    ... on EmailNotVerifiedError {
      message
    }
    ... on InvalidInputError {
      message
      fields {
        field
        message
      }
    }
    ... on RateLimitedError {
      message
      retryAfter
    }
  }
}
    `) as unknown as TypedDocumentString<FinishPasskeyLoginMutation, FinishPasskeyLoginMutationVariables>;
export const StartPasskeySecondFactorDocument = new TypedDocumentString(`
    mutation StartPasskeySecondFactor($ticket: String!) {
  startPasskeySecondFactor(ticket: $ticket) {
    challengeId
    options
  }
}
    `) as unknown as TypedDocumentString<StartPasskeySecondFactorMutation, StartPasskeySecondFactorMutationVariables>;
export const VerifySecondFactorWithPasskeyDocument = new TypedDocumentString(`
    mutation VerifySecondFactorWithPasskey($ticket: String!, $challengeId: ID!, $response: JSON!) {
  verifySecondFactorWithPasskey(
    ticket: $ticket
    challengeId: $challengeId
    response: $response
  ) {
    __typename
    ... on AuthSuccess {
      accessToken
      expiresAt
      user {
        id
      }
    }
    ... on InvalidPasskeyError {
      message
    }
    ... on InvalidSecondFactorError {
      message
    }
    ... on InvalidTicketError {
      message
    }
    ... on RateLimitedError {
      message
      retryAfter
    }
  }
}
    `) as unknown as TypedDocumentString<VerifySecondFactorWithPasskeyMutation, VerifySecondFactorWithPasskeyMutationVariables>;
export const StartPasskeyRegistrationDocument = new TypedDocumentString(`
    mutation StartPasskeyRegistration {
  startPasskeyRegistration {
    challengeId
    options
  }
}
    `) as unknown as TypedDocumentString<StartPasskeyRegistrationMutation, StartPasskeyRegistrationMutationVariables>;
export const FinishPasskeyRegistrationDocument = new TypedDocumentString(`
    mutation FinishPasskeyRegistration($challengeId: ID!, $response: JSON!, $name: String) {
  finishPasskeyRegistration(
    challengeId: $challengeId
    response: $response
    name: $name
  ) {
    __typename
    ... on PasskeyAdded {
      passkey {
        id
        name
      }
    }
    ... on InvalidPasskeyError {
      message
    }
    ... on InvalidInputError {
      message
      fields {
        field
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<FinishPasskeyRegistrationMutation, FinishPasskeyRegistrationMutationVariables>;
export const RemovePasskeyDocument = new TypedDocumentString(`
    mutation RemovePasskey($id: ID!) {
  removePasskey(id: $id) {
    __typename
    ... on PasskeyRemoved {
      passkeyId
    }
    ... on PasskeyNotFoundError {
      message
    }
    ... on LastSignInMethodError {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RemovePasskeyMutation, RemovePasskeyMutationVariables>;
export const StartTotpEnrollmentDocument = new TypedDocumentString(`
    mutation StartTotpEnrollment {
  startTotpEnrollment {
    secret
    otpauthUri
    qrCodeSvg
  }
}
    `) as unknown as TypedDocumentString<StartTotpEnrollmentMutation, StartTotpEnrollmentMutationVariables>;
export const ConfirmTotpEnrollmentDocument = new TypedDocumentString(`
    mutation ConfirmTotpEnrollment($code: String!) {
  confirmTotpEnrollment(code: $code) {
    __typename
    ... on TotpEnabled {
      recoveryCodes
    }
    ... on InvalidSecondFactorError {
      message
    }
    ... on RateLimitedError {
      message
      retryAfter
    }
  }
}
    `) as unknown as TypedDocumentString<ConfirmTotpEnrollmentMutation, ConfirmTotpEnrollmentMutationVariables>;
export const DisableTotpDocument = new TypedDocumentString(`
    mutation DisableTotp($code: String!) {
  disableTotp(code: $code) {
    __typename
    ... on TotpDisabled {
      user {
        id
        twoFactorEnabled
      }
    }
    ... on InvalidSecondFactorError {
      message
    }
    ... on RateLimitedError {
      message
      retryAfter
    }
  }
}
    `) as unknown as TypedDocumentString<DisableTotpMutation, DisableTotpMutationVariables>;
export const RefreshDocument = new TypedDocumentString(`
    mutation Refresh {
  refreshToken {
    __typename
    ... on AuthSuccess {
      accessToken
      expiresAt
      user {
        id
        email
        emailVerified
        firstName
        lastName
        createdAt
        updatedAt
      }
    }
    ... on InvalidRefreshTokenError {
      message
    }
    ... on RefreshTokenReusedError {
      message
    }
    ... on RateLimitedError {
      message
      retryAfter
    }
  }
}
    `) as unknown as TypedDocumentString<RefreshMutation, RefreshMutationVariables>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    id
    email
    emailVerified
    firstName
    lastName
    createdAt
    updatedAt
    twoFactorEnabled
    recoveryCodesRemaining
    passkeys {
      id
      name
      deviceType
      backedUp
      createdAt
      lastUsedAt
    }
    identities {
      id
      provider
      email
      createdAt
      lastUsedAt
    }
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const IdentityProvidersDocument = new TypedDocumentString(`
    query IdentityProviders {
  identityProviders {
    id
    name
  }
}
    `) as unknown as TypedDocumentString<IdentityProvidersQuery, IdentityProvidersQueryVariables>;
export const StartExternalSignInDocument = new TypedDocumentString(`
    mutation StartExternalSignIn($provider: ID!, $redirectUri: String!) {
  startExternalSignIn(provider: $provider, redirectUri: $redirectUri) {
    __typename
    ... on ExternalSignInStart {
      authorizationUrl
      state
    }
    ... on InvalidInputError {
      message
      fields {
        field
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StartExternalSignInMutation, StartExternalSignInMutationVariables>;
export const FinishExternalSignInDocument = new TypedDocumentString(`
    mutation FinishExternalSignIn($provider: ID!, $code: String!, $state: String!, $iss: String) {
  finishExternalSignIn(provider: $provider, code: $code, state: $state, iss: $iss) {
    __typename
    ... on AuthSuccess {
      accessToken
      expiresAt
      user {
        id
        email
      }
    }
    ... on SecondFactorRequired {
      ticket
      methods
      expiresAt
    }
    ... on AccountLinkRequired {
      email
      signInMethods: methods
    }
    ... on ExternalSignInError {
      message
      reason
    }
    ... on RateLimitedError {
      message
      retryAfter
    }
  }
}
    `) as unknown as TypedDocumentString<FinishExternalSignInMutation, FinishExternalSignInMutationVariables>;
export const StartExternalIdentityLinkDocument = new TypedDocumentString(`
    mutation StartExternalIdentityLink($provider: ID!, $redirectUri: String!) {
  startExternalIdentityLink(provider: $provider, redirectUri: $redirectUri) {
    __typename
    ... on ExternalSignInStart {
      authorizationUrl
      state
    }
    ... on InvalidInputError {
      message
      fields {
        field
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StartExternalIdentityLinkMutation, StartExternalIdentityLinkMutationVariables>;
export const LinkExternalIdentityDocument = new TypedDocumentString(`
    mutation LinkExternalIdentity($provider: ID!, $code: String!, $state: String!, $iss: String) {
  linkExternalIdentity(provider: $provider, code: $code, state: $state, iss: $iss) {
    __typename
    ... on ExternalIdentityLinked {
      identity {
        id
        provider
      }
    }
    ... on ExternalSignInError {
      message
      reason
    }
    ... on ExternalIdentityTakenError {
      message
    }
    ... on RateLimitedError {
      message
      retryAfter
    }
  }
}
    `) as unknown as TypedDocumentString<LinkExternalIdentityMutation, LinkExternalIdentityMutationVariables>;
export const UnlinkExternalIdentityDocument = new TypedDocumentString(`
    mutation UnlinkExternalIdentity($id: ID!) {
  unlinkExternalIdentity(id: $id) {
    __typename
    ... on ExternalIdentityUnlinked {
      id
    }
    ... on ExternalIdentityNotFoundError {
      message
    }
    ... on LastSignInMethodError {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<UnlinkExternalIdentityMutation, UnlinkExternalIdentityMutationVariables>;
export const UpdateMeDocument = new TypedDocumentString(`
    mutation UpdateMe($input: UpdateMeInput!) {
  updateMe(input: $input) {
    __typename
    ... on UpdateMeSuccess {
      user {
        id
        email
        emailVerified
        firstName
        lastName
        createdAt
        updatedAt
      }
    }
    ... on InvalidInputError {
      message
      fields {
        field
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<UpdateMeMutation, UpdateMeMutationVariables>;
export const SessionsDocument = new TypedDocumentString(`
    query Sessions {
  sessions {
    id
    createdAt
    lastUsedAt
    expiresAt
    userAgent
    ipAddress
    current
  }
}
    `) as unknown as TypedDocumentString<SessionsQuery, SessionsQueryVariables>;
export const RevokeSessionDocument = new TypedDocumentString(`
    mutation RevokeSession($id: ID!) {
  revokeSession(id: $id) {
    __typename
    ... on RevokeSessionSuccess {
      sessionId
    }
    ... on SessionNotFoundError {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<RevokeSessionMutation, RevokeSessionMutationVariables>;
export const LogoutDocument = new TypedDocumentString(`
    mutation Logout {
  logout
}
    `) as unknown as TypedDocumentString<LogoutMutation, LogoutMutationVariables>;