import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { FLOW_TTL_SECONDS, FlowStates } from '../../src/features/external-identity/FlowStates';
import {
  classifyProviderError,
  cleanAmr,
  cleanEmail,
  ProviderRefusedError,
  ProviderUnavailableError,
} from '../../src/features/external-identity/providers/IdentityProviderClient';
import { MemoryEphemeralStore } from '../../src/infra/memory/MemoryEphemeralStore';

describe('FlowStates', () => {
  it('makes a 256-bit state, verifier and nonce per start, keeps them under the hash of the state, and gives them back once', async () => {
    let clock = 1_000_000;
    const keys: string[] = [];
    const store = new (class extends MemoryEphemeralStore {
      override put(key: string, value: string, ttlSeconds: number) {
        keys.push(key);
        return super.put(key, value, ttlSeconds);
      }
    })(() => clock);
    const states = new FlowStates(store, () => clock);
    const flow = { provider: 'test', redirectUri: 'https://app.example/cb', purpose: 'sign-in' as const };
    const a = await states.begin(flow);
    const b = await states.begin(flow);
    for (const value of [a.state, a.flow.codeVerifier, a.flow.nonce]) expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([a.state, b.state, a.flow.codeVerifier, b.flow.codeVerifier, a.flow.nonce, b.flow.nonce]).size).toBe(6);
    expect(keys.join()).not.toContain(a.state);

    expect(await Promise.all([states.take(a.state), states.take(a.state)])).toEqual([{ ...flow, ...a.flow }, null]);
    expect(await states.take('x'.repeat(43))).toBeNull();
    expect(await states.take('not a state')).toBeNull();
    clock += FLOW_TTL_SECONDS * 1000;
    expect(await states.take(b.state)).toBeNull();
    store.close();
  });
});

describe('classifyProviderError', () => {
  const response = (status: number) => new Response('{}', { status });

  it('tells "the provider cannot serve now" from "its answer was refused"', () => {
    const refused = new client.ResponseBodyError('server responded with an error', {
      cause: { error: 'invalid_grant', error_description: 'grant request is invalid' },
      response: response(400),
    });
    expect(classifyProviderError(refused)).toEqual(new ProviderRefusedError('invalid_grant (HTTP 400)'));
    const failing = new client.ResponseBodyError('x', { cause: { error: 'server_error' }, response: response(503) });
    expect(classifyProviderError(failing)).toBeInstanceOf(ProviderUnavailableError);

    const down = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(classifyProviderError(down)).toEqual(new ProviderUnavailableError('ECONNREFUSED'));
    const timeout = Object.assign(new client.ClientError('timed out'), { code: 'OAUTH_TIMEOUT' });
    expect(classifyProviderError(timeout)).toBeInstanceOf(ProviderUnavailableError);
    const claim = Object.assign(new client.ClientError('unexpected JWT claim value encountered', { cause: new Error('unexpected "nonce" claim value') }), {
      code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
    });
    expect(classifyProviderError(claim)).toEqual(new ProviderRefusedError('OAUTH_JWT_CLAIM_COMPARISON_FAILED: unexpected "nonce" claim value'));
    const gateway = Object.assign(new client.ClientError('unexpected HTTP response status code', { cause: response(502) }), {
      code: 'OAUTH_RESPONSE_IS_NOT_CONFORM',
    });
    expect(classifyProviderError(gateway)).toEqual(new ProviderUnavailableError('HTTP 502'));
  });

  it('throws on what is not the provider: a bug here stays a bug', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'sub')");
    expect(() => classifyProviderError(bug)).toThrow(bug);
    expect(() => classifyProviderError(new Error('boom'))).toThrow('boom');
  });
});

describe('what is kept of a provider\'s claims', () => {
  it('keeps amr values that are short tokens, once each', () => {
    expect(cleanAmr(['pwd', 'mfa', 'pwd', 'x'.repeat(33), 7, 'with space'])).toEqual(['pwd', 'mfa']);
    expect(cleanAmr('pwd')).toEqual([]);
  });

  it('normalises addresses and drops what is not one', () => {
    expect(cleanEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    for (const value of ['', 'no-at-sign', 'a@b@c', `${'a'.repeat(250)}@b.cd`, 42, null]) expect(cleanEmail(value)).toBeUndefined();
  });
});
