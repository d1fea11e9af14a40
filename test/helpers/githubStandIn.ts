import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackHttpServer, type ServerMode } from './LoopbackHttpServer';

/**
 * A stand-in for GitHub's OAuth app sign-in on 127.0.0.1: github.com's authorize and access_token
 * endpoints and api.github.com's /user and /user/emails, served from one origin (the service must
 * take the web and API base URLs from its configuration to be pointed here).
 *
 * It keeps GitHub's quirks, because they are what a client has to cope with:
 * - the token endpoint answers errors with HTTP 200 and an `error` member, and answers JSON only when
 *   the Accept header asks for it (form-encoded otherwise);
 * - granted scopes come back comma-separated;
 * - codes live ten minutes and are single use;
 * - the API wants a User-Agent, and /user/emails needs the `user:email` (or `user`) scope.
 * PKCE (S256) is checked when the authorization request carried a code_challenge.
 */

export interface GitHubTestEmail {
  email: string;
  primary: boolean;
  verified: boolean;
  visibility?: 'public' | 'private' | null;
}

export interface GitHubTestUser {
  id: number;
  login: string;
  name?: string | null;
  emails: GitHubTestEmail[];
}

export interface GitHubTestApp {
  clientId: string;
  clientSecret: string;
  /** The registered callback URL; a redirect_uri must be on its origin and at or below its path. */
  callbackUrl: string;
}

/** GitHub's redirect to the app's callback, not followed. */
export interface GitHubAuthorization {
  url: URL;
  code?: string;
  state?: string;
  error?: string;
  errorDescription?: string;
}

export interface GitHubStandIn {
  readonly port: number;
  /** Stands for https://github.com */
  readonly webUrl: string;
  /** Stands for https://api.github.com (the same server here) */
  readonly apiUrl: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  addApp(app: GitHubTestApp): void;
  /** Sends the authorization request as the browser of `user` (or of the user set with setUser). */
  authorize(authorizationUrl: URL | string, user?: GitHubTestUser, options?: { deny?: boolean }): Promise<GitHubAuthorization>;
  setUser(user: GitHubTestUser | undefined): void;
  setMode(mode: ServerMode, options?: { delayMs?: number }): Promise<void>;
  close(): Promise<void>;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  login: string;
  scopes: string[];
  codeChallenge?: string;
  expiresAt: number;
}

const CODE_TTL_MS = 10 * 60_000;
const TROUBLESHOOTING = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/';

// Test-only request headers: who is at the browser, and whether they press "Cancel".
const LOGIN_HEADER = 'x-test-login';
const DENY_HEADER = 'x-test-deny';

export async function startGitHubStandIn(options: { apps?: GitHubTestApp[] } = {}): Promise<GitHubStandIn> {
  const apps = new Map((options.apps ?? []).map((app) => [app.clientId, app]));
  const users = new Map<string, GitHubTestUser>();
  const codes = new Map<string, IssuedCode>();
  const tokens = new Map<string, { login: string; scopes: string[] }>();
  let defaultUser: GitHubTestUser | undefined;

  const server: LoopbackHttpServer = new LoopbackHttpServer(async (req, res): Promise<void> => {
    const url = new URL(req.url ?? '/', server.origin);
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /login/oauth/authorize') return authorizeEndpoint(req, res, url.searchParams);
    if (route === 'POST /login/oauth/access_token') return tokenEndpoint(req, res);
    if (route === 'GET /user' || route === 'GET /user/emails') return api(req, res, url.pathname);
    json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  });
  await server.listen();

  function authorizeEndpoint(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): void {
    const app = apps.get(params.get('client_id') ?? '');
    if (!app) return text(res, 404, 'Not Found'); // GitHub shows a 404 page, there is nowhere to redirect to
    const state = params.get('state') ?? undefined;
    const redirectUri = params.get('redirect_uri') ?? app.callbackUrl;
    if (!isUnder(redirectUri, app.callbackUrl)) {
      return redirect(res, app.callbackUrl, {
        error: 'redirect_uri_mismatch',
        error_description: 'The redirect_uri MUST match the registered callback URL for this application.',
        error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#redirect-uri-mismatch',
        state,
      });
    }
    const login = req.headers[LOGIN_HEADER];
    const user = typeof login === 'string' ? users.get(login) : defaultUser;
    if (!user) return text(res, 400, 'no test user chosen: call authorize(url, user) or setUser(user)');
    if (req.headers[DENY_HEADER] === '1') {
      return redirect(res, redirectUri, {
        error: 'access_denied',
        error_description: 'The user has denied your application access.',
        error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied',
        state,
      });
    }
    const codeChallenge = params.get('code_challenge') ?? undefined;
    if (codeChallenge && params.get('code_challenge_method') !== 'S256') {
      return redirect(res, redirectUri, { error: 'invalid_request', error_description: 'Only S256 is supported.', state });
    }
    const code = randomBytes(10).toString('hex');
    const scopes = (params.get('scope') ?? '').split(/[\s,]+/).filter(Boolean);
    codes.set(code, { clientId: app.clientId, redirectUri, login: user.login, scopes, codeChallenge, expiresAt: Date.now() + CODE_TTL_MS });
    redirect(res, redirectUri, { code, state });
  }

  async function tokenEndpoint(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = new URLSearchParams(await readBody(req));
    const answer = (status: number, fields: Record<string, string>) => tokenResponse(req, res, status, fields);
    const error = (code: string, description: string, anchor = code.replaceAll('_', '-')) =>
      answer(200, { error: code, error_description: description, error_uri: `${TROUBLESHOOTING}#${anchor}` });

    const [clientId, clientSecret] = clientCredentials(req, body);
    const app = apps.get(clientId ?? '');
    if (!app || app.clientSecret !== clientSecret) {
      return error('incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.');
    }
    const code = body.get('code') ?? '';
    const issued = codes.get(code);
    if (!issued || issued.clientId !== app.clientId || issued.expiresAt < Date.now()) {
      return error('bad_verification_code', 'The code passed is incorrect or expired.');
    }
    codes.delete(code); // single use, whatever happens next
    const redirectUri = body.get('redirect_uri');
    if (redirectUri !== null && redirectUri !== issued.redirectUri) {
      return error('redirect_uri_mismatch', 'The redirect_uri MUST match the registered callback URL for this application.', 'redirect-uri-mismatch2');
    }
    if (issued.codeChallenge !== undefined) {
      const verifier = body.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== issued.codeChallenge) {
        return error('bad_verification_code', 'The code passed is incorrect or expired.');
      }
    }
    const accessToken = `gho_${randomBytes(18).toString('hex')}`;
    tokens.set(accessToken, { login: issued.login, scopes: issued.scopes });
    answer(200, { access_token: accessToken, token_type: 'bearer', scope: issued.scopes.join(',') });
  }

  function api(req: IncomingMessage, res: ServerResponse, path: string): void {
    if (!req.headers['user-agent']) {
      return text(res, 403, 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header.');
    }
    const authorization = /^(?:bearer|token)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!authorization) return json(res, 401, { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest', status: '401' });
    const token = tokens.get(authorization[1]);
    const user = token && users.get(token.login);
    if (!token || !user) return json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    res.setHeader('x-oauth-scopes', token.scopes.join(', '));
    if (path === '/user') {
      const publicEmail = user.emails.find((entry) => entry.visibility === 'public')?.email ?? null;
      return json(res, 200, {
        login: user.login,
        id: user.id,
        type: 'User',
        name: user.name ?? null,
        email: publicEmail,
        html_url: `https://github.com/${user.login}`,
        avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
      });
    }
    if (!token.scopes.some((scope) => scope === 'user:email' || scope === 'user')) {
      // One of the statuses GitHub documents for this endpoint; the point is that it is not a 200.
      return json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/users/emails', status: '404' });
    }
    json(res, 200, user.emails.map((entry) => ({ ...entry, visibility: entry.visibility ?? null })));
  }

  return {
    port: server.port,
    webUrl: server.origin,
    apiUrl: server.origin,
    authorizationEndpoint: `${server.origin}/login/oauth/authorize`,
    tokenEndpoint: `${server.origin}/login/oauth/access_token`,
    addApp(app) {
      apps.set(app.clientId, app);
    },
    async authorize(authorizationUrl, user, authorizeOptions = {}) {
      const headers: Record<string, string> = {};
      if (user) {
        users.set(user.login, user);
        headers[LOGIN_HEADER] = user.login;
      }
      if (authorizeOptions.deny) headers[DENY_HEADER] = '1';
      const response = await fetch(authorizationUrl, { redirect: 'manual', headers });
      const location = response.headers.get('location');
      if (response.status !== 302 || !location) {
        throw new Error(`the GitHub stand-in answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      }
      const url = new URL(location);
      const parameter = (name: string) => url.searchParams.get(name) ?? undefined;
      return {
        url,
        code: parameter('code'),
        state: parameter('state'),
        error: parameter('error'),
        errorDescription: parameter('error_description'),
      };
    },
    setUser(user) {
      if (user) users.set(user.login, user);
      defaultUser = user;
    },
    setMode: (mode, modeOptions) => server.setMode(mode, modeOptions),
    close: () => server.close(),
  };
}

/** GitHub's token endpoint answers JSON only when asked to; form-encoded is its default. */
function tokenResponse(req: IncomingMessage, res: ServerResponse, status: number, fields: Record<string, string>): void {
  if ((req.headers.accept ?? '').includes('application/json')) return json(res, status, fields);
  res.writeHead(status, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
  res.end(new URLSearchParams(fields).toString());
}

/** Client credentials from the body (as GitHub documents) or from HTTP Basic (which it also accepts). */
function clientCredentials(req: IncomingMessage, body: URLSearchParams): [string | undefined, string | undefined] {
  const basic = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
  }
  return [body.get('client_id') ?? undefined, body.get('client_secret') ?? undefined];
}

/** GitHub's rule: same scheme, host and port as the callback URL, and a path at or below its path. */
function isUnder(redirectUri: string, callbackUrl: string): boolean {
  if (!URL.canParse(redirectUri)) return false;
  const candidate = new URL(redirectUri);
  const registered = new URL(callbackUrl);
  if (candidate.origin !== registered.origin) return false;
  const base = registered.pathname.endsWith('/') ? registered.pathname : `${registered.pathname}/`;
  return candidate.pathname === registered.pathname || candidate.pathname.startsWith(base);
}

function redirect(res: ServerResponse, to: string, params: Record<string, string | undefined>): void {
  const url = new URL(to);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  res.writeHead(302, { location: url.href, 'content-length': '0' });
  res.end();
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
