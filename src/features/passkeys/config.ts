import { isIP } from 'node:net';
import type { EnvReader } from '../../config/env';

export interface PasskeysSettings {
  /** The domain passkeys are bound to (WebAuthn's RP ID): the site's registrable domain or a parent of the page's host. */
  readonly rpId: string;
  /** The name authenticators show next to the account. */
  readonly rpName: string;
  /** The exact origins (scheme, host, port) whose pages may run a ceremony, or Android app origins. */
  readonly origins: readonly string[];
  readonly limits: {
    /** Challenges handed to anonymous callers (sign-in, new account, second step) per client address per window. */
    readonly challengesPerIp: number;
  };
}

/** What the demo page (examples/web, served by vite) is opened as in development. */
const DEVELOPMENT_ORIGIN = 'http://localhost:5173';
const ANDROID_ORIGIN = /^android:apk-key-hash:[A-Za-z0-9_-]{43}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * WEBAUTHN_RP_ID, WEBAUTHN_RP_NAME and WEBAUTHN_ORIGINS. Required in production: a passkey is bound to
 * its RP ID for life (a new one orphans every passkey made under the old), and a wrong list of origins
 * either refuses every ceremony or trusts a page it should not. In development they default to
 * `localhost` and the demo page's origin.
 *
 * Each origin is checked the way browsers will: only over HTTPS (or on localhost), which is a start-up
 * error otherwise, not a mystery at the first sign-in. A page may use an RP ID that is its host or a
 * parent domain of it; an origin on another domain works only through Related Origin Requests (the
 * RP ID's site lists it at /.well-known/webauthn), so it is allowed with a warning.
 */
export function passkeysConfig(env: EnvReader): PasskeysSettings {
  const required = (name: string, example: string) => {
    if (env.isProduction && env.get(name) === undefined) env.problem(`${name} is required when NODE_ENV=production (${example})`);
  };
  required('WEBAUTHN_RP_ID', 'the domain passkeys are bound to, e.g. example.com');
  required('WEBAUTHN_RP_NAME', 'the name authenticators show, e.g. Example');
  required('WEBAUTHN_ORIGINS', 'the exact origins of the pages that use passkeys, e.g. https://app.example.com');

  const rpId = env.get('WEBAUTHN_RP_ID') ?? 'localhost';
  // Browsers refuse an IP address as RP ID (WebAuthn section 5.1.3 takes a domain), so 127.0.0.1 can never work.
  if (!DOMAIN.test(rpId) || isIP(rpId)) env.problem(`WEBAUTHN_RP_ID must be a lower-case domain name without scheme or port, not an IP address (got "${rpId}")`);
  const rpName = env.get('WEBAUTHN_RP_NAME') ?? 'graphql-auth-service';
  if (rpName.length > 100) env.problem('WEBAUTHN_RP_NAME must be at most 100 characters');

  const origins = (env.get('WEBAUTHN_ORIGINS') ?? DEVELOPMENT_ORIGIN).split(',').map((o) => o.trim()).filter(Boolean);
  if (origins.length === 0) env.problem('WEBAUTHN_ORIGINS must list at least one origin');
  for (const origin of origins) {
    const problem = originProblem(origin);
    if (problem) env.problem(`WEBAUTHN_ORIGINS entry "${origin}" ${problem}`);
    else if (!origin.startsWith('android:') && !onRpId(new URL(origin).hostname, rpId)) {
      env.warn(
        `WEBAUTHN_ORIGINS entry "${origin}" is not on WEBAUTHN_RP_ID "${rpId}" or a subdomain of it: browsers accept it only ` +
          `through Related Origin Requests (https://${rpId}/.well-known/webauthn must list it), and older browsers never`,
      );
    }
  }
  return {
    rpId,
    rpName,
    origins,
    limits: { challengesPerIp: env.int('RATE_LIMIT_PASSKEY_CHALLENGES_PER_IP', 300, 1, 1000000) },
  };
}

function originProblem(origin: string): string | undefined {
  // An Android app's origin: the SHA-256 of its signing certificate (Digital Asset Links bind it to the domain).
  if (origin.startsWith('android:')) return ANDROID_ORIGIN.test(origin) ? undefined : 'is not android:apk-key-hash: and 43 base64url characters';
  if (!URL.canParse(origin) || new URL(origin).origin !== origin) return 'is not an origin like https://app.example.com (scheme, host, port; no path)';
  const { protocol, hostname } = new URL(origin);
  const local = hostname === 'localhost' || hostname.endsWith('.localhost');
  if (protocol !== 'https:' && !(protocol === 'http:' && local)) return 'must use https (browsers allow passkeys over http only on localhost)';
  return undefined;
}

/** Whether a page on this host may use the RP ID without more (its host, or a parent domain of it). */
function onRpId(hostname: string, rpId: string): boolean {
  return hostname === rpId || hostname.endsWith(`.${rpId}`);
}
