import { AccountTime } from "../src/accounts/account-time.js";
import { EventLog } from "../src/events/log.js";
import { CreditService } from "../src/accounts/grants.js";
import { WalletBook } from "../src/accounts/wallet-book.js";
import { CreditLedger } from "../src/accounts/ledger.js";
import { AccountService } from "../src/accounts/service.js";
import { seedCatalog } from "../src/catalog/seed.js";
import { systemClock } from "../src/clock.js";
import { Decimal } from "../src/pricing/decimal.js";
import { openCatalogDatabase, type CatalogDatabase } from "../src/store/catalog/client.js";
import { PgStore } from "../src/store/postgres/store.js";
import { IN_MEMORY, SqliteStore } from "../src/store/sqlite/store.js";
import type { Store } from "../src/store/store.js";
import { providerSeeds } from "../seed/index.js";

export const BENCH_ADMIN_KEY = "bench-admin-key-0123456789abcdef";

export function benchCatalog(): CatalogDatabase {
  const catalog = openCatalogDatabase();
  seedCatalog(catalog, providerSeeds);
  return catalog;
}

/** An account store (a SQLite file with the production pragmas, or a postgres:// database) with `accounts` funded accounts. */
export async function benchStore(location = IN_MEMORY, accounts = 1): Promise<{ store: Store; apiKeys: string[] }> {
  const store = location.startsWith("postgres://") ? await PgStore.open(location) : SqliteStore.open(location);
  const time = new AccountTime(store.reads, systemClock);
  const credits = new CreditService(store, new WalletBook(new CreditLedger(time, []), new EventLog(systemClock)), time, () => true);
  const service = new AccountService(store, credits, time);
  const apiKeys: string[] = [];
  for (let i = 0; i < accounts; i++)
    apiKeys.push((await service.createAccount(`Bench ${i + 1}`, { credits: new Decimal(1_000_000_000), provider: "ugen" })).token);
  return { store, apiKeys };
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
