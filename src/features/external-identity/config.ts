import type { CoreConfig } from '../../config';
import type { EnvReader } from '../../config/env';

/** An OpenID Connect provider from OIDC_PROVIDERS: found by discovery from its issuer. */
export interface OidcProviderSettings {
  readonly kind: 'oidc';
  /** Names it in the API, in callback paths and as a sign-in method (`google`, `keycloak`...). */
  readonly id: string;
  /** Shown to users: "Sign in with <name>". */
  readonly name: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
}

/** GitHub (plain OAuth 2, not OpenID Connect): its endpoints are fixed, their base URLs configurable. */
export interface GitHubProviderSettings {
  readonly kind: 'github';
  readonly id: 'github';
  readonly name: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** https://github.com, or a GitHub Enterprise Server; the authorize and token endpoints are below it. */
  readonly webUrl: string;
  /** https://api.github.com, or `<server>/api/v3` for GitHub Enterprise Server. */
  readonly apiUrl: string;
}

export type ProviderSettings = OidcProviderSettings | GitHubProviderSettings;

export interface ExternalIdentitySettings {
  readonly providers: readonly ProviderSettings[];
  /** Exact redirect URIs a sign-in may ask the provider to send the user back to. */
  readonly redirectUris: readonly string[];
  /** Where the callback route sends the browser once it has finished a sign-in. */
  readonly returnUrl: string;
  /** Longest a call to a provider (discovery, token, JWKS, user info) may take. */
  readonly timeoutMs: number;
  /**
   * http issuers and endpoints are accepted (openid-client's `allowInsecureRequests`): outside
   * production only, where test and local providers run without TLS.
   */
  readonly allowInsecureRequests: boolean;
  readonly limits: {
    /** Sign-ins started per client address per window (each keeps a state in the shared store for 10 minutes). */
    readonly startPerIp: number;
    /** Failed finishes (refused, or AccountLinkRequired) per client address per window. */
    readonly failuresPerIp: number;
  };
}

/** Ids that are sign-in method kinds already (`AccountLinkRequired.methods`), so no provider may take them. */
const RESERVED_IDS = new Set(['password', 'passkey']);
const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
const OIDC_FIELDS = new Set(['id', 'name', 'issuer', 'clientId', 'clientSecret', 'scopes']);
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/; // RFC 6749 section 3.3 scope-token
const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

/**
 * OIDC_PROVIDERS (a JSON array of `{ id, name, issuer, clientId, clientSecret, scopes? }`),
 * GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET (with GITHUB_WEB_URL and GITHUB_API_URL for GitHub
 * Enterprise Server, or a local stand-in in tests), EXTERNAL_REDIRECT_URIS, EXTERNAL_SIGN_IN_RETURN_URL,
 * EXTERNAL_PROVIDER_TIMEOUT_MS and the two rate limits. Client secrets are never echoed in a problem.
 */
export function externalIdentityConfig(env: EnvReader, core: CoreConfig): ExternalIdentitySettings {
  const insecureAllowed = !env.isProduction;
  const providers: ProviderSettings[] = [...readOidcProviders(env, insecureAllowed)];

  const githubId = env.get('GITHUB_CLIENT_ID');
  const githubSecret = env.get('GITHUB_CLIENT_SECRET');
  if ((githubId === undefined) !== (githubSecret === undefined)) env.problem('set both GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, or neither');
  const webUrl = baseUrl(env, 'GITHUB_WEB_URL', 'https://github.com', insecureAllowed);
  const apiUrl = baseUrl(env, 'GITHUB_API_URL', 'https://api.github.com', insecureAllowed);
  if (githubId !== undefined && githubSecret !== undefined) {
    if (providers.some((provider) => provider.id === 'github')) env.problem('OIDC_PROVIDERS: the id "github" is taken by GITHUB_CLIENT_ID');
    providers.push({ kind: 'github', id: 'github', name: 'GitHub', clientId: githubId, clientSecret: githubSecret, webUrl, apiUrl });
  }

  const redirectUris = (env.get('EXTERNAL_REDIRECT_URIS') ?? '').split(',').map((uri) => uri.trim()).filter(Boolean);
  redirectUris.forEach((uri, index) => checkRedirectUri(env, uri, index, env.isProduction));
  if (providers.length > 0 && redirectUris.length === 0) {
    env.problem('EXTERNAL_REDIRECT_URIS must list the redirect URIs registered at the identity providers (comma-separated)');
  }

  const returnUrl = env.url('EXTERNAL_SIGN_IN_RETURN_URL', ['http:', 'https:']) ?? core.mail.appUrl;
  if (URL.canParse(returnUrl) && new URL(returnUrl).hash !== '') env.problem('EXTERNAL_SIGN_IN_RETURN_URL must not have a #fragment');

  return {
    providers,
    redirectUris,
    returnUrl,
    timeoutMs: env.int('EXTERNAL_PROVIDER_TIMEOUT_MS', 5000, 100, 60000),
    allowInsecureRequests: insecureAllowed,
    limits: {
      startPerIp: env.int('RATE_LIMIT_EXTERNAL_START_PER_IP', 100, 1, 1000000),
      failuresPerIp: env.int('RATE_LIMIT_EXTERNAL_FAILURES_PER_IP', 30, 1, 1000000),
    },
  };
}

function readOidcProviders(env: EnvReader, insecureAllowed: boolean): OidcProviderSettings[] {
  const raw = env.get('OIDC_PROVIDERS');
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Never echo the value: it holds client secrets.
    env.problem('OIDC_PROVIDERS must be a JSON array of { id, name, issuer, clientId, clientSecret, scopes? }');
    return [];
  }
  if (!Array.isArray(parsed)) {
    env.problem('OIDC_PROVIDERS must be a JSON array of { id, name, issuer, clientId, clientSecret, scopes? }');
    return [];
  }
  const providers: OidcProviderSettings[] = [];
  const ids = new Set<string>();
  parsed.forEach((entry: unknown, index) => {
    const where = `OIDC_PROVIDERS[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return env.problem(`${where} must be an object`);
    const fields = entry as Record<string, unknown>;
    // A misspelt field (clientID) would otherwise be silently ignored.
    const unknown = Object.keys(fields).filter((key) => !OIDC_FIELDS.has(key));
    if (unknown.length > 0) env.problem(`${where} has unknown fields: ${unknown.join(', ')}`);
    const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string).trim() : '');
    const id = text('id');
    const name = text('name');
    const issuer = text('issuer');
    const clientId = text('clientId');
    const clientSecret = typeof fields.clientSecret === 'string' ? fields.clientSecret : '';
    const problems = env.problems.length;
    if (!PROVIDER_ID.test(id)) env.problem(`${where}.id must be 1 to 32 lower-case letters, digits and dashes (it appears in URLs)`);
    else if (RESERVED_IDS.has(id)) env.problem(`${where}.id "${id}" is reserved`);
    else if (ids.has(id)) env.problem(`${where}.id "${id}" is used twice`);
    ids.add(id);
    if (name.length === 0 || name.length > 100) env.problem(`${where}.name must be 1 to 100 characters (shown to users)`);
    checkIssuer(env, `${where}.issuer`, issuer, insecureAllowed);
    if (clientId.length === 0) env.problem(`${where}.clientId is required`);
    if (clientSecret.length === 0) env.problem(`${where}.clientSecret is required`);
    const scopes = readScopes(env, `${where}.scopes`, fields.scopes);
    if (env.problems.length === problems) providers.push({ kind: 'oidc', id, name, issuer, clientId, clientSecret, scopes });
  });
  return providers;
}

/** Scopes as given, with `openid` added when missing (without it the provider answers plain OAuth 2: no ID token). */
function readScopes(env: EnvReader, where: string, value: unknown): string[] {
  if (value === undefined) return DEFAULT_SCOPES;
  if (!Array.isArray(value) || value.some((scope) => typeof scope !== 'string' || !SCOPE.test(scope))) {
    env.problem(`${where} must be an array of scope names, e.g. ["openid", "email", "profile"]`);
    return DEFAULT_SCOPES;
  }
  return [...new Set(['openid', ...(value as string[])])];
}

/**
 * An issuer is the exact URL the provider names itself with (discovery checks that it matches): https
 * in production; http only elsewhere, for local and test providers.
 */
function checkIssuer(env: EnvReader, where: string, issuer: string, insecureAllowed: boolean): void {
  if (!URL.canParse(issuer)) return env.problem(`${where} must be the provider's issuer URL, e.g. https://accounts.google.com`);
  const url = new URL(issuer);
  if (url.protocol !== 'https:' && !(insecureAllowed && url.protocol === 'http:')) {
    env.problem(`${where} must be an https URL${insecureAllowed ? ' (or http, outside production)' : ' in production'}`);
  }
  if (url.search !== '' || url.hash !== '') env.problem(`${where} must not have a ?query or #fragment`);
}

function baseUrl(env: EnvReader, name: string, fallback: string, insecureAllowed: boolean): string {
  const value = env.url(name, insecureAllowed ? ['https:', 'http:'] : ['https:']);
  if (value === undefined) return fallback;
  if (URL.canParse(value) && (new URL(value).search !== '' || new URL(value).hash !== '')) env.problem(`${name} must not have a ?query or #fragment`);
  return value.replace(/\/+$/, '');
}

/**
 * RFC 6749 section 3.1.2: absolute, no fragment. No query either: openid-client takes the redirect URI
 * it sends to the token endpoint from the callback URL without its query, so one with a query could
 * never match. In production https, or http on a loopback address (RFC 8252 section 7.3, native apps).
 */
function checkRedirectUri(env: EnvReader, uri: string, index: number, production: boolean): void {
  const where = `EXTERNAL_REDIRECT_URIS entry ${index + 1}`;
  if (!URL.canParse(uri)) return env.problem(`${where} is not an absolute URL`);
  const url = new URL(uri);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return env.problem(`${where} must be an http(s) URL`);
  if (url.search !== '' || url.hash !== '' || uri.includes('?') || uri.includes('#')) env.problem(`${where} must not have a ?query or #fragment`);
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
  if (production && url.protocol === 'http:' && !loopback) env.problem(`${where} must be https in production (or http on a loopback address)`);
}
