import { auditAllAccounts } from "../src/accounts/audit.js";
import { createApp, type App, type AppSettings } from "../src/app.js";
import { seedCatalog } from "../src/catalog/seed.js";
import type { BillingConfig } from "../src/billing/index.js";
import type { Clock } from "../src/clock.js";
import type { Config } from "../src/config.js";
import { silentLogger, type Logger } from "../src/logger.js";
import { openCatalogDatabase, type CatalogDatabase } from "../src/store/catalog/client.js";
import { IN_MEMORY, SqliteStore, type SqliteStoreOptions } from "../src/store/sqlite/store.js";
import type { Store } from "../src/store/store.js";
import { providerSeeds } from "../seed/index.js";
import { openTestStore } from "./stores.js";

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown>; path?: unknown[] }> };
}

export interface TestServer {
  url: string;
  /** The account store: a scratch one of this run's kind (./stores.ts) unless given one. */
  store: Store;
  catalog: CatalogDatabase;
  app: App;
  /** Every account's ledger against its invariants (empty when all holds). */
  audit(): Promise<string[]>;
  /** POSTs a GraphQL operation as a browser or partner client would. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** A scratch SQLite store: a temporary file, removed when it is closed (for what only SQLite has). */
export function freshStore(options: SqliteStoreOptions = {}): SqliteStore {
  return SqliteStore.open(IN_MEMORY, options);
}

/** A catalog seeded from `seeds` (the real ones by default). */
/** How many providers the seeded catalog has: a test that is not about the catalog reads it rather than assume it. */
export const SEEDED_PROVIDERS = providerSeeds.length;

export function freshCatalog(seeds: unknown[] = providerSeeds): CatalogDatabase {
  const catalog = openCatalogDatabase();
  seedCatalog(catalog, seeds);
  return catalog;
}

export const TEST_ADMIN_KEY = "test-admin-key-0123456789abcdef";

export const TEST_SANDBOX_SECRET = "test-sandbox-webhook-secret";

/** Test servers serve /metrics on their API port with this token (METRICS_TOKEN), unless told otherwise. */
export const TEST_METRICS_TOKEN = "test-metrics-token-0123456789";

export async function startTestServer(
  options: {
    store?: Store;
    catalog?: CatalogDatabase;
    logger?: Logger;
    maxBodyBytes?: number;
    clock?: Clock;
    jobTtlMs?: number;
    billing?: Partial<BillingConfig>;
    /** Production settings, limits, rate limits … as main.ts would pass them. */
    config?: Partial<Pick<Config, "nodeEnv">> & AppSettings;
    redisNamespace?: string;
  } = {},
): Promise<TestServer> {
  const store = options.store ?? (await openTestStore());
  const catalog = options.catalog ?? freshCatalog();
  const app = await createApp({
    store,
    catalog,
    config: {
      nodeEnv: "test",
      maxBodyBytes: options.maxBodyBytes ?? 100 * 1024,
      shutdownTimeoutMs: 2000,
      jobTtlMs: options.jobTtlMs ?? 24 * 3600 * 1000,
      idempotencyTtlMs: 24 * 3600 * 1000,
      sweepIntervalMs: 0,
      billing: {
        sandboxWebhookSecret: TEST_SANDBOX_SECRET,
        mailFrom: "credits@test.local",
        checkoutTtlMs: 24 * 3600 * 1000,
        ...options.billing,
      },
      metrics: { token: TEST_METRICS_TOKEN },
      // CI runs the GraphQL-level suites once more with FAST_PATH=false.
      fastPath: process.env.FAST_PATH !== "false",
      ...options.config,
    },
    logger: options.logger ?? silentLogger,
    clock: options.clock,
    adminApiKey: TEST_ADMIN_KEY,
    redisNamespace: options.redisNamespace,
  });
  const address = await app.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    store,
    catalog,
    app,
    audit: () => auditAllAccounts(store.reads),
    async gql<T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<T>["body"] };
    },
    async close() {
      await app.close();
      await store.close();
      catalog.close();
    },
  };
}

export interface TestAccount {
  accountId: string;
  apiKey: string;
  /** Headers that authenticate as this account. */
  key: Record<string, string>;
}

/**
 * A new account, made with the admin key, given `credits` of `provider` as a bonus unless they are "0".
 * A TEST account unless told otherwise: its purchases go through the sandbox, as most tests' do.
 */
export async function createTestAccount(
  server: TestServer,
  name: string,
  credits = "0",
  provider = "ugen",
  terms: { mode?: "LIVE" | "TEST"; testClockId?: string } = {},
): Promise<TestAccount> {
  const admin = { "x-api-key": TEST_ADMIN_KEY };
  const created = await server.gql(
    `mutation ($name: String!, $mode: Mode, $clock: ID) { accountCreate(input: { name: $name, mode: $mode, testClockId: $clock }) { account { id } apiKey userErrors { code message } } }`,
    { name, mode: terms.mode ?? "TEST", clock: terms.testClockId },
    admin,
  );
  if (!created.body.data?.accountCreate?.account) throw new Error(`accountCreate failed: ${JSON.stringify(created.body)}`);
  const { account, apiKey } = created.body.data.accountCreate;
  if (credits !== "0") {
    const granted = await server.gql(
      `mutation ($id: ID!, $credits: Decimal!, $provider: ID!) { creditsGrant(input: { accountId: $id, provider: $provider, credits: $credits, reason: "test credits" }) { userErrors { code } } }`,
      { id: account.id, credits, provider },
      admin,
    );
    if (granted.body.data?.creditsGrant?.userErrors?.length !== 0) throw new Error(`grant failed: ${JSON.stringify(granted.body)}`);
  }
  return { accountId: account.id, apiKey, key: { "x-api-key": apiKey } };
}

/** An answer as the client receives it, unparsed: to compare answers byte for byte. */
export interface RawAnswer {
  status: number;
  contentType: string | null;
  body: string;
}

/** POSTs a JSON body to /graphql and returns the answer unparsed. */
export async function postRaw(server: TestServer, body: unknown, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, contentType: response.headers.get("content-type"), body: await response.text() };
}

/** An estimate that reads every part of the answer, the product and its provider included. */
export const FULL_ESTIMATE_QUERY = `query Estimate($input: EstimateInput!) {
  estimate(input: $input) {
    costPerGeneration generationCount totalCredits totalPrice { amount currency }
    product { id name provider { id } }
    lineItems { code description quantity unit unitCredits credits source }
    normalized { name requested applied }
  }
}`;

/** Probes until `accept` holds (at most about 2 s): credits follow webhooks, which arrive a moment later. */
export async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  let value = await probe();
  for (let i = 0; i < 200 && !accept(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    value = await probe();
  }
  return value;
}

/** The server's Prometheus metrics, read as a scraper holding METRICS_TOKEN reads them. */
export async function readMetrics(server: TestServer): Promise<string> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  return response.text();
}
