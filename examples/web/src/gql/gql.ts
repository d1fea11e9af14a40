/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id email emailVerified firstName lastName createdAt updatedAt } }\n      ... on InvalidInputError { message fields { field message } }\n      ... on EmailTakenError { message }\n      ... on EmailNotVerifiedError { message }\n      ... on RateLimitedError { message retryAfter }\n      ... on InvalidPasskeyError { message }\n    }\n  }\n": typeof types.RegisterDocument,
    "\n  mutation Login($email: EmailAddress!, $password: String!) {\n    login(email: $email, password: $password) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id email emailVerified firstName lastName createdAt updatedAt } }\n      ... on SecondFactorRequired { ticket methods expiresAt }\n      ... on InvalidCredentialsError { message }\n      ... on EmailNotVerifiedError { message }\n      ... on InvalidInputError { message fields { field message } }\n      ... on RateLimitedError { message retryAfter }\n      ... on InvalidPasskeyError { message }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation VerifySecondFactor($ticket: String!, $code: String!) {\n    verifySecondFactor(ticket: $ticket, code: $code) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id recoveryCodesRemaining } }\n      ... on InvalidSecondFactorError { message }\n      ... on InvalidTicketError { message }\n      ... on RateLimitedError { message retryAfter }\n      ... on InvalidPasskeyError { message }\n    }\n  }\n": typeof types.VerifySecondFactorDocument,
    "\n  mutation StartPasskeyRegistrationForNewAccount($input: PasskeyAccountInput!) {\n    startPasskeyRegistrationForNewAccount(input: $input) { challengeId options }\n  }\n": typeof types.StartPasskeyRegistrationForNewAccountDocument,
    "\n  mutation FinishPasskeyRegistrationForNewAccount($challengeId: ID!, $response: JSON!) {\n    finishPasskeyRegistrationForNewAccount(challengeId: $challengeId, response: $response) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id } }\n      ... on InvalidInputError { message fields { field message } }\n      ... on EmailTakenError { message }\n      ... on EmailNotVerifiedError { message }\n      ... on RateLimitedError { message retryAfter }\n      ... on InvalidPasskeyError { message }\n    }\n  }\n": typeof types.FinishPasskeyRegistrationForNewAccountDocument,
    "\n  mutation StartPasskeyLogin($email: EmailAddress) {\n    startPasskeyLogin(email: $email) { challengeId options }\n  }\n": typeof types.StartPasskeyLoginDocument,
    "\n  mutation FinishPasskeyLogin($challengeId: ID!, $response: JSON!) {\n    finishPasskeyLogin(challengeId: $challengeId, response: $response) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id } }\n      ... on SecondFactorRequired { ticket methods expiresAt }\n      ... on InvalidPasskeyError { message }\n      ... on InvalidCredentialsError { message }\n      ... on EmailNotVerifiedError { message }\n      ... on InvalidInputError { message fields { field message } }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n": typeof types.FinishPasskeyLoginDocument,
    "\n  mutation StartPasskeySecondFactor($ticket: String!) {\n    startPasskeySecondFactor(ticket: $ticket) { challengeId options }\n  }\n": typeof types.StartPasskeySecondFactorDocument,
    "\n  mutation VerifySecondFactorWithPasskey($ticket: String!, $challengeId: ID!, $response: JSON!) {\n    verifySecondFactorWithPasskey(ticket: $ticket, challengeId: $challengeId, response: $response) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id } }\n      ... on InvalidPasskeyError { message }\n      ... on InvalidSecondFactorError { message }\n      ... on InvalidTicketError { message }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n": typeof types.VerifySecondFactorWithPasskeyDocument,
    "\n  mutation StartPasskeyRegistration {\n    startPasskeyRegistration { challengeId options }\n  }\n": typeof types.StartPasskeyRegistrationDocument,
    "\n  mutation FinishPasskeyRegistration($challengeId: ID!, $response: JSON!, $name: String) {\n    finishPasskeyRegistration(challengeId: $challengeId, response: $response, name: $name) {\n      __typename\n      ... on PasskeyAdded { passkey { id name } }\n      ... on InvalidPasskeyError { message }\n      ... on InvalidInputError { message fields { field message } }\n    }\n  }\n": typeof types.FinishPasskeyRegistrationDocument,
    "\n  mutation RemovePasskey($id: ID!) {\n    removePasskey(id: $id) {\n      __typename\n      ... on PasskeyRemoved { passkeyId }\n      ... on PasskeyNotFoundError { message }\n      ... on LastSignInMethodError { message }\n    }\n  }\n": typeof types.RemovePasskeyDocument,
    "\n  mutation StartTotpEnrollment {\n    startTotpEnrollment { secret otpauthUri qrCodeSvg }\n  }\n": typeof types.StartTotpEnrollmentDocument,
    "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code) {\n      __typename\n      ... on TotpEnabled { recoveryCodes }\n      ... on InvalidSecondFactorError { message }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n": typeof types.ConfirmTotpEnrollmentDocument,
    "\n  mutation DisableTotp($code: String!) {\n    disableTotp(code: $code) {\n      __typename\n      ... on TotpDisabled { user { id twoFactorEnabled } }\n      ... on InvalidSecondFactorError { message }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n": typeof types.DisableTotpDocument,
    "\n  mutation Refresh {\n    refreshToken {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id email emailVerified firstName lastName createdAt updatedAt } }\n      ... on InvalidRefreshTokenError { message }\n      ... on RefreshTokenReusedError { message }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n": typeof types.RefreshDocument,
    "\n  query Me {\n    me {\n      id email emailVerified firstName lastName createdAt updatedAt twoFactorEnabled recoveryCodesRemaining\n      passkeys { id name deviceType backedUp createdAt lastUsedAt }\n      identities { id provider email createdAt lastUsedAt }\n    }\n  }\n": typeof types.MeDocument,
    "\n  query IdentityProviders {\n    identityProviders { id name }\n  }\n": typeof types.IdentityProvidersDocument,
    "\n  mutation StartExternalSignIn($provider: ID!, $redirectUri: String!) {\n    startExternalSignIn(provider: $provider, redirectUri: $redirectUri) {\n      __typename\n      ... on ExternalSignInStart { authorizationUrl state }\n      ... on InvalidInputError { message fields { field message } }\n    }\n  }\n": typeof types.StartExternalSignInDocument,
    "\n  mutation FinishExternalSignIn($provider: ID!, $code: String!, $state: String!, $iss: String) {\n    finishExternalSignIn(provider: $provider, code: $code, state: $state, iss: $iss) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id email } }\n      ... on SecondFactorRequired { ticket methods expiresAt }\n      ... on AccountLinkRequired { email signInMethods: methods }\n      ... on ExternalSignInError { message reason }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n": typeof types.FinishExternalSignInDocument,
    "\n  mutation StartExternalIdentityLink($provider: ID!, $redirectUri: String!) {\n    startExternalIdentityLink(provider: $provider, redirectUri: $redirectUri) {\n      __typename\n      ... on ExternalSignInStart { authorizationUrl state }\n      ... on InvalidInputError { message fields { field message } }\n    }\n  }\n": typeof types.StartExternalIdentityLinkDocument,
    "\n  mutation LinkExternalIdentity($provider: ID!, $code: String!, $state: String!, $iss: String) {\n    linkExternalIdentity(provider: $provider, code: $code, state: $state, iss: $iss) {\n      __typename\n      ... on ExternalIdentityLinked { identity { id provider } }\n      ... on ExternalSignInError { message reason }\n      ... on ExternalIdentityTakenError { message }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n": typeof types.LinkExternalIdentityDocument,
    "\n  mutation UnlinkExternalIdentity($id: ID!) {\n    unlinkExternalIdentity(id: $id) {\n      __typename\n      ... on ExternalIdentityUnlinked { id }\n      ... on ExternalIdentityNotFoundError { message }\n      ... on LastSignInMethodError { message }\n    }\n  }\n": typeof types.UnlinkExternalIdentityDocument,
    "\n  mutation UpdateMe($input: UpdateMeInput!) {\n    updateMe(input: $input) {\n      __typename\n      ... on UpdateMeSuccess { user { id email emailVerified firstName lastName createdAt updatedAt } }\n      ... on InvalidInputError { message fields { field message } }\n    }\n  }\n": typeof types.UpdateMeDocument,
    "\n  query Sessions {\n    sessions { id createdAt lastUsedAt expiresAt userAgent ipAddress current }\n  }\n": typeof types.SessionsDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      __typename\n      ... on RevokeSessionSuccess { sessionId }\n      ... on SessionNotFoundError { message }\n    }\n  }\n": typeof types.RevokeSessionDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
};
const documents: Documents = {
    "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id email emailVerified firstName lastName createdAt updatedAt } }\n      ... on InvalidInputError { message fields { field message } }\n      ... on EmailTakenError { message }\n      ... on EmailNotVerifiedError { message }\n      ... on RateLimitedError { message retryAfter }\n      ... on InvalidPasskeyError { message }\n    }\n  }\n": types.RegisterDocument,
    "\n  mutation Login($email: EmailAddress!, $password: String!) {\n    login(email: $email, password: $password) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id email emailVerified firstName lastName createdAt updatedAt } }\n      ... on SecondFactorRequired { ticket methods expiresAt }\n      ... on InvalidCredentialsError { message }\n      ... on EmailNotVerifiedError { message }\n      ... on InvalidInputError { message fields { field message } }\n      ... on RateLimitedError { message retryAfter }\n      ... on InvalidPasskeyError { message }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation VerifySecondFactor($ticket: String!, $code: String!) {\n    verifySecondFactor(ticket: $ticket, code: $code) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id recoveryCodesRemaining } }\n      ... on InvalidSecondFactorError { message }\n      ... on InvalidTicketError { message }\n      ... on RateLimitedError { message retryAfter }\n      ... on InvalidPasskeyError { message }\n    }\n  }\n": types.VerifySecondFactorDocument,
    "\n  mutation StartPasskeyRegistrationForNewAccount($input: PasskeyAccountInput!) {\n    startPasskeyRegistrationForNewAccount(input: $input) { challengeId options }\n  }\n": types.StartPasskeyRegistrationForNewAccountDocument,
    "\n  mutation FinishPasskeyRegistrationForNewAccount($challengeId: ID!, $response: JSON!) {\n    finishPasskeyRegistrationForNewAccount(challengeId: $challengeId, response: $response) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id } }\n      ... on InvalidInputError { message fields { field message } }\n      ... on EmailTakenError { message }\n      ... on EmailNotVerifiedError { message }\n      ... on RateLimitedError { message retryAfter }\n      ... on InvalidPasskeyError { message }\n    }\n  }\n": types.FinishPasskeyRegistrationForNewAccountDocument,
    "\n  mutation StartPasskeyLogin($email: EmailAddress) {\n    startPasskeyLogin(email: $email) { challengeId options }\n  }\n": types.StartPasskeyLoginDocument,
    "\n  mutation FinishPasskeyLogin($challengeId: ID!, $response: JSON!) {\n    finishPasskeyLogin(challengeId: $challengeId, response: $response) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id } }\n      ... on SecondFactorRequired { ticket methods expiresAt }\n      ... on InvalidPasskeyError { message }\n      ... on InvalidCredentialsError { message }\n      ... on EmailNotVerifiedError { message }\n      ... on InvalidInputError { message fields { field message } }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n": types.FinishPasskeyLoginDocument,
    "\n  mutation StartPasskeySecondFactor($ticket: String!) {\n    startPasskeySecondFactor(ticket: $ticket) { challengeId options }\n  }\n": types.StartPasskeySecondFactorDocument,
    "\n  mutation VerifySecondFactorWithPasskey($ticket: String!, $challengeId: ID!, $response: JSON!) {\n    verifySecondFactorWithPasskey(ticket: $ticket, challengeId: $challengeId, response: $response) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id } }\n      ... on InvalidPasskeyError { message }\n      ... on InvalidSecondFactorError { message }\n      ... on InvalidTicketError { message }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n": types.VerifySecondFactorWithPasskeyDocument,
    "\n  mutation StartPasskeyRegistration {\n    startPasskeyRegistration { challengeId options }\n  }\n": types.StartPasskeyRegistrationDocument,
    "\n  mutation FinishPasskeyRegistration($challengeId: ID!, $response: JSON!, $name: String) {\n    finishPasskeyRegistration(challengeId: $challengeId, response: $response, name: $name) {\n      __typename\n      ... on PasskeyAdded { passkey { id name } }\n      ... on InvalidPasskeyError { message }\n      ... on InvalidInputError { message fields { field message } }\n    }\n  }\n": types.FinishPasskeyRegistrationDocument,
    "\n  mutation RemovePasskey($id: ID!) {\n    removePasskey(id: $id) {\n      __typename\n      ... on PasskeyRemoved { passkeyId }\n      ... on PasskeyNotFoundError { message }\n      ... on LastSignInMethodError { message }\n    }\n  }\n": types.RemovePasskeyDocument,
    "\n  mutation StartTotpEnrollment {\n    startTotpEnrollment { secret otpauthUri qrCodeSvg }\n  }\n": types.StartTotpEnrollmentDocument,
    "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code) {\n      __typename\n      ... on TotpEnabled { recoveryCodes }\n      ... on InvalidSecondFactorError { message }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n": types.ConfirmTotpEnrollmentDocument,
    "\n  mutation DisableTotp($code: String!) {\n    disableTotp(code: $code) {\n      __typename\n      ... on TotpDisabled { user { id twoFactorEnabled } }\n      ... on InvalidSecondFactorError { message }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n": types.DisableTotpDocument,
    "\n  mutation Refresh {\n    refreshToken {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id email emailVerified firstName lastName createdAt updatedAt } }\n      ... on InvalidRefreshTokenError { message }\n      ... on RefreshTokenReusedError { message }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n": types.RefreshDocument,
    "\n  query Me {\n    me {\n      id email emailVerified firstName lastName createdAt updatedAt twoFactorEnabled recoveryCodesRemaining\n      passkeys { id name deviceType backedUp createdAt lastUsedAt }\n      identities { id provider email createdAt lastUsedAt }\n    }\n  }\n": types.MeDocument,
    "\n  query IdentityProviders {\n    identityProviders { id name }\n  }\n": types.IdentityProvidersDocument,
    "\n  mutation StartExternalSignIn($provider: ID!, $redirectUri: String!) {\n    startExternalSignIn(provider: $provider, redirectUri: $redirectUri) {\n      __typename\n      ... on ExternalSignInStart { authorizationUrl state }\n      ... on InvalidInputError { message fields { field message } }\n    }\n  }\n": types.StartExternalSignInDocument,
    "\n  mutation FinishExternalSignIn($provider: ID!, $code: String!, $state: String!, $iss: String) {\n    finishExternalSignIn(provider: $provider, code: $code, state: $state, iss: $iss) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id email } }\n      ... on SecondFactorRequired { ticket methods expiresAt }\n      ... on AccountLinkRequired { email signInMethods: methods }\n      ... on ExternalSignInError { message reason }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n": types.FinishExternalSignInDocument,
    "\n  mutation StartExternalIdentityLink($provider: ID!, $redirectUri: String!) {\n    startExternalIdentityLink(provider: $provider, redirectUri: $redirectUri) {\n      __typename\n      ... on ExternalSignInStart { authorizationUrl state }\n      ... on InvalidInputError { message fields { field message } }\n    }\n  }\n": types.StartExternalIdentityLinkDocument,
    "\n  mutation LinkExternalIdentity($provider: ID!, $code: String!, $state: String!, $iss: String) {\n    linkExternalIdentity(provider: $provider, code: $code, state: $state, iss: $iss) {\n      __typename\n      ... on ExternalIdentityLinked { identity { id provider } }\n      ... on ExternalSignInError { message reason }\n      ... on ExternalIdentityTakenError { message }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n": types.LinkExternalIdentityDocument,
    "\n  mutation UnlinkExternalIdentity($id: ID!) {\n    unlinkExternalIdentity(id: $id) {\n      __typename\n      ... on ExternalIdentityUnlinked { id }\n      ... on ExternalIdentityNotFoundError { message }\n      ... on LastSignInMethodError { message }\n    }\n  }\n": types.UnlinkExternalIdentityDocument,
    "\n  mutation UpdateMe($input: UpdateMeInput!) {\n    updateMe(input: $input) {\n      __typename\n      ... on UpdateMeSuccess { user { id email emailVerified firstName lastName createdAt updatedAt } }\n      ... on InvalidInputError { message fields { field message } }\n    }\n  }\n": types.UpdateMeDocument,
    "\n  query Sessions {\n    sessions { id createdAt lastUsedAt expiresAt userAgent ipAddress current }\n  }\n": types.SessionsDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      __typename\n      ... on RevokeSessionSuccess { sessionId }\n      ... on SessionNotFoundError { message }\n    }\n  }\n": types.RevokeSessionDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Register($input: RegisterInput!) {\n    register(input: $input) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id email emailVerified firstName lastName createdAt updatedAt } }\n      ... on InvalidInputError { message fields { field message } }\n      ... on EmailTakenError { message }\n      ... on EmailNotVerifiedError { message }\n      ... on RateLimitedError { message retryAfter }\n      ... on InvalidPasskeyError { message }\n    }\n  }\n"): typeof import('./graphql').RegisterDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: EmailAddress!, $password: String!) {\n    login(email: $email, password: $password) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id email emailVerified firstName lastName createdAt updatedAt } }\n      ... on SecondFactorRequired { ticket methods expiresAt }\n      ... on InvalidCredentialsError { message }\n      ... on EmailNotVerifiedError { message }\n      ... on InvalidInputError { message fields { field message } }\n      ... on RateLimitedError { message retryAfter }\n      ... on InvalidPasskeyError { message }\n    }\n  }\n"): typeof import('./graphql').LoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifySecondFactor($ticket: String!, $code: String!) {\n    verifySecondFactor(ticket: $ticket, code: $code) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id recoveryCodesRemaining } }\n      ... on InvalidSecondFactorError { message }\n      ... on InvalidTicketError { message }\n      ... on RateLimitedError { message retryAfter }\n      ... on InvalidPasskeyError { message }\n    }\n  }\n"): typeof import('./graphql').VerifySecondFactorDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartPasskeyRegistrationForNewAccount($input: PasskeyAccountInput!) {\n    startPasskeyRegistrationForNewAccount(input: $input) { challengeId options }\n  }\n"): typeof import('./graphql').StartPasskeyRegistrationForNewAccountDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FinishPasskeyRegistrationForNewAccount($challengeId: ID!, $response: JSON!) {\n    finishPasskeyRegistrationForNewAccount(challengeId: $challengeId, response: $response) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id } }\n      ... on InvalidInputError { message fields { field message } }\n      ... on EmailTakenError { message }\n      ... on EmailNotVerifiedError { message }\n      ... on RateLimitedError { message retryAfter }\n      ... on InvalidPasskeyError { message }\n    }\n  }\n"): typeof import('./graphql').FinishPasskeyRegistrationForNewAccountDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartPasskeyLogin($email: EmailAddress) {\n    startPasskeyLogin(email: $email) { challengeId options }\n  }\n"): typeof import('./graphql').StartPasskeyLoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FinishPasskeyLogin($challengeId: ID!, $response: JSON!) {\n    finishPasskeyLogin(challengeId: $challengeId, response: $response) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id } }\n      ... on SecondFactorRequired { ticket methods expiresAt }\n      ... on InvalidPasskeyError { message }\n      ... on InvalidCredentialsError { message }\n      ... on EmailNotVerifiedError { message }\n      ... on InvalidInputError { message fields { field message } }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n"): typeof import('./graphql').FinishPasskeyLoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartPasskeySecondFactor($ticket: String!) {\n    startPasskeySecondFactor(ticket: $ticket) { challengeId options }\n  }\n"): typeof import('./graphql').StartPasskeySecondFactorDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifySecondFactorWithPasskey($ticket: String!, $challengeId: ID!, $response: JSON!) {\n    verifySecondFactorWithPasskey(ticket: $ticket, challengeId: $challengeId, response: $response) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id } }\n      ... on InvalidPasskeyError { message }\n      ... on InvalidSecondFactorError { message }\n      ... on InvalidTicketError { message }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n"): typeof import('./graphql').VerifySecondFactorWithPasskeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartPasskeyRegistration {\n    startPasskeyRegistration { challengeId options }\n  }\n"): typeof import('./graphql').StartPasskeyRegistrationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FinishPasskeyRegistration($challengeId: ID!, $response: JSON!, $name: String) {\n    finishPasskeyRegistration(challengeId: $challengeId, response: $response, name: $name) {\n      __typename\n      ... on PasskeyAdded { passkey { id name } }\n      ... on InvalidPasskeyError { message }\n      ... on InvalidInputError { message fields { field message } }\n    }\n  }\n"): typeof import('./graphql').FinishPasskeyRegistrationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemovePasskey($id: ID!) {\n    removePasskey(id: $id) {\n      __typename\n      ... on PasskeyRemoved { passkeyId }\n      ... on PasskeyNotFoundError { message }\n      ... on LastSignInMethodError { message }\n    }\n  }\n"): typeof import('./graphql').RemovePasskeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartTotpEnrollment {\n    startTotpEnrollment { secret otpauthUri qrCodeSvg }\n  }\n"): typeof import('./graphql').StartTotpEnrollmentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code) {\n      __typename\n      ... on TotpEnabled { recoveryCodes }\n      ... on InvalidSecondFactorError { message }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n"): typeof import('./graphql').ConfirmTotpEnrollmentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisableTotp($code: String!) {\n    disableTotp(code: $code) {\n      __typename\n      ... on TotpDisabled { user { id twoFactorEnabled } }\n      ... on InvalidSecondFactorError { message }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n"): typeof import('./graphql').DisableTotpDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Refresh {\n    refreshToken {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id email emailVerified firstName lastName createdAt updatedAt } }\n      ... on InvalidRefreshTokenError { message }\n      ... on RefreshTokenReusedError { message }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n"): typeof import('./graphql').RefreshDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id email emailVerified firstName lastName createdAt updatedAt twoFactorEnabled recoveryCodesRemaining\n      passkeys { id name deviceType backedUp createdAt lastUsedAt }\n      identities { id provider email createdAt lastUsedAt }\n    }\n  }\n"): typeof import('./graphql').MeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IdentityProviders {\n    identityProviders { id name }\n  }\n"): typeof import('./graphql').IdentityProvidersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartExternalSignIn($provider: ID!, $redirectUri: String!) {\n    startExternalSignIn(provider: $provider, redirectUri: $redirectUri) {\n      __typename\n      ... on ExternalSignInStart { authorizationUrl state }\n      ... on InvalidInputError { message fields { field message } }\n    }\n  }\n"): typeof import('./graphql').StartExternalSignInDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FinishExternalSignIn($provider: ID!, $code: String!, $state: String!, $iss: String) {\n    finishExternalSignIn(provider: $provider, code: $code, state: $state, iss: $iss) {\n      __typename\n      ... on AuthSuccess { accessToken expiresAt user { id email } }\n      ... on SecondFactorRequired { ticket methods expiresAt }\n      ... on AccountLinkRequired { email signInMethods: methods }\n      ... on ExternalSignInError { message reason }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n"): typeof import('./graphql').FinishExternalSignInDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartExternalIdentityLink($provider: ID!, $redirectUri: String!) {\n    startExternalIdentityLink(provider: $provider, redirectUri: $redirectUri) {\n      __typename\n      ... on ExternalSignInStart { authorizationUrl state }\n      ... on InvalidInputError { message fields { field message } }\n    }\n  }\n"): typeof import('./graphql').StartExternalIdentityLinkDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LinkExternalIdentity($provider: ID!, $code: String!, $state: String!, $iss: String) {\n    linkExternalIdentity(provider: $provider, code: $code, state: $state, iss: $iss) {\n      __typename\n      ... on ExternalIdentityLinked { identity { id provider } }\n      ... on ExternalSignInError { message reason }\n      ... on ExternalIdentityTakenError { message }\n      ... on RateLimitedError { message retryAfter }\n    }\n  }\n"): typeof import('./graphql').LinkExternalIdentityDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnlinkExternalIdentity($id: ID!) {\n    unlinkExternalIdentity(id: $id) {\n      __typename\n      ... on ExternalIdentityUnlinked { id }\n      ... on ExternalIdentityNotFoundError { message }\n      ... on LastSignInMethodError { message }\n    }\n  }\n"): typeof import('./graphql').UnlinkExternalIdentityDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMe($input: UpdateMeInput!) {\n    updateMe(input: $input) {\n      __typename\n      ... on UpdateMeSuccess { user { id email emailVerified firstName lastName createdAt updatedAt } }\n      ... on InvalidInputError { message fields { field message } }\n    }\n  }\n"): typeof import('./graphql').UpdateMeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Sessions {\n    sessions { id createdAt lastUsedAt expiresAt userAgent ipAddress current }\n  }\n"): typeof import('./graphql').SessionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id) {\n      __typename\n      ... on RevokeSessionSuccess { sessionId }\n      ... on SessionNotFoundError { message }\n    }\n  }\n"): typeof import('./graphql').RevokeSessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): typeof import('./graphql').LogoutDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
