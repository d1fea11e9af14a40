import { ConnectionException, DriverException, NotNullConstraintViolationException } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { isDependencyFailure } from '../../src/infra/dependencyFailures';

const withCode = (code: string, extra: object = {}) => Object.assign(new Error('x'), { code, ...extra });

describe('isDependencyFailure', () => {
  it('is true for connection-level failures', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']) expect(isDependencyFailure(withCode(code)), code).toBe(true);
    expect(isDependencyFailure(new DriverException(withCode('EPIPE')))).toBe(true);
    expect(isDependencyFailure(new ConnectionException(new Error('gone')))).toBe(true);
  });

  it('reads the SQLSTATE of errors the server sent', () => {
    // 57P01 admin shutdown, 53300 too many connections, 57014 statement timeout, 40P01 deadlock
    for (const code of ['57P01', '53300', '57014', '40P01']) {
      expect(isDependencyFailure(withCode(code, { severity: 'FATAL' })), code).toBe(true);
    }
    // 23502 not null violation, 42703 undefined column: our bugs, not outages
    for (const code of ['23502', '42703']) expect(isDependencyFailure(withCode(code, { severity: 'ERROR' })), code).toBe(false);
    expect(isDependencyFailure(new NotNullConstraintViolationException(withCode('23502', { severity: 'ERROR' })))).toBe(false);
  });

  it('is false for our own errors', () => {
    expect(isDependencyFailure(new TypeError('x is undefined'))).toBe(false);
    expect(isDependencyFailure('a string')).toBe(false);
  });
});
