import { createHash } from 'node:crypto';
import type { RateLimiter } from '../auth/RateLimiter';
import type { Config } from '../config';
import { RateLimitedError } from '../errors';

type Limits = NonNullable<Config['rateLimits']>;

/**
 * Brute-force and abuse limits, counted in Redis so every instance shares them. Each attempt is counted
 * before anything is checked, so a blocked attempt costs no bcrypt work and reveals nothing.
 *
 * - login: per account (the normalised email, so case variants share one counter; unknown emails are
 *   counted exactly like known ones) and per client address; a successful login clears the account's
 *   counter. A per-account limit lets anyone lock an account out for one window: that is the accepted
 *   price of stopping password guessing on it.
 * - register, password reset requests and refreshes: per client address.
 *
 * The client address is the socket peer unless TRUST_PROXY_HOPS says proxies are in front, so rotating
 * X-Forwarded-For buys nothing.
 */
export class AttemptLimits {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly limits: Limits | undefined,
  ) {}

  async login(email: string, ip: string | undefined): Promise<RateLimitedError | null> {
    if (!this.limits) return null;
    return this.first([
      this.hit(`login:acct:${digest(email)}`, this.limits.loginPerAccount),
      this.hit(`login:ip:${ip ?? 'unknown'}`, this.limits.loginPerIp),
    ]);
  }

  async loginSucceeded(email: string): Promise<void> {
    if (this.limits) await this.limiter.reset(`login:acct:${digest(email)}`);
  }

  register(ip: string | undefined) {
    return this.limits ? this.first([this.hit(`register:ip:${ip ?? 'unknown'}`, this.limits.registerPerIp)]) : null;
  }

  reset(ip: string | undefined) {
    return this.limits ? this.first([this.hit(`reset:ip:${ip ?? 'unknown'}`, this.limits.resetPerIp)]) : null;
  }

  refresh(ip: string | undefined) {
    return this.limits ? this.first([this.hit(`refresh:ip:${ip ?? 'unknown'}`, this.limits.refreshPerIp)]) : null;
  }

  private hit(key: string, limit: number) {
    return this.limiter.hit(key, limit, this.limits!.windowSeconds);
  }

  /** Every counter is hit (all attempts count); the longest wait among those exceeded is reported. */
  private async first(hits: Array<Promise<{ allowed: boolean; retryAfterSeconds: number }>>) {
    const results = await Promise.all(hits);
    const blocked = results.filter((r) => !r.allowed);
    return blocked.length > 0 ? new RateLimitedError(Math.max(...blocked.map((r) => r.retryAfterSeconds))) : null;
  }
}

// Keys carry a digest, not the address: Redis key listings do not become a list of emails.
const digest = (email: string) => createHash('sha256').update(email).digest('hex').slice(0, 32);
