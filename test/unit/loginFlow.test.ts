import { describe, expect, it } from 'vitest';
import { AttemptLimits } from '../../src/core/AttemptLimits';
import type { ViewerContext } from '../../src/core/context';
import type { AccountEvent, Tx } from '../../src/core/events';
import { MemoryRateLimiter } from '../../src/infra/memory/MemoryRateLimiter';
import { LoginFlow } from '../../src/login/LoginFlow';
import { ReAuthenticator, type ReauthFactor } from '../../src/login/ReAuthenticator';
import type { SessionService, SignedIn } from '../../src/sessions/SessionService';
import type { User } from '../../src/users/User';

/** What the flow did, in order. */
function fakes(verified: boolean) {
  const steps: string[] = [];
  const user = { id: 'u1', email: 'ada@example.com', emailVerified: verified } as User;
  const sessions = {
    open: async (_tx: Tx, _user: User, authentication: { methods: readonly string[]; at: Date }) => {
      steps.push(`open ${authentication.methods.join('+')} at ${authentication.at.toISOString()}`);
      return {
        sessionId: 's1',
        issue: async () => {
          steps.push('tokens to Redis');
          return { kind: 'signed-in', sessionId: 's1' } as unknown as SignedIn;
        },
      };
    },
  } as unknown as SessionService;
  const tx = {
    origin: { at: new Date('2026-11-30T12:00:00Z'), context: { requestId: 'r', client: {} } },
    publish: async (event: AccountEvent) => void steps.push(`publish ${event.type}`),
  } as unknown as Tx;
  return { steps, user, sessions, tx };
}

describe('LoginFlow', () => {
  it('opens the one session, records how and when, publishes signed-in, and reaches Redis last', async () => {
    const { steps, user, sessions, tx } = fakes(true);
    const outcome = await new LoginFlow(sessions, { requireEmailVerification: true }).complete(tx, user, { methods: ['pwd'] });
    expect(outcome.kind).toBe('signed-in');
    expect(steps).toEqual(['open pwd at 2026-11-30T12:00:00.000Z', 'publish signed-in', 'tokens to Redis']);
  });

  it('opens nothing for an unverified address when verification is required', async () => {
    const { steps, user, sessions, tx } = fakes(false);
    const outcome = await new LoginFlow(sessions, { requireEmailVerification: true }).complete(tx, user, { methods: ['pwd'] });
    expect(outcome).toMatchObject({ kind: 'failure', code: 'EMAIL_NOT_VERIFIED' });
    expect(steps).toEqual([]);
    expect((await new LoginFlow(sessions, { requireEmailVerification: false }).complete(tx, user, { methods: ['pwd'] })).kind).toBe('signed-in');
  });
});

describe('ReAuthenticator', () => {
  const minute = 60_000;
  const now = Date.parse('2026-11-30T12:00:00Z');
  const viewer = (signedInMinutesAgo: number): ViewerContext => ({
    requestId: 'r',
    client: {},
    viewer: { userId: 'u1', sessionId: 's1', jti: 'j', expiresAt: new Date(now + minute), amr: ['hwk'], authTime: new Date(now - signedInMinutesAgo * minute) },
  });
  const user = { id: 'u1' } as User;
  const password = (enrolled: boolean): ReauthFactor => ({
    offered: (proof) => proof.password !== undefined,
    enrolled: async () => enrolled,
    verify: async (_user, proof) => proof.password === 'right',
  });
  const make = (factor: ReauthFactor) => {
    const limits = new AttemptLimits(new MemoryRateLimiter(() => now), { enabled: true, windowSeconds: 900 }, new Uint8Array(32));
    const reauth = new ReAuthenticator(limits, { name: 'current', limit: 3 }, 10 * 60, () => now);
    reauth.register(factor);
    return reauth;
  };

  it('accepts the right factor and refuses a wrong one, counting the refusals per user', async () => {
    const reauth = make(password(true));
    expect(await reauth.verify(viewer(600), user, { password: 'right' })).toBeNull();
    for (let i = 0; i < 3; i++) expect(await reauth.verify(viewer(600), user, { password: 'wrong' })).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    // Past the limit even the right one is refused without being checked.
    expect(await reauth.verify(viewer(600), user, { password: 'right' })).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('lets an account without the factor rely on a recent sign-in (auth_time), and only a recent one', async () => {
    const reauth = make(password(false));
    expect(await reauth.verify(viewer(5), user, {})).toBeNull();
    expect(await reauth.verify(viewer(11), user, {})).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    // An account that has a password must give it, however recent its sign-in.
    expect(await make(password(true)).verify(viewer(1), user, {})).toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });
});

describe('AttemptLimits', () => {
  it('counts per rule and key, refuses past the limit, peeks without counting, forgets on reset, and can be off', async () => {
    let clock = 0;
    const counters = new MemoryRateLimiter(() => clock);
    const limits = new AttemptLimits(counters, { enabled: true, windowSeconds: 60 }, new Uint8Array(32));
    const rule = { name: 'register', limit: 2 };
    const ip = limits.address('2001:db8:1:2:3:4:5:6');
    expect(ip).toBe(limits.address('2001:db8:1:2:ffff::1')); // one /64, one key
    expect(await limits.hit(rule, ip)).toBeNull();
    expect(await limits.peek(rule, ip)).toBeNull();
    expect(await limits.hit(rule, ip)).toBeNull();
    expect(await limits.peek(rule, ip)).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 60 });
    expect(await limits.hit(rule, ip)).toMatchObject({ code: 'RATE_LIMITED' });
    expect(await limits.hit({ name: 'reset', limit: 2 }, ip)).toBeNull(); // another rule, another count
    await limits.reset(rule, ip);
    expect(await limits.hit(rule, ip)).toBeNull();
    clock += 61_000;
    expect(await limits.peek(rule, ip)).toBeNull();
    // Accounts are keyed digests of the address: the same for any case, never the address itself.
    expect(limits.account('ada@example.com')).not.toContain('ada');
    const off = new AttemptLimits(counters, { enabled: false, windowSeconds: 60 }, new Uint8Array(32));
    for (let i = 0; i < 5; i++) expect(await off.hit(rule, ip)).toBeNull();
  });
});
