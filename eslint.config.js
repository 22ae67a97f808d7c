// ESLint (typescript-eslint, flat config). Formatting is Prettier's (`npm run format`), so the rules
// that would argue with it are off (eslint-config-prettier).
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

/** The domain folders know nothing of GraphQL or HTTP: those layers call them, never the reverse. */
const DOMAIN_FOLDERS = ["accounts", "billing", "catalog", "estimates", "events", "pricing"];
const OUTER_LAYERS = {
  patterns: [
    {
      regex: "^(type-graphql|graphql|graphql-ws|graphql-scalars)(/.*)?$|^@apollo/",
      message: "Domain code knows nothing of GraphQL: put GraphQL types and resolvers under src/graphql/.",
    },
    { group: ["**/graphql/**", "**/http/**"], message: "Domain code does not import the GraphQL or HTTP layers; they import it." },
  ],
};

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "data/", "test/gql/", "web/dist/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: "readonly",
        process: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        setImmediate: "readonly",
        URL: "readonly",
        fetch: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", caughtErrors: "none" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
    },
  },
  { files: DOMAIN_FOLDERS.map((folder) => `src/${folder}/**/*.ts`), rules: { "no-restricted-imports": ["error", OUTER_LAYERS] } },
  {
    files: ["test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-non-null-assertion": "off" },
  },
  prettier,
);
