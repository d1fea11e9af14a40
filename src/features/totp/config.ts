import { randomBytes } from 'node:crypto';
import type { EnvReader } from '../../config/env';

export interface TotpSettings {
  /** Encrypt TOTP secrets at rest: the first encrypts, all decrypt (rotation). */
  readonly encryptionKeys: readonly Uint8Array[];
  /** True when no key was configured and one was made for this process (development only). */
  readonly keyGenerated: boolean;
  /** Shown by authenticator apps next to the account: the service's name. */
  readonly issuer: string;
}

/**
 * TOTP_ENCRYPTION_KEY: 32 bytes, as 64 hex digits or base64/base64url; several, comma-separated, to
 * rotate (new values use the first; old ones still decrypt with the others). Required in production:
 * without it, every secret set up would be unreadable after a restart.
 */
export function totpConfig(env: EnvReader): TotpSettings {
  const raw = env.get('TOTP_ENCRYPTION_KEY');
  const issuer = env.get('TOTP_ISSUER') ?? 'graphql-auth-service';
  if (issuer.includes(':')) env.problem('TOTP_ISSUER must not contain ":" (it separates issuer and account in authenticator apps)');
  if (raw === undefined) {
    if (env.isProduction) env.problem('TOTP_ENCRYPTION_KEY is required when NODE_ENV=production (32 bytes: 64 hex digits or base64)');
    else env.warn('TOTP_ENCRYPTION_KEY is not set: a random key for this process; authenticator apps set up now stop working after a restart');
    return { encryptionKeys: [randomBytes(32)], keyGenerated: true, issuer };
  }
  const keys: Uint8Array[] = [];
  for (const [index, text] of raw.split(',').map((part) => part.trim()).entries()) {
    const key = decodeKey(text);
    // Never echo the value: it is the key.
    if (!key) env.problem(`TOTP_ENCRYPTION_KEY entry ${index + 1} is not 32 bytes written as 64 hex digits or base64`);
    else keys.push(key);
  }
  return { encryptionKeys: keys.length > 0 ? keys : [randomBytes(32)], keyGenerated: false, issuer };
}

function decodeKey(text: string): Uint8Array | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return bytes;
  }
  return undefined;
}
