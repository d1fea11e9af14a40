import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125152446 } from './Migration20261125152446';
import { Migration20261125160702 } from './Migration20261125160702';
import { Migration20261125161013 } from './Migration20261125161013';
import { Migration20261125162320 } from './Migration20261125162320';
import { Migration20261130135226 } from './Migration20261130135226';
import { Migration20261130143650 } from './Migration20261130143650';
import { Migration20261130150319 } from './Migration20261130150319';
import { Migration20261130150550 } from './Migration20261130150550';

/**
 * Every migration, in order. Imported statically rather than found by globbing the folder, so the
 * same list runs from the sources (vitest, swc) and from the build. After `npm run migration:create`,
 * add the new class here; a test fails if a migration file is missing from this list.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261125152446', class: Migration20261125152446 },
  { name: 'Migration20261125160702', class: Migration20261125160702 },
  { name: 'Migration20261125161013', class: Migration20261125161013 },
  { name: 'Migration20261125162320', class: Migration20261125162320 },
  { name: 'Migration20261130135226', class: Migration20261130135226 },
  { name: 'Migration20261130143650', class: Migration20261130143650 },
  { name: 'Migration20261130150319', class: Migration20261130150319 },
  { name: 'Migration20261130150550', class: Migration20261130150550 },
];
