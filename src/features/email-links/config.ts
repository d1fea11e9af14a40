import type { EnvReader } from '../../config/env';

export interface EmailLinkSettings {
  readonly verifyEmailTtlSeconds: number;
  readonly changeEmailTtlSeconds: number;
  readonly limits: {
    /** Verification links asked for by address, per client address per window. */
    readonly verifyPerIp: number;
    /** ... and per email address per window. */
    readonly verifyPerAddress: number;
  };
}

export function emailLinkConfig(env: EnvReader): EmailLinkSettings {
  return {
    verifyEmailTtlSeconds: env.duration('EMAIL_VERIFICATION_TTL', 24 * 3600, 60, 30 * 86400),
    changeEmailTtlSeconds: env.duration('EMAIL_CHANGE_TTL', 24 * 3600, 60, 30 * 86400),
    limits: {
      verifyPerIp: env.int('RATE_LIMIT_VERIFY_PER_IP', 20, 1, 1000000),
      verifyPerAddress: env.int('RATE_LIMIT_VERIFY_PER_ADDRESS', 3, 1, 10000),
    },
  };
}
