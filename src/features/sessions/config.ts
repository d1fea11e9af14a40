import type { EnvReader } from '../../config/env';

export interface SessionsSettings {
  readonly limits: {
    /** Failed refreshes per client address per window. */
    readonly refreshPerIp: number;
  };
  /** The refresh-token cookie, for browser apps that ask for it (`X-Refresh-Token-Transport: cookie`). */
  readonly refreshCookie: {
    /** The path the browser sends it to: the GraphQL endpoint as the browser sees it. */
    readonly path: string;
    readonly sameSite: 'Strict' | 'Lax' | 'None';
  };
}

export function sessionsConfig(env: EnvReader): SessionsSettings {
  const cookiePath = env.get('REFRESH_COOKIE_PATH') ?? '/graphql';
  if (!/^\/[\x21-\x3a\x3c-\x7e]*$/.test(cookiePath)) env.problem('REFRESH_COOKIE_PATH must be a URL path starting with / (no ; or spaces)');
  const sameSite = env.oneOf('REFRESH_COOKIE_SAME_SITE', ['strict', 'lax', 'none'], 'strict');
  return {
    limits: { refreshPerIp: env.int('RATE_LIMIT_REFRESH_PER_IP', 600, 1, 1000000) },
    refreshCookie: { path: cookiePath, sameSite: ({ strict: 'Strict', lax: 'Lax', none: 'None' } as const)[sameSite] },
  };
}
