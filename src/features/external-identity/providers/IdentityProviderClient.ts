import * as client from 'openid-client';
import { EMAIL_MAX, normalizeEmail } from '../../../core/validation';

/** Who the provider says signed in, once every check of the response has passed. */
export interface ProviderProfile {
  /** Stable and never reassigned: OpenID Connect `sub`, GitHub's numeric user id. */
  readonly subject: string;
  /** Normalised (trimmed, lower-case); absent when the provider gave none usable. */
  readonly email?: string;
  /** Only what the provider asserts: `email_verified: true` (OIDC), a verified primary address (GitHub). */
  readonly emailVerified: boolean;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly name?: string;
  /** The provider's RFC 8176 `amr` values, when it sends them (cleaned: short tokens only). */
  readonly amr: readonly string[];
}

/** What the authorization request carries: all of it made fresh for each start. */
export interface AuthorizationRequest {
  readonly redirectUri: string;
  readonly state: string;
  /** PKCE S256 challenge of the verifier kept in the flow's state. */
  readonly codeChallenge: string;
  /** OpenID Connect only (GitHub has no ID token to carry it). */
  readonly nonce: string;
}

/** What the client brought back, with what was kept at the start to check it against. */
export interface Redemption {
  readonly code: string;
  readonly state: string;
  /** RFC 9207 `iss` of the authorization response, when the client has it. */
  readonly iss?: string;
  readonly redirectUri: string;
  readonly codeVerifier: string;
  readonly nonce: string;
}

/**
 * One configured identity provider: builds authorization requests and redeems their codes into a
 * verified profile. Implementations use openid-client and write no token validation of their own.
 * They throw `ProviderUnavailableError` or `ProviderRefusedError` (see `classifyProviderError`),
 * never a provider's own error text to show to a user.
 */
export interface IdentityProviderClient {
  readonly id: string;
  readonly name: string;
  authorizationUrl(request: AuthorizationRequest): Promise<URL>;
  redeem(redemption: Redemption): Promise<ProviderProfile>;
  /** Gets ready (OpenID discovery); true once ready. Safe to call any number of times, at once. */
  prepare(): Promise<boolean>;
}

/** The provider cannot be reached now, answers too slowly or with a server error, or was never discovered. */
export class ProviderUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`identity provider unavailable: ${reason}`);
    this.name = 'ProviderUnavailableError';
  }
}

/** The provider refused (a used or foreign code), or its answer failed a check (nonce, aud, iss, signature). */
export class ProviderRefusedError extends Error {
  constructor(readonly reason: string) {
    super(`identity provider answer refused: ${reason}`);
    this.name = 'ProviderRefusedError';
  }
}

const NETWORK_CODES = /^(ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR)/;

/**
 * Sorts what openid-client (or fetch under it) throws into the two outcomes a user can be told about,
 * keeping a short reason for the log (an error code or name, never a token, a code or a secret).
 * Anything else is not the provider's doing (a bug here) and is thrown on.
 */
export function classifyProviderError(error: unknown): ProviderUnavailableError | ProviderRefusedError {
  if (error instanceof ProviderUnavailableError || error instanceof ProviderRefusedError) return error;
  if (error instanceof client.ResponseBodyError) {
    return error.status >= 500 ? new ProviderUnavailableError(`HTTP ${error.status} ${error.error}`) : new ProviderRefusedError(`${error.error} (HTTP ${error.status})`);
  }
  if (error instanceof client.AuthorizationResponseError) return new ProviderRefusedError(`authorization response error ${error.error}`);
  if (error instanceof client.WWWAuthenticateChallengeError) return new ProviderRefusedError(`challenge (HTTP ${error.status})`);
  if (error instanceof client.ClientError) {
    if (error.code === 'OAUTH_TIMEOUT') return new ProviderUnavailableError('timeout');
    const response = error.cause instanceof Response ? error.cause : undefined;
    if (response && (response.status >= 500 || response.status === 429)) return new ProviderUnavailableError(`HTTP ${response.status}`);
    const detail = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new ProviderRefusedError(`${error.code ?? 'client error'}${detail}`);
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return new ProviderUnavailableError('timeout');
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (error instanceof TypeError && (error.message === 'fetch failed' || (code && NETWORK_CODES.test(code)))) {
    return new ProviderUnavailableError(code ?? 'fetch failed');
  }
  throw error;
}

/** RFC 8176 values are short tokens; anything else a provider sends in `amr` is dropped, not stored. */
export function cleanAmr(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const tokens = value.filter((entry): entry is string => typeof entry === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(entry));
  return [...new Set(tokens)].slice(0, 10);
}

/** A usable address, normalised as every address here is, of a length the account table takes, with one @; otherwise none. */
export function cleanEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = normalizeEmail(value);
  return email.length <= EMAIL_MAX && /^[^@\s]+@[^@\s]+$/.test(email) ? email : undefined;
}

/** A name part as the provider sent it, if it is a non-empty string. */
export function cleanText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
