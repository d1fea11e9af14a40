import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOP_LEVEL_ERROR_CODES } from '../../src/graphql/errorCodes';
import { TopLevelCode } from '../../src/graphql/errors';

const SRC = path.resolve(__dirname, '../../src');
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : [],
  );

describe('TopLevelErrorCode, the union clients import', () => {
  it('names every code the service can put in errors[].extensions.code', () => {
    const used = new Set<string>(Object.values(TopLevelCode));
    for (const file of sources(SRC)) {
      // The HTTP layer's own error answers: sendError(res, status, 'CODE', ...).
      for (const match of readFileSync(file, 'utf8').matchAll(/sendError\(\s*\w+,\s*\d+,\s*'([A-Z_]+)'/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(8);
    expect([...used].filter((code) => !(TOP_LEVEL_ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
  });
});

describe("the README's table of error results", () => {
  it('explains every ErrorCode of the schema', () => {
    const schema = readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8');
    const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const enumBody = /^enum ErrorCode \{([^}]*)\}/m.exec(schema)![1]!;
    const codes = [...enumBody.matchAll(/^\s+([A-Z_]+)$/gm)].map((match) => match[1]!);
    expect(codes.length).toBeGreaterThan(10);
    expect(codes.filter((code) => !readme.includes(`| \`${code}\` |`))).toEqual([]);
  });
});
