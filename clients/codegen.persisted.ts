// The trusted-documents build (README, "Trusted documents"): the client preset with
// persistedDocuments writes persisted/gql/persisted-documents.json, the manifest the server is
// started with (TRUSTED_DOCUMENTS), and embeds each document's id ("sha256:<hex>") in the document
// the app imports, so the app sends the id instead of the text. emitLegacyCommonJSImports: false
// gives ESM imports with .js extensions, so tsc's output runs in Node as it is.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../graph/schema.graphql',
  documents: ['persisted/**/*.ts', '!persisted/gql/**/*', '!persisted/dist/**/*'],
  emitLegacyCommonJSImports: false,
  generates: {
    './persisted/gql/': {
      preset: 'client',
      presetConfig: {
        persistedDocuments: true,
      },
      config: {
        strictScalars: true,
        scalars: { Time: 'string', Date: 'string', Cursor: 'string', Upload: 'File' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
