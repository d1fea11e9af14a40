import { describe, expect, it } from 'vitest';
import { afterFailure, expiryOf, MAX_RETRY_DELAY_MS } from '../../src/infra/mail/deliveryPolicy';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 30) + ms);

describe('mail delivery policy', () => {
  it('backs off exponentially from the base, capped at five minutes', () => {
    const expiresAt = at(86_400_000);
    const delays = [1, 2, 3, 4, 20].map((attempts) => (afterFailure({ attempts, expiresAt }, at(0), 1000) as { at: Date }).at.getTime() - at(0).getTime());
    expect(delays).toEqual([1000, 2000, 4000, 8000, MAX_RETRY_DELAY_MS]);
  });

  it('never gives up for the number of failures, only once the message has expired', () => {
    const expiresAt = at(60_000);
    expect(afterFailure({ attempts: 500, expiresAt }, at(1000), 10).kind).toBe('retry');
    expect(afterFailure({ attempts: 1, expiresAt }, at(60_000), 10)).toEqual({ kind: 'give-up' });
    // A retry that would fall after the deadline happens at the deadline instead.
    expect(afterFailure({ attempts: 30, expiresAt }, at(59_000), 1000)).toEqual({ kind: 'retry', at: expiresAt });
  });

  it('lets a message live as long as its link, at most the maximum age', () => {
    expect(expiryOf(at(0), 86_400, 1800)).toEqual(at(1_800_000));
    expect(expiryOf(at(0), 3600, 86_400)).toEqual(at(3_600_000));
    expect(expiryOf(at(0), 3600)).toEqual(at(3_600_000));
  });
});
