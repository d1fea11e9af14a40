import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { createSchema } from '../src/graphql/schema';

/**
 * Writes schema.graphql from the code (`npm run schema`), or with `--check` fails when the committed file
 * differs from what the code would emit (`npm run schema:check`, run by CI).
 */
const FILE = path.resolve(__dirname, '../schema.graphql');
const HEADER = '# Generated from the code by `npm run schema`. Do not edit by hand; CI fails when it drifts.\n\n';

/**
 * The SDL the code defines, exactly as committed to schema.graphql. Sorted by name: the schema is
 * assembled from the feature modules, and a new module should show as its additions, not as every
 * type moved.
 */
export async function emitSchema(): Promise<string> {
  return HEADER + printSchema(lexicographicSortSchema(await createSchema())) + '\n';
}

export const SCHEMA_FILE = FILE;

async function main(): Promise<void> {
  const sdl = await emitSchema();
  if (!process.argv.includes('--check')) {
    writeFileSync(FILE, sdl);
    console.log(`wrote ${path.relative(process.cwd(), FILE)}`);
    return;
  }
  let committed = '';
  try {
    committed = readFileSync(FILE, 'utf8');
  } catch {
    // fall through: a missing file is drift too
  }
  if (committed !== sdl) {
    console.error('schema.graphql is out of date with the code. Run `npm run schema` and commit the result.');
    process.exit(1);
  }
  console.log('schema.graphql is up to date');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
