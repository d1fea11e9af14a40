import { createHmac } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { RateLimiter } from './RateLimiter';
import type { Config } from '../config/index';
import { RateLimitedError } from '../graphql/errors';

type Limits = NonNullable<Config['rateLimits']>;
type Outcome = { allowed: boolean; retryAfterSeconds: number };

/**
 * Brute-force and abuse limits, counted in Redis so every instance shares them.
 *
 * - Password checks (login, and the current-password checks of changePassword, requestEmailChange and
 *   deleteAccount): per account, counted atomically before anything is checked, so a blocked guess
 *   costs no bcrypt work and reveals nothing; a success clears the account's counter (so does a
 *   password reset). The account key is the normalised email (case variants share it; unknown emails
 *   count like known ones) or the user id.
 * - Failed logins and failed refreshes: per client address, consulted first. An address over its limit
 *   is refused before any account counter is touched, so one address cannot lock out many accounts;
 *   successes do not count, so a shared NAT is not punished for its users' logins.
 * - register, password reset requests and reset-link submissions: per client address.
 * - verification links asked for by address: per client address and per email address.
 *
 * The client address is the socket peer unless TRUST_PROXY_HOPS says proxies are in front, so rotating
 * X-Forwarded-For buys nothing; IPv6 addresses count per /64, the block one subscriber usually holds.
 */
export class AttemptLimits {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly limits: Limits | undefined,
    /** Keys the account digests, so a Redis key listing cannot be matched against a list of emails. */
    private readonly keySecret: Uint8Array,
  ) {}

  async login(email: string, ip: string | undefined): Promise<RateLimitedError | null> {
    if (!this.limits) return null;
    const address = await this.limiter.peek(`login-fail:ip:${addressKey(ip)}`, this.limits.loginPerIp);
    if (!address.allowed) return new RateLimitedError(address.retryAfterSeconds);
    return this.refused(await this.hit(`login:acct:${this.digest(email)}`, this.limits.loginPerAccount));
  }

  async loginFailed(ip: string | undefined): Promise<void> {
    if (this.limits) await this.hit(`login-fail:ip:${addressKey(ip)}`, this.limits.loginPerIp);
  }

  async loginSucceeded(email: string): Promise<void> {
    if (this.limits) await this.limiter.reset(`login:acct:${this.digest(email)}`);
  }

  /** A re-check of the signed-in user's current password. */
  async currentPassword(userId: string): Promise<RateLimitedError | null> {
    if (!this.limits) return null;
    return this.refused(await this.hit(`current:user:${userId}`, this.limits.loginPerAccount));
  }

  async currentPasswordSucceeded(userId: string): Promise<void> {
    if (this.limits) await this.limiter.reset(`current:user:${userId}`);
  }

  register(ip: string | undefined) {
    return this.perAddress('register', ip, (l) => l.registerPerIp);
  }

  /** Reset requests and reset-link submissions share one budget per address. */
  reset(ip: string | undefined) {
    return this.perAddress('reset', ip, (l) => l.resetPerIp);
  }

  /**
   * Verification links asked for by address: per client address, then per email address. Unknown
   * addresses count like known ones, so being limited says nothing about whether an account exists.
   */
  async verificationByAddress(ip: string | undefined, email: string): Promise<RateLimitedError | null> {
    if (!this.limits) return null;
    const address = this.refused(await this.hit(`verify:ip:${addressKey(ip)}`, this.limits.verifyPerIp));
    return address ?? this.refused(await this.hit(`verify:acct:${this.digest(email)}`, this.limits.verifyPerAddress));
  }

  async refresh(ip: string | undefined): Promise<RateLimitedError | null> {
    if (!this.limits) return null;
    const address = await this.limiter.peek(`refresh-fail:ip:${addressKey(ip)}`, this.limits.refreshPerIp);
    return address.allowed ? null : new RateLimitedError(address.retryAfterSeconds);
  }

  async refreshFailed(ip: string | undefined): Promise<void> {
    if (this.limits) await this.hit(`refresh-fail:ip:${addressKey(ip)}`, this.limits.refreshPerIp);
  }

  private async perAddress(kind: string, ip: string | undefined, limit: (l: Limits) => number) {
    if (!this.limits) return null;
    return this.refused(await this.hit(`${kind}:ip:${addressKey(ip)}`, limit(this.limits)));
  }

  private hit(key: string, limit: number): Promise<Outcome> {
    return this.limiter.hit(key, limit, this.limits!.windowSeconds);
  }

  private refused(outcome: Outcome): RateLimitedError | null {
    return outcome.allowed ? null : new RateLimitedError(outcome.retryAfterSeconds);
  }

  private digest(email: string): string {
    return createHmac('sha256', this.keySecret).update(`rate-limit:${email}`).digest('hex').slice(0, 32);
  }
}

/** The address a limit counts against: IPv4 as is, IPv6 by its /64 prefix. */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}
