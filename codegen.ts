// Typed documents for the tests that use this API as a front end would (Apollo Client 4): `npm run
// codegen` writes test/gql/ from schema.graphql and the documents in those tests; committed, and
// test/schema.test.ts fails when they drift.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["test/apollo-client.test.ts"],
  generates: {
    "test/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { Decimal: "string", DateTime: "string", JSON: "unknown" } },
    },
  },
  emitLegacyCommonJSImports: false,
  silent: true,
};

export default config;
