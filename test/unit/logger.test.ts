import { DriverException } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { createLogger, describeError } from '../../src/infra/logger';

describe('logging errors', () => {
  const sqlError = () => {
    const raw = Object.assign(
      new Error(`insert into "users" values ('ada@example.com', '$2b$12$SECRETHASHSECRETHASHSECRETHASH') - null value`),
      { code: '23502' },
    );
    return new DriverException(raw);
  };

  it('keeps only class and codes of a database error: its message can quote SQL values', () => {
    const described = describeError(sqlError());
    expect(described).toEqual({ name: 'DriverException', code: '23502' });
    expect(JSON.stringify(described)).not.toContain('SECRETHASH');
  });

  it('keeps message and stack of our own errors', () => {
    const described = describeError(new TypeError('x is undefined'));
    expect(described).toMatchObject({ name: 'TypeError', message: 'x is undefined' });
    expect(described.stack).toContain('logger.test.ts');
  });

  it('applies to every error a log line carries', () => {
    const lines: string[] = [];
    createLogger('debug', { write: (line) => lines.push(line) }).error('boom', { error: sqlError() });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('SECRETHASH');
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'error', msg: 'boom', error: { name: 'DriverException' } });
  });
});

describe('redaction', () => {
  it('censors cookie headers (they carry the refresh token under the cookie transport), at the top and one level down', () => {
    const lines: string[] = [];
    const log = createLogger('debug', { write: (line) => lines.push(line) });
    log.info('headers', { cookie: 'refresh_token=rt_secret1', headers: { cookie: 'refresh_token=rt_secret2', 'set-cookie': 'refresh_token=rt_secret3' } });
    log.info('response', { 'set-cookie': 'refresh_token=rt_secret4' });
    expect(lines.join('\n')).not.toContain('rt_secret');
    expect(JSON.parse(lines[0]!)).toMatchObject({ cookie: '[redacted]', headers: { cookie: '[redacted]', 'set-cookie': '[redacted]' } });
  });

  it('censors the secrets of second factors and of sign-ins at other providers, should a call ever pass them', () => {
    const lines: string[] = [];
    const log = createLogger('debug', { write: (line) => lines.push(line) });
    const secrets = { ticket: 'mfa_S1', secret: 'JBSWY3DPS2', recoveryCodes: ['S3CODE'], clientSecret: 'S4', codeVerifier: 'S5', nonce: 'S6', state: 'S7' };
    log.info('flow', { ...secrets, provider: { ...secrets } });
    for (const value of ['mfa_S1', 'JBSWY3DPS2', 'S3CODE', '"S4"', '"S5"', '"S6"', '"S7"']) expect(lines[0]).not.toContain(value);
    expect(JSON.parse(lines[0]!)).toMatchObject({ ticket: '[redacted]', provider: { state: '[redacted]' } });
    // An error's code stays readable.
    log.error('down', { error: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(JSON.parse(lines[1]!)).toMatchObject({ error: { code: 'ECONNREFUSED' } });
  });
});
