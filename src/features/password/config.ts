import type { EnvReader } from '../../config/env';

export interface PasswordSettings {
  /** bcrypt work factor; each step doubles the time per hash. */
  readonly bcryptCost: number;
  /** Lifetime of a password reset link. */
  readonly resetTtlSeconds: number;
  /** (Failed logins and registrations per address are the core's: every sign-in method shares them.) */
  readonly limits: {
    /** Reset requests and reset-link submissions per client address per window. */
    readonly resetPerIp: number;
  };
}

export function passwordConfig(env: EnvReader): PasswordSettings {
  return {
    // bcrypt cost 4 is the algorithm's minimum; tests use it. 12 is ~280 ms per hash on a 2-core box.
    bcryptCost: env.int('BCRYPT_COST', 12, 4, 16),
    resetTtlSeconds: env.duration('PASSWORD_RESET_TTL', 30 * 60, 60, 86400),
    limits: {
      resetPerIp: env.int('RATE_LIMIT_RESET_PER_IP', 20, 1, 1000000),
    },
  };
}
