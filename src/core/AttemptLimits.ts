import { createHmac } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { RateLimiter } from './RateLimiter';
import { failures, type RateLimited } from './results';

/** One kind of attempt and how many of it a key may make per window. Features declare theirs. */
export interface LimitRule {
  /** Names the counter (`login`, `register`...): part of its Redis key. */
  readonly name: string;
  readonly limit: number;
}

export interface LimitSettings {
  /** False when RATE_LIMITS=off (development only): nothing is counted. */
  readonly enabled: boolean;
  /** The fixed window every limit counts in. */
  readonly windowSeconds: number;
}

/**
 * Brute-force and abuse limits, counted in Redis so every instance shares them (in the process with
 * the zero-config store). A feature declares its rules (`LimitRule`) and counts attempts against a key:
 * a client address (`address(ip)`), an account (`account(email)`) or a user (`user:<id>`).
 *
 * `hit` counts an attempt and refuses it past the limit, atomically (no check-then-increment gap);
 * `peek` refuses when a key is already at its limit without counting, for limits that only failures
 * count against; `reset` forgets a key's attempts (a success clears an account's failures).
 *
 * The client address is the socket peer unless TRUST_PROXY_HOPS says proxies are in front, so rotating
 * X-Forwarded-For buys nothing; IPv6 addresses count per /64, the block one subscriber usually holds.
 * Account keys are keyed digests of the normalised email, so a Redis key listing cannot be matched
 * against a list of addresses, and unknown emails count exactly like known ones.
 */
export class AttemptLimits {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly settings: LimitSettings,
    /** Keys the account digests. */
    private readonly keySecret: Uint8Array,
  ) {}

  async hit(rule: LimitRule, key: string): Promise<RateLimited | null> {
    if (!this.settings.enabled) return null;
    const outcome = await this.limiter.hit(`${rule.name}:${key}`, rule.limit, this.settings.windowSeconds);
    return outcome.allowed ? null : failures.rateLimited(outcome.retryAfterSeconds);
  }

  async peek(rule: LimitRule, key: string): Promise<RateLimited | null> {
    if (!this.settings.enabled) return null;
    const outcome = await this.limiter.peek(`${rule.name}:${key}`, rule.limit);
    return outcome.allowed ? null : failures.rateLimited(outcome.retryAfterSeconds);
  }

  async reset(rule: LimitRule, key: string): Promise<void> {
    if (this.settings.enabled) await this.limiter.reset(`${rule.name}:${key}`);
  }

  /** The key of a client address. */
  address(ip: string | undefined): string {
    return `ip:${addressKey(ip)}`;
  }

  /** The key of an account named by its (normalised) email, whether or not it exists. */
  account(email: string): string {
    return `acct:${createHmac('sha256', this.keySecret).update(`rate-limit:${email}`).digest('hex').slice(0, 32)}`;
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
