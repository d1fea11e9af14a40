import { defineConfig } from 'vitest/config';

/**
 * Two projects, one run (`npm test`): `unit` needs no services and runs in seconds (`npm run test:unit`);
 * `services` drives the real service against real PostgreSQL, Redis, SMTP and Chromium, after a global
 * setup that stops the run at once, saying what is missing, when one of them is not there.
 */
export default defineConfig({
  resolve: {
    // One copy of graphql for type-graphql and Apollo ("Cannot use GraphQLObjectType from another realm").
    alias: { graphql: 'graphql/index.js' },
  },
  test: {
    setupFiles: ['reflect-metadata'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration files each make their own database and Redis prefix, so they can run side by side.
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'services',
          include: ['test/integration/**/*.test.ts', 'test/security/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/helpers/globalSetup.ts'],
        },
      },
    ],
  },
});
