import type { EnvReader } from '../../config/env';

export interface AccountSettings {
  /** How long `me` may answer from the profile cached in Redis; 0 turns the cache off. */
  readonly profileCacheTtlSeconds: number;
}

export function accountConfig(env: EnvReader): AccountSettings {
  return { profileCacheTtlSeconds: env.duration('PROFILE_CACHE_TTL', 300, 0, 24 * 3600) };
}
