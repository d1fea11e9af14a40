import type { EnvReader } from '../../config/env';

export interface SecurityLogSettings {
  /** How long entries are kept. */
  readonly retentionSeconds: number;
}

export function securityLogConfig(env: EnvReader): SecurityLogSettings {
  return { retentionSeconds: env.duration('SECURITY_LOG_RETENTION', 180 * 86400, 86400, 10 * 365 * 86400) };
}
