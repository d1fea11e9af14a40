import { graphql } from './gql';

/**
 * Every operation the page runs. graphql-codegen reads these and generates their types into ./gql;
 * `graphql()` then returns a document typed with its result and variables.
 */

export const Register = graphql(`
  mutation Register($input: RegisterInput!) {
    register(input: $input) {
      __typename
      ... on AuthSuccess { accessToken expiresAt user { id email emailVerified firstName lastName createdAt updatedAt } }
      ... on InvalidInputError { message fields { field message } }
      ... on EmailTakenError { message }
      ... on EmailNotVerifiedError { message }
      ... on RateLimitedError { message retryAfter }
      ... on InvalidPasskeyError { message }
    }
  }
`);

export const Login = graphql(`
  mutation Login($email: EmailAddress!, $password: String!) {
    login(email: $email, password: $password) {
      __typename
      ... on AuthSuccess { accessToken expiresAt user { id email emailVerified firstName lastName createdAt updatedAt } }
      ... on SecondFactorRequired { ticket methods expiresAt }
      ... on InvalidCredentialsError { message }
      ... on EmailNotVerifiedError { message }
      ... on InvalidInputError { message fields { field message } }
      ... on RateLimitedError { message retryAfter }
      ... on InvalidPasskeyError { message }
    }
  }
`);

/**
 * The second step of a sign-in that answered SecondFactorRequired. Without a ticket, the service reads
 * the one its callback route handed the browser as an httpOnly cookie.
 */
export const VerifySecondFactor = graphql(`
  mutation VerifySecondFactor($ticket: String!, $code: String!) {
    verifySecondFactor(ticket: $ticket, code: $code) {
      __typename
      ... on AuthSuccess { accessToken expiresAt user { id recoveryCodesRemaining } }
      ... on InvalidSecondFactorError { message }
      ... on InvalidTicketError { message }
      ... on RateLimitedError { message retryAfter }
      ... on InvalidPasskeyError { message }
    }
  }
`);

/** Passkeys: each ceremony is a start (options for the browser) and a finish (the browser's response). */
export const StartPasskeyRegistrationForNewAccount = graphql(`
  mutation StartPasskeyRegistrationForNewAccount($input: PasskeyAccountInput!) {
    startPasskeyRegistrationForNewAccount(input: $input) { challengeId options }
  }
`);

export const FinishPasskeyRegistrationForNewAccount = graphql(`
  mutation FinishPasskeyRegistrationForNewAccount($challengeId: ID!, $response: JSON!) {
    finishPasskeyRegistrationForNewAccount(challengeId: $challengeId, response: $response) {
      __typename
      ... on AuthSuccess { accessToken expiresAt user { id } }
      ... on InvalidInputError { message fields { field message } }
      ... on EmailTakenError { message }
      ... on EmailNotVerifiedError { message }
      ... on RateLimitedError { message retryAfter }
      ... on InvalidPasskeyError { message }
    }
  }
`);

export const StartPasskeyLogin = graphql(`
  mutation StartPasskeyLogin($email: EmailAddress) {
    startPasskeyLogin(email: $email) { challengeId options }
  }
`);

export const FinishPasskeyLogin = graphql(`
  mutation FinishPasskeyLogin($challengeId: ID!, $response: JSON!) {
    finishPasskeyLogin(challengeId: $challengeId, response: $response) {
      __typename
      ... on AuthSuccess { accessToken expiresAt user { id } }
      ... on SecondFactorRequired { ticket methods expiresAt }
      ... on InvalidPasskeyError { message }
      ... on InvalidCredentialsError { message }
      ... on EmailNotVerifiedError { message }
      ... on InvalidInputError { message fields { field message } }
      ... on RateLimitedError { message retryAfter }
    }
  }
`);

export const StartPasskeySecondFactor = graphql(`
  mutation StartPasskeySecondFactor($ticket: String!) {
    startPasskeySecondFactor(ticket: $ticket) { challengeId options }
  }
`);

export const VerifySecondFactorWithPasskey = graphql(`
  mutation VerifySecondFactorWithPasskey($ticket: String!, $challengeId: ID!, $response: JSON!) {
    verifySecondFactorWithPasskey(ticket: $ticket, challengeId: $challengeId, response: $response) {
      __typename
      ... on AuthSuccess { accessToken expiresAt user { id } }
      ... on InvalidPasskeyError { message }
      ... on InvalidSecondFactorError { message }
      ... on InvalidTicketError { message }
      ... on RateLimitedError { message retryAfter }
    }
  }
`);

export const StartPasskeyRegistration = graphql(`
  mutation StartPasskeyRegistration {
    startPasskeyRegistration { challengeId options }
  }
`);

export const FinishPasskeyRegistration = graphql(`
  mutation FinishPasskeyRegistration($challengeId: ID!, $response: JSON!, $name: String) {
    finishPasskeyRegistration(challengeId: $challengeId, response: $response, name: $name) {
      __typename
      ... on PasskeyAdded { passkey { id name } }
      ... on InvalidPasskeyError { message }
      ... on InvalidInputError { message fields { field message } }
    }
  }
`);

export const RemovePasskey = graphql(`
  mutation RemovePasskey($id: ID!) {
    removePasskey(id: $id) {
      __typename
      ... on PasskeyRemoved { passkeyId }
      ... on PasskeyNotFoundError { message }
      ... on LastSignInMethodError { message }
    }
  }
`);

export const StartTotpEnrollment = graphql(`
  mutation StartTotpEnrollment {
    startTotpEnrollment { secret otpauthUri qrCodeSvg }
  }
`);

export const ConfirmTotpEnrollment = graphql(`
  mutation ConfirmTotpEnrollment($code: String!) {
    confirmTotpEnrollment(code: $code) {
      __typename
      ... on TotpEnabled { recoveryCodes }
      ... on InvalidSecondFactorError { message }
      ... on RateLimitedError { message retryAfter }
    }
  }
`);

export const DisableTotp = graphql(`
  mutation DisableTotp($code: String!) {
    disableTotp(code: $code) {
      __typename
      ... on TotpDisabled { user { id twoFactorEnabled } }
      ... on InvalidSecondFactorError { message }
      ... on RateLimitedError { message retryAfter }
    }
  }
`);

/** No argument: the refresh token is the httpOnly cookie, which the page itself cannot read. */
export const Refresh = graphql(`
  mutation Refresh {
    refreshToken {
      __typename
      ... on AuthSuccess { accessToken expiresAt user { id email emailVerified firstName lastName createdAt updatedAt } }
      ... on InvalidRefreshTokenError { message }
      ... on RefreshTokenReusedError { message }
      ... on RateLimitedError { message retryAfter }
    }
  }
`);

export const Me = graphql(`
  query Me {
    me {
      id email emailVerified firstName lastName createdAt updatedAt twoFactorEnabled recoveryCodesRemaining
      passkeys { id name deviceType backedUp createdAt lastUsedAt }
      identities { id provider email createdAt lastUsedAt }
    }
  }
`);

export const IdentityProviders = graphql(`
  query IdentityProviders {
    identityProviders { id name }
  }
`);

export const StartExternalSignIn = graphql(`
  mutation StartExternalSignIn($provider: ID!, $redirectUri: String!) {
    startExternalSignIn(provider: $provider, redirectUri: $redirectUri) {
      __typename
      ... on ExternalSignInStart { authorizationUrl state }
      ... on InvalidInputError { message fields { field message } }
    }
  }
`);

/** `methods` of AccountLinkRequired and of SecondFactorRequired differ in type: one goes under an alias. */
export const FinishExternalSignIn = graphql(`
  mutation FinishExternalSignIn($provider: ID!, $code: String!, $state: String!, $iss: String) {
    finishExternalSignIn(provider: $provider, code: $code, state: $state, iss: $iss) {
      __typename
      ... on AuthSuccess { accessToken expiresAt user { id email } }
      ... on SecondFactorRequired { ticket methods expiresAt }
      ... on AccountLinkRequired { email signInMethods: methods }
      ... on ExternalSignInError { message reason }
      ... on RateLimitedError { message retryAfter }
    }
  }
`);

export const StartExternalIdentityLink = graphql(`
  mutation StartExternalIdentityLink($provider: ID!, $redirectUri: String!) {
    startExternalIdentityLink(provider: $provider, redirectUri: $redirectUri) {
      __typename
      ... on ExternalSignInStart { authorizationUrl state }
      ... on InvalidInputError { message fields { field message } }
    }
  }
`);

export const LinkExternalIdentity = graphql(`
  mutation LinkExternalIdentity($provider: ID!, $code: String!, $state: String!, $iss: String) {
    linkExternalIdentity(provider: $provider, code: $code, state: $state, iss: $iss) {
      __typename
      ... on ExternalIdentityLinked { identity { id provider } }
      ... on ExternalSignInError { message reason }
      ... on ExternalIdentityTakenError { message }
      ... on RateLimitedError { message retryAfter }
    }
  }
`);

export const UnlinkExternalIdentity = graphql(`
  mutation UnlinkExternalIdentity($id: ID!) {
    unlinkExternalIdentity(id: $id) {
      __typename
      ... on ExternalIdentityUnlinked { id }
      ... on ExternalIdentityNotFoundError { message }
      ... on LastSignInMethodError { message }
    }
  }
`);

export const UpdateMe = graphql(`
  mutation UpdateMe($input: UpdateMeInput!) {
    updateMe(input: $input) {
      __typename
      ... on UpdateMeSuccess { user { id email emailVerified firstName lastName createdAt updatedAt } }
      ... on InvalidInputError { message fields { field message } }
    }
  }
`);

export const Sessions = graphql(`
  query Sessions {
    sessions { id createdAt lastUsedAt expiresAt userAgent ipAddress current }
  }
`);

export const RevokeSession = graphql(`
  mutation RevokeSession($id: ID!) {
    revokeSession(id: $id) {
      __typename
      ... on RevokeSessionSuccess { sessionId }
      ... on SessionNotFoundError { message }
    }
  }
`);

export const Logout = graphql(`
  mutation Logout {
    logout
  }
`);
