import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One copy of graphql for type-graphql and Apollo ("Cannot use GraphQLObjectType from another realm").
    alias: { graphql: 'graphql/index.js' },
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/globalSetup.ts'],
    setupFiles: ['reflect-metadata'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration files each make their own database and Redis prefix, so they can run side by side.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
