import { describe, expect, it } from 'vitest';
import { AttemptLimits } from '../../src/core/AttemptLimits';
import type { ViewerContext } from '../../src/core/context';
import type { AccountEvent, Tx } from '../../src/core/events';
import { MemoryRateLimiter } from '../../src/infra/memory/MemoryRateLimiter';
import type { Transactions } from '../../src/core/Transactions';
import { MemoryEphemeralStore } from '../../src/infra/memory/MemoryEphemeralStore';
import { LoginFlow } from '../../src/login/LoginFlow';
import { SecondFactorTickets } from '../../src/login/SecondFactors';
import { SignInMethods } from '../../src/login/SignInMethods';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ReAuthenticator, type ReauthFactor } from '../../src/login/ReAuthenticator';
import type { SessionService, SignedIn } from '../../src/sessions/SessionService';
import type { User } from '../../src/users/User';

/** What the flow did, in order, against fakes of the database and sessions; real limits and tickets. */
function fakes(verified: boolean, options: { secondFactors?: string[] } = {}) {
  let clock = Date.parse('2026-11-30T12:00:00Z');
  const now = () => clock;
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
    em: { findOne: async () => user, execute: async () => [{ id: user.id }], map: () => user },
    origin: { at: new Date(clock), context: { requestId: 'r', client: {} } },
    publish: async (event: AccountEvent) => void steps.push(`publish ${event.type}`),
  } as unknown as Tx;
  const transactions = { run: async <T>(_ctx: unknown, work: (tx: Tx) => Promise<T>) => work(tx) } as unknown as Transactions;
  const limits = new AttemptLimits(new MemoryRateLimiter(now), { enabled: true, windowSeconds: 900 }, new Uint8Array(32));
  const store = new MemoryEphemeralStore(now);
  const flow = (requireEmailVerification = true, checksPerAccount = 100) => {
    const made = new LoginFlow(sessions, transactions, new SecondFactorTickets(store, now), limits, { requireEmailVerification, checksPerAccount });
    if (options.secondFactors) made.registerSecondFactor({ methodsFor: async () => options.secondFactors!, forgetAll: async () => 0 });
    return made;
  };
  return { steps, user, tx, flow, store, tick: (ms: number) => (clock += ms) };
}

const ctx = { requestId: 'r', client: {} };
/** A second factor that is right for `right`, as a module's check would be. */
const codeCheck = (code: string) => async () => (code === 'right' ? ['otp'] : null);

describe('LoginFlow', () => {
  it('opens the one session, records how and when, publishes signed-in, and reaches Redis last', async () => {
    const { steps, user, tx, flow } = fakes(true);
    const outcome = await flow().complete(tx, user, { methods: ['pwd'] });
    expect(outcome.kind).toBe('signed-in');
    expect(steps).toEqual(['open pwd at 2026-11-30T12:00:00.000Z', 'publish signed-in', 'tokens to Redis']);
  });

  it('opens nothing for an unverified address when verification is required', async () => {
    const { steps, user, tx, flow } = fakes(false);
    const outcome = await flow().complete(tx, user, { methods: ['pwd'] });
    expect(outcome).toMatchObject({ kind: 'failure', code: 'EMAIL_NOT_VERIFIED' });
    expect(steps).toEqual([]);
    expect((await flow(false).complete(tx, user, { methods: ['pwd'] })).kind).toBe('signed-in');
  });

  it('asks for a second factor the account has, with a ticket, and opens nothing until it is right', async () => {
    const { steps, user, tx, flow } = fakes(true, { secondFactors: ['TOTP', 'RECOVERY_CODE'] });
    const login = flow();
    const outcome = await login.complete(tx, user, { methods: ['pwd'] });
    if (outcome.kind !== 'second-factor-required') throw new Error(`expected a ticket, got ${outcome.kind}`);
    expect(outcome.methods).toEqual(['TOTP', 'RECOVERY_CODE']);
    expect(outcome.ticket).toMatch(/^mfa_[\w-]{43}$/);
    expect(outcome.expiresAt.toISOString()).toBe('2026-11-30T12:05:00.000Z');
    expect(steps).toEqual([]);

    expect(await login.continueWithTicket(ctx, outcome.ticket, codeCheck('wrong'))).toMatchObject({ code: 'INVALID_SECOND_FACTOR' });
    expect(steps).toEqual(['publish sign-in-failed']);
    expect(await login.continueWithTicket(ctx, outcome.ticket, codeCheck('right'))).toMatchObject({ kind: 'signed-in' });
    // The primary method's amr and the second factor's, in one session.
    expect(steps.slice(1)).toEqual(['open pwd+otp at 2026-11-30T12:00:00.000Z', 'publish signed-in', 'tokens to Redis']);
    // Single use.
    expect(await login.continueWithTicket(ctx, outcome.ticket, codeCheck('right'))).toMatchObject({ code: 'INVALID_TICKET' });
  });

  it('skips the second factor for a proof that is already more than one (a passkey with user verification)', async () => {
    const { user, tx, flow } = fakes(true, { secondFactors: ['TOTP'] });
    expect((await flow().complete(tx, user, { methods: ['hwk', 'user'], multiFactor: true })).kind).toBe('signed-in');
  });

  it('kills a ticket after five wrong codes, and at five minutes', async () => {
    const { user, tx, flow, tick } = fakes(true, { secondFactors: ['TOTP'] });
    const login = flow();
    const first = (await login.complete(tx, user, { methods: ['pwd'] })) as { ticket: string };
    for (let i = 0; i < 5; i++) expect(await login.continueWithTicket(ctx, first.ticket, codeCheck('wrong'))).toMatchObject({ code: 'INVALID_SECOND_FACTOR' });
    expect(await login.continueWithTicket(ctx, first.ticket, codeCheck('right'))).toMatchObject({ code: 'INVALID_TICKET' });

    const second = (await login.complete(tx, user, { methods: ['pwd'] })) as { ticket: string };
    tick(5 * 60_000);
    expect(await login.continueWithTicket(ctx, second.ticket, codeCheck('right'))).toMatchObject({ code: 'INVALID_TICKET' });
    expect(await login.continueWithTicket(ctx, 'mfa_made-up', codeCheck('right'))).toMatchObject({ code: 'INVALID_TICKET' });
  });

  it("counts second-factor tries against the account's login limit, which only a session clears", async () => {
    const { user, tx, flow } = fakes(true, { secondFactors: ['TOTP'] });
    const login = flow(true, 3);
    expect(await login.countAttempt(user.email)).toBeNull(); // the password try
    const { ticket } = (await login.complete(tx, user, { methods: ['pwd'] })) as { ticket: string };
    expect(await login.continueWithTicket(ctx, ticket, codeCheck('wrong'))).toMatchObject({ code: 'INVALID_SECOND_FACTOR' });
    expect(await login.continueWithTicket(ctx, ticket, codeCheck('wrong'))).toMatchObject({ code: 'INVALID_SECOND_FACTOR' });
    // Three tries on the account: the fourth is refused before the code is looked at, right or not.
    expect(await login.continueWithTicket(ctx, ticket, codeCheck('right'))).toMatchObject({ code: 'RATE_LIMITED' });
    expect(await login.countAttempt(user.email)).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('opens one session for two right answers with one ticket at once; the other rolls back', async () => {
    const { user, tx, flow } = fakes(true, { secondFactors: ['TOTP'] });
    const login = flow();
    const { ticket } = (await login.complete(tx, user, { methods: ['pwd'] })) as { ticket: string };
    const outcomes = await Promise.all([1, 2].map(() => login.continueWithTicket(ctx, ticket, codeCheck('right'))));
    expect(outcomes.map((o) => ('code' in o ? o.code : o.kind)).sort()).toEqual(['INVALID_TICKET', 'signed-in']);
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
    verify: async (_ctx, _user, proof) => proof.password === 'right',
    rulesOutRecentSignIn: async () => enrolled,
    wrongMessage: 'The current password is not correct.',
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

describe('SignInMethods', () => {
  it('lists every way in across modules, and says whether one would remain after a removal', async () => {
    const methods = new SignInMethods();
    const em = {} as EntityManager;
    methods.register({ methodsOf: async (_em, userId) => [{ kind: 'password', id: userId }] });
    methods.register({ methodsOf: async (_em, userId) => (userId === 'u1' ? [{ kind: 'passkey', id: 'pk1' }] : []) });
    expect(await methods.of(em, 'u1')).toEqual([
      { kind: 'password', id: 'u1' },
      { kind: 'passkey', id: 'pk1' },
    ]);
    expect(await methods.wouldRemainAfter(em, 'u1', { kind: 'passkey', id: 'pk1' })).toBe(true);
    // Another user's method is not one of u2's: removing it leaves u2's own.
    expect(await methods.wouldRemainAfter(em, 'u2', { kind: 'password', id: 'u1' })).toBe(true);
    expect(await methods.wouldRemainAfter(em, 'u2', { kind: 'password', id: 'u2' })).toBe(false);
    const only = new SignInMethods();
    only.register({ methodsOf: async () => [{ kind: 'passkey', id: 'pk1' }] });
    expect(await only.wouldRemainAfter(em, 'u1', { kind: 'passkey', id: 'pk1' })).toBe(false);
    expect(await only.wouldRemainAfter(em, 'u1', { kind: 'passkey', id: 'pk2' })).toBe(true);
  });
});
