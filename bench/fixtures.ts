import { Ledger } from "../src/accounts/ledger.js";
import { AccountService } from "../src/accounts/service.js";
import { seedCatalog } from "../src/catalog/seed.js";
import { systemClock } from "../src/clock.js";
import { IN_MEMORY, openDatabase, type Database } from "../src/db/client.js";
import { Decimal } from "../src/pricing/decimal.js";
import { providerSeeds } from "../seed/index.js";

export const BENCH_ADMIN_KEY = "bench-admin-key-0123456789abcdef";

export function freshDatabase(): Database {
  const database = openDatabase(IN_MEMORY);
  seedCatalog(database, providerSeeds);
  return database;
}

/** A seeded database (a file, with the production pragmas, when a path is given) and a funded account. */
export function benchDatabase(path = IN_MEMORY): { database: Database; apiKey: string } {
  const database = openDatabase(path);
  seedCatalog(database, providerSeeds);
  const ledger = new Ledger(database, { clock: systemClock, jobTtlMs: 24 * 3600_000, idempotencyTtlMs: 24 * 3600_000 });
  const accounts = new AccountService(database, ledger, systemClock);
  const { accountId, token } = accounts.createAccount("Bench");
  ledger.grant(accountId, new Decimal(1_000_000_000), "bench credits");
  return { database, apiKey: token };
}

/** A representative estimate: four components, a minimum and a condition (subclip viral captions). */
export const ESTIMATE_INPUT = {
  productId: "subclip/viral-captions",
  parameters: [
    { name: "durationSeconds", value: 180 },
    { name: "faceTracking", value: true },
  ],
  generationCount: 2,
};

export const ESTIMATE_QUERY = `query Estimate($input: EstimateInput!) {
  estimate(input: $input) {
    costPerGeneration generationCount totalCredits
    lineItems { code description quantity unit unitCredits credits source }
    normalized { name requested applied }
  }
}`;

/** The catalog page a front end loads: all providers, their models and variants. */
export const CATALOG_QUERY = `query Catalog {
  providers {
    id name creditValue { amount currency }
    models { id name multiplier variants { id name resolution billingUnit credits price { amount currency } source } }
  }
}`;

export const JOB_CREATE = `mutation JobCreate { jobCreate(input: { credits: "1" }) { job { id } userErrors { code } } }`;
export const JOB_COMPLETE = `mutation JobComplete($id: ID!) { jobComplete(input: { jobId: $id, consumedCredits: "0.5" }) { job { id status } userErrors { code } } }`;
