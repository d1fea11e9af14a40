import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, getNamedType, isUnionType, type GraphQLEnumType } from 'graphql';
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

describe("the README's Errors section", () => {
  const schema = buildSchema(readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8'));
  const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
  const errors = readme.slice(readme.indexOf('## Errors'), readme.indexOf('\n## ', readme.indexOf('## Errors') + 1));
  const rootFields = [schema.getQueryType()!, schema.getMutationType()!].flatMap((root) => Object.values(root.getFields()));
  const unionOf = (field: (typeof rootFields)[number]) => {
    const type = getNamedType(field.type);
    return isUnionType(type) ? type.getTypes() : [];
  };

  it('explains every ErrorCode of the schema', () => {
    const codes = (schema.getType('ErrorCode') as GraphQLEnumType).getValues().map((value) => value.name);
    expect(codes.length).toBeGreaterThan(10);
    expect(codes.filter((code) => !errors.includes(`| \`${code}\` |`))).toEqual([]);
  });

  it('names every operation that can answer RateLimitedError', () => {
    const row = errors.split('\n').find((line) => line.startsWith('| `RATE_LIMITED` | `RateLimitedError`'))!;
    const limited = rootFields.filter((field) => unionOf(field).some((type) => type.name === 'RateLimitedError')).map((field) => field.name);
    expect(limited.length).toBeGreaterThan(10);
    expect(limited.filter((name) => !row.includes(`\`${name}\``))).toEqual([]);
  });

  it('names every success type of a result union', () => {
    const successes = new Set(
      rootFields.flatMap((field) => unionOf(field)).filter((type) => !type.getInterfaces().some((i) => i.name === 'ErrorResult')).map((type) => type.name),
    );
    expect(successes.size).toBeGreaterThan(10);
    expect([...successes].filter((name) => !errors.includes(`\`${name}`))).toEqual([]);
  });
});

describe("the README's security log table", () => {
  it('explains every SecurityEventType of the schema', () => {
    const schema = buildSchema(readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8'));
    const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| type | when |'), readme.indexOf('\n\n', readme.indexOf('| type | when |')));
    const types = (schema.getType('SecurityEventType') as GraphQLEnumType).getValues().map((value) => value.name);
    expect(types.length).toBeGreaterThan(15);
    expect(types.filter((type) => !table.includes(`\`${type}\``))).toEqual([]);
  });
});
