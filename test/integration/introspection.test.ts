import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import type { Types } from '@graphql-codegen/plugin-helpers';
import { buildClientSchema, printSchema, stripIgnoredCharacters } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import exampleCodegen from '../../examples/web/codegen';
import { createSchema } from '../../src/graphql/schema';
import { FULL_INTROSPECTION_OPTIONS, FULL_INTROSPECTION_QUERY } from '../helpers/introspection';
import { startTestApp, type TestApp } from '../helpers/testApp';

const EXAMPLE = path.resolve(__dirname, '../../examples/web');

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ env: { NODE_ENV: 'development' } });
});
afterAll(() => t?.close());

describe('introspection in development', () => {
  it('answers the full getIntrospectionQuery() over HTTP with exactly the schema the code defines', async () => {
    const res = await t.gql(FULL_INTROSPECTION_QUERY);
    expect(res.status, res.text).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(printSchema(buildClientSchema(res.body.data))).toBe(printSchema(await createSchema()));
  });

  it('lets graphql-codegen generate from the live URL exactly the typed client committed in examples/web', async () => {
    const [target, output] = Object.entries(exampleCodegen.generates)[0]!;
    const sent: string[] = [];
    const customFetch: typeof fetch = async (input, init) => {
      sent.push(String(init?.body));
      return fetch(input, init);
    };
    // The URL loader builds its query with getIntrospectionQuery() from these options.
    const schema = { [t.url]: { ...FULL_INTROSPECTION_OPTIONS, customFetch } } as Types.Schema;
    const files = await generate({ ...exampleCodegen, cwd: EXAMPLE, silent: true, schema, generates: { [target]: output } }, false);
    // It asked with every option on.
    expect(sent).toHaveLength(1);
    expect(stripIgnoredCharacters(JSON.parse(sent[0]!).query)).toBe(stripIgnoredCharacters(FULL_INTROSPECTION_QUERY));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(file.content, file.filename).toBe(readFileSync(path.resolve(EXAMPLE, file.filename), 'utf8'));
    }
  }, 30_000);
});
