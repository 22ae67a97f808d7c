import { createRequire } from "node:module";
import pg from "pg";
import { defineConfig, type ViteUserConfig } from "vitest/config";

const require = createRequire(import.meta.url);

declare module "vitest" {
  export interface ProvidedContext {
    /** Why PostgreSQL cannot be used, or "" when it can (see test/stores.ts). */
    postgresUnavailable: string;
  }
}

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
  "test/charge-rules.test.ts",
  "test/events.test.ts",
  "test/billing-checkout.test.ts",
  "test/billing-dunning.test.ts",
  "test/billing-return.test.ts",
  "test/billing-sandbox-pages.test.ts",
  "test/billing-stripe.test.ts",
  "test/billing-subscriptions.test.ts",
  "test/billing-topup-alerts.test.ts",
  "test/billing-unapplied.test.ts",
  "test/webhooks.test.ts",
  "test/modes.test.ts",
  "test/test-clocks.test.ts",
  "test/control-characters.test.ts",
  "test/event-payloads.test.ts",
];

const databaseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Whether the PostgreSQL that TEST_DATABASE_URL names answers: "" when it does, else why not. */
async function probePostgres(): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return "";
  } catch (error) {
    return (error instanceof Error && error.message) || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export default defineConfig(async (): Promise<ViteUserConfig> => {
  // The config is loaded more than once per run (once per project that extends it): probe and say it once.
  const probed = process.env.VITEST_POSTGRES_UNAVAILABLE;
  const postgresUnavailable = probed ?? (await probePostgres());
  process.env.VITEST_POSTGRES_UNAVAILABLE = postgresUnavailable;
  if (postgresUnavailable && probed === undefined) {
    // CI must prove both stores; a developer's machine without PostgreSQL runs the rest.
    if (process.env.CI === "true") throw new Error(`CI requires PostgreSQL, and ${databaseUrl} is unreachable: ${postgresUnavailable}`);
    console.warn(`PostgreSQL tests skipped: ${databaseUrl} is unreachable (${postgresUnavailable}). Set TEST_DATABASE_URL to run them.`);
  }
  return {
    resolve: {
      // One graphql instance for everyone: vite would otherwise load the ESM build for our code
      // and Node the CommonJS build for type-graphql ("another module or realm").
      alias: { graphql: require.resolve("graphql/index.js") },
    },
    test: {
      setupFiles: ["reflect-metadata"],
      testTimeout: 30_000,
      hookTimeout: 30_000,
      pool: "forks",
      provide: { postgresUnavailable },
      projects: [
        { extends: true as const, test: { name: "sqlite", include: ["test/**/*.test.ts"] } },
        ...(postgresUnavailable ? [] : [{ extends: true as const, test: { name: "postgres", include: OVER_BOTH_STORES, env: { TEST_STORE: "postgres" } } }]),
      ],
    },
  };
});
