import type { CodegenConfig } from '@graphql-codegen/cli';

// Types come from the committed schema, so a schema change that breaks a console query fails the build.
const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      // Plain strings instead of graphql-js documents: no GraphQL parser in the bundle.
      config: { documentMode: 'string', useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string', JSON: 'unknown' } },
      presetConfig: { fragmentMasking: false },
    },
  },
};
export default config;
