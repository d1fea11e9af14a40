import { describe, expect, it } from 'vitest';
import { MemoryEphemeralStore } from '../../src/infra/memory/MemoryEphemeralStore';

describe('MemoryEphemeralStore', () => {
  it('expires values, takes them once, claims first-wins and counts within a window', async () => {
    let clock = 0;
    const store = new MemoryEphemeralStore(() => clock);
    await store.put('a', '1', 10);
    expect(await store.get('a')).toBe('1');
    expect(await Promise.all([store.take('a'), store.take('a')])).toEqual(['1', null]);
    expect(await store.claim('c', 'x', 10)).toBe(true);
    expect(await store.claim('c', 'y', 10)).toBe(false);
    expect(await store.increment('n', 10)).toBe(1);
    expect(await store.increment('n', 10)).toBe(2);
    clock = 10_000;
    expect(await store.get('c')).toBeNull();
    expect(await store.increment('n', 10)).toBe(1);
    store.close();
  });
});
