import { describe, expect, it } from 'vitest';
import { startFailureMessage } from '../../src/infra/logger';

describe('startFailureMessage', () => {
  it("gives an Error's message with its causes", () => {
    const error = new Error('could not open the database', { cause: new Error('EACCES: permission denied') });
    expect(startFailureMessage(error)).toBe('could not open the database (cause: EACCES: permission denied)');
  });

  it('gives the JSON of anything else thrown (PGlite throws a bare exit-status object), never [object Object]', () => {
    const thrown = { name: 'ExitStatus', message: 'Program terminated with exit(1)', status: 1 };
    expect(startFailureMessage(thrown)).toBe('{"name":"ExitStatus","message":"Program terminated with exit(1)","status":1}');
    expect(startFailureMessage(new Error('wrapped', { cause: thrown }))).toContain('Program terminated with exit(1)');
    expect(startFailureMessage(undefined)).toBe('undefined');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(startFailureMessage(cyclic)).not.toBe('');
  });
});
