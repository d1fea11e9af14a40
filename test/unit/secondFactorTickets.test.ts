import { describe, expect, it } from 'vitest';
import { MemoryEphemeralStore } from '../../src/infra/memory/MemoryEphemeralStore';
import { SecondFactorTickets, TICKET_TTL_SECONDS } from '../../src/login/SecondFactors';

const state = { userId: 'u1', email: 'a@example.com', methods: ['pwd'], methodsOffered: ['TOTP'] };

describe('SecondFactorTickets.endAllFor', () => {
  it('ends the tickets made before it and no later one, whatever the clocks of the instances say', async () => {
    let storeClock = 1_000_000;
    const store = new MemoryEphemeralStore(() => storeClock);
    // Two instances sharing the store: one clock stands still, the other runs 50 ms behind it.
    const a = new SecondFactorTickets(store, () => 1_000_000);
    const b = new SecondFactorTickets(store, () => 1_000_000 - 50);

    const before = await a.issue(state);
    const otherUser = await a.issue({ ...state, userId: 'u2' });
    await b.endAllFor('u1');
    const after = await a.issue(state); // the same millisecond on a's clock
    expect(await a.peek(before.ticket)).toBeNull();
    expect(await b.peek(before.ticket)).toBeNull();
    expect(await a.peek(after.ticket)).not.toBeNull();
    expect(await a.peek(otherUser.ticket)).not.toBeNull();

    // Ended again (by the instance behind): the newer ticket ends too, the older one stays ended.
    await b.endAllFor('u1');
    expect(await a.peek(after.ticket)).toBeNull();
    expect(await a.peek(before.ticket)).toBeNull();

    // Once the mark is gone, every ticket made before it is long expired; new ones live.
    storeClock += 2 * TICKET_TTL_SECONDS * 1000 + 1;
    const later = new SecondFactorTickets(store, () => storeClock);
    const fresh = await later.issue(state);
    expect(await later.peek(fresh.ticket)).not.toBeNull();
    store.close();
  });
});
