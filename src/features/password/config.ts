import type { EnvReader } from '../../config/env';

export interface PasswordSettings {
  /** bcrypt work factor; each step doubles the time per hash. */
  readonly bcryptCost: number;
  /** Lifetime of a password reset link. */
  readonly resetTtlSeconds: number;
  readonly limits: {
    /** Failed logins per client address per window. */
    readonly loginPerIp: number;
    readonly registerPerIp: number;
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
      loginPerIp: env.int('RATE_LIMIT_LOGIN_PER_IP', 50, 1, 1000000),
      registerPerIp: env.int('RATE_LIMIT_REGISTER_PER_IP', 20, 1, 1000000),
      resetPerIp: env.int('RATE_LIMIT_RESET_PER_IP', 20, 1, 1000000),
    },
  };
}
