import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

/**
 * The suites that prove the ledger, the idempotency keys, the isolation of concurrent requests and
 * billing run twice: over SQLite (project "sqlite") and over PostgreSQL (project "postgres", a
 * database of their own each; see test/stores.ts). The multi-node suites need PostgreSQL anyway.
 */
const OVER_BOTH_STORES = [
  "test/accounts.test.ts",
  "test/concurrency.test.ts",
  "test/idempotency-scope.test.ts",
  "test/ledger-properties.test.ts",
  "test/clawbacks.test.ts",
  "test/wallets.test.ts",
  "test/billing-checkout.test.ts",
  "test/billing-dunning.test.ts",
  "test/billing-return.test.ts",
  "test/billing-stripe.test.ts",
  "test/billing-subscriptions.test.ts",
  "test/billing-topup-alerts.test.ts",
  "test/billing-unapplied.test.ts",
];

export default defineConfig({
  resolve: {
    // One graphql instance for everyone: vite would otherwise load the ESM build for our code
    // and Node the CommonJS build for type-graphql ("another module or realm").
    alias: { graphql: require.resolve("graphql/index.js") },
  },
  test: {
    setupFiles: ["reflect-metadata"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "sqlite", include: ["test/**/*.test.ts"] } },
      { extends: true, test: { name: "postgres", include: OVER_BOTH_STORES, env: { TEST_STORE: "postgres" } } },
    ],
  },
});
