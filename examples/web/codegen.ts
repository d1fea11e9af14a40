import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed operations from the service's schema (graphql-codegen's client preset). Run from this folder:
 * `npm run example:codegen` at the repository root; CI fails when src/gql/ is out of date.
 */
const config: CodegenConfig = {
  // The committed SDL; a running development service works too: 'http://localhost:4000/graphql'.
  schema: '../../schema.graphql',
  documents: ['src/**/*.ts', '!src/gql/**'],
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Custom scalars travel as strings (RFC 3339 date-times, email addresses); JSON (WebAuthn's
        // options and responses) as whatever it holds, which the page hands to @simplewebauthn/browser
        // with the type that library gives it. strictScalars makes codegen stop at any scalar that is
        // not mapped here instead of typing it `any`.
        scalars: { DateTime: 'string', EmailAddress: 'string', JSON: 'unknown' },
        strictScalars: true,
        // Documents as typed strings: no GraphQL runtime in the page, just fetch.
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
