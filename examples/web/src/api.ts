import type { TopLevelErrorCode } from '../../../src/graphql/errorCodes';
import type { TypedDocumentString } from './gql/graphql';
import { Refresh } from './operations';

/**
 * The page's connection to the service. Where each token lives:
 * - the access token (15 minutes) in this module's memory only: gone on reload, never in storage;
 * - the refresh token in an httpOnly cookie the service sets (`X-Refresh-Token-Transport: cookie`) and
 *   the browser sends only to the GraphQL endpoint: no script on the page can read it.
 * After a reload, `refresh()` trades the cookie for a new access token.
 */
export class ApiError extends Error {
  constructor(
    readonly code: TopLevelErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What to tell the user for each top-level error; the compiler insists on every code. */
const TOP_LEVEL_MESSAGES: Record<TopLevelErrorCode, string> = {
  UNAUTHENTICATED: 'Please sign in.',
  FORBIDDEN: 'This page is not allowed to use the session cookie (CORS_ORIGINS).',
  RATE_LIMITED: 'Too many attempts; wait a moment.',
  SERVICE_UNAVAILABLE: 'The service is briefly unavailable; try again.',
  INTERNAL_SERVER_ERROR: 'Something went wrong on our side.',
  GRAPHQL_PARSE_FAILED: 'The page sent a malformed request.',
  GRAPHQL_VALIDATION_FAILED: 'The page sent an invalid request.',
  BAD_USER_INPUT: 'A value is not valid (an email address?).',
  BAD_REQUEST: 'The page sent a bad request.',
  OPERATION_RESOLUTION_FAILURE: 'The page sent a bad request.',
  PERSISTED_QUERY_NOT_FOUND: 'The page sent a bad request.',
  PERSISTED_QUERY_NOT_SUPPORTED: 'The page sent a bad request.',
  NOT_FOUND: 'Wrong API address.',
  METHOD_NOT_ALLOWED: 'The page sent a bad request.',
  PAYLOAD_TOO_LARGE: 'That is too long.',
  UNSUPPORTED_MEDIA_TYPE: 'The page sent a bad request.',
};

interface Response<R> {
  data?: R | null;
  errors?: Array<{ message: string; extensions?: { code?: TopLevelErrorCode } }>;
}

export class Api {
  private accessToken: string | null = null;

  constructor(private readonly url: string) {}

  get signedIn(): boolean {
    return this.accessToken !== null;
  }

  /** Runs a typed operation; an expired access token is renewed once through the cookie. */
  async run<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
    try {
      return await this.send(document, variables);
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'UNAUTHENTICATED' || !this.accessToken) throw error;
      if (!(await this.refresh())) throw error;
      return this.send(document, variables);
    }
  }

  /** Keeps the access token of a sign-in; the refresh token stayed in the cookie. */
  signIn(accessToken: string): void {
    this.accessToken = accessToken;
  }

  signOut(): void {
    this.accessToken = null;
  }

  /** Trades the refresh cookie for a new access token; false when there is no session to resume. */
  async refresh(): Promise<boolean> {
    this.accessToken = null;
    const { refreshToken: result } = await this.send(Refresh, {});
    switch (result.__typename) {
      case 'AuthSuccess':
        this.accessToken = result.accessToken;
        return true;
      case 'InvalidRefreshTokenError':
      case 'RefreshTokenReusedError':
        return false;
      case 'RateLimitedError':
        throw new ApiError('RATE_LIMITED', result.message);
      default:
        return assertNever(result);
    }
  }

  private async send<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      // Ask for the refresh token as an httpOnly cookie, never in the body.
      'x-refresh-token-transport': 'cookie',
    };
    if (this.accessToken) headers.authorization = `Bearer ${this.accessToken}`;
    const res = await fetch(this.url, {
      method: 'POST',
      // The API is on another origin: send and accept its cookie.
      credentials: 'include',
      headers,
      body: JSON.stringify({ query: document.toString(), variables }),
    });
    const body = (await res.json()) as Response<R>;
    const error = body.errors?.[0];
    if (error) {
      const code = error.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
      throw new ApiError(code, TOP_LEVEL_MESSAGES[code] ?? error.message);
    }
    return body.data as R;
  }
}

/** The `default` of an exhaustive switch: a new union member is a compile error here. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected result: ${JSON.stringify(value)}`);
}
