import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../src/http/handler';
import { addressKey } from '../../src/core/AttemptLimits';

const request = (forwardedFor: string | undefined, peer = '10.0.0.9') =>
  ({ socket: { remoteAddress: peer }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  it('ignores X-Forwarded-For when no proxy is trusted, so rotating it changes nothing', () => {
    expect(clientAddress(request('1.1.1.1'), 0)).toBe('10.0.0.9');
    expect(clientAddress(request('2.2.2.2, 1.1.1.1'), 0)).toBe('10.0.0.9');
  });

  it('takes the entry written by the outermost trusted proxy, not what the client wrote', () => {
    // The client sent "6.6.6.6"; the one trusted proxy appended the address it saw.
    expect(clientAddress(request('6.6.6.6, 203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientAddress(request('6.6.6.6, 203.0.113.7, 10.0.0.2'), 2)).toBe('203.0.113.7');
  });

  it('spells IPv4 peers on a dual-stack socket as plain IPv4', () => {
    expect(clientAddress(request(undefined, '::ffff:203.0.113.7'), 0)).toBe('203.0.113.7');
    expect(clientAddress(request(undefined, '::1'), 0)).toBe('::1');
  });

  it('falls back to the peer when the header is shorter than the trusted chain', () => {
    expect(clientAddress(request(undefined), 1)).toBe('10.0.0.9');
    expect(clientAddress(request('203.0.113.7'), 2)).toBe('10.0.0.9');
  });
});

describe('addressKey (what a per-address limit counts against)', () => {
  it('keeps IPv4 as is and groups IPv6 by /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff::9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});
