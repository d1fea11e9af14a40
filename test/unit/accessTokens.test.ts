import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AccessTokens } from '../../src/sessions/AccessTokens';
import { SigningKeys } from '../../src/sessions/SigningKeys';

async function setup() {
  const { keys } = await SigningKeys.load({
    algorithm: 'HS256',
    keys: undefined,
    secret: randomBytes(32),
    secretGenerated: false,
    issuer: 'test-issuer',
    audience: 'test-audience',
    accessTokenTtlSeconds: 60,
  });
  // Counts how often a token's key is looked up: once per real signature check.
  let lookups = 0;
  const forHeader = keys.forHeader.bind(keys);
  keys.forHeader = (header) => {
    lookups++;
    return forHeader(header);
  };
  let now = Date.now();
  const tokens = new AccessTokens({ keys, issuer: 'test-issuer', audience: 'test-audience', ttlSeconds: 60 }, () => now);
  return { tokens, lookups: () => lookups, advance: (ms: number) => (now += ms) };
}

describe('AccessTokens.verify', () => {
  it('checks a token once, then answers the same token from memory', async () => {
    const { tokens, lookups } = await setup();
    const { token, jti } = await tokens.issue('user-1', 'session-1', { methods: ['pwd'], at: new Date() });
    expect((await tokens.verify(token))?.jti).toBe(jti);
    expect((await tokens.verify(token))?.userId).toBe('user-1');
    expect(lookups()).toBe(1);
  });

  it('still refuses a remembered token once it has expired', async () => {
    const { tokens, advance } = await setup();
    const { token } = await tokens.issue('user-1', 'session-1', { methods: ['pwd'], at: new Date() });
    expect(await tokens.verify(token)).not.toBeNull();
    advance(59_000);
    expect(await tokens.verify(token)).not.toBeNull();
    advance(1_000);
    expect(await tokens.verify(token)).toBeNull();
  });

  it('never remembers a token that failed: a forged one is checked, and refused, every time', async () => {
    const { tokens, lookups } = await setup();
    const { token } = await tokens.issue('user-1', 'session-1', { methods: ['pwd'], at: new Date() });
    const [header, payload, signature] = token.split('.');
    const forged = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await tokens.verify(forged)).toBeNull();
    expect(await tokens.verify(forged)).toBeNull();
    expect(lookups()).toBe(2);
  });
});
