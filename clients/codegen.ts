// graphql-codegen with the client preset (the setup graphql-codegen recommends today), typed from
// the committed SDL. strictScalars fails generation if a custom scalar has no mapping, so none
// can fall back to `any`.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../graph/schema.graphql',
  documents: ['src/**/*.ts', '!src/gql/**/*'],
  generates: {
    './src/gql/': {
      preset: 'client',
      config: {
        strictScalars: true,
        scalars: {
          Time: 'string', // RFC 3339 date-time, e.g. "2026-04-01T09:30:00+09:00"
          Date: 'string', // ISO 8601 calendar date, e.g. "2026-04-01"
          Cursor: 'string', // opaque Relay cursor: pass back as after/before
          Upload: 'File', // a multipart/form-data part (bulk import), never JSON
        },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
