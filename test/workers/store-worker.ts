/**
 * A second (or third) process over one account store (a SQLite file, or a postgres:// URL), for
 * test/two-processes.test.ts. It opens the store and the services, says "ready", waits for "go" on stdin (so that the processes
 * start their work at the same moment), runs one operation and prints its result as JSON.
 */
import "reflect-metadata";
import { createInterface } from "node:readline";
import { seedCatalog } from "../../src/catalog/seed.js";
import { ManualClock } from "../../src/clock.js";
import { silentLogger } from "../../src/logger.js";
import { createServices } from "../../src/services.js";
import { openCatalogDatabase } from "../../src/store/catalog/client.js";
import { PgStore } from "../../src/store/postgres/store.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { providerSeeds } from "../../seed/index.js";

const [path, operation, argument] = process.argv.slice(2);
const store = path.startsWith("postgres://") ? await PgStore.open(path, { max: 3 }) : SqliteStore.open(path);
const catalog = openCatalogDatabase();
seedCatalog(catalog, providerSeeds);
const services = createServices({
  store,
  catalog,
  clock: new ManualClock(process.env.NOW ?? new Date().toISOString()),
  jobTtlMs: 3600_000,
  idempotencyTtlMs: 24 * 3600_000,
  logger: silentLogger,
  billing: { sandboxWebhookSecret: "two-processes", mailFrom: "credits@test.local", checkoutTtlMs: 24 * 3600_000, smtpUrl: process.env.SMTP_URL },
  // Where the provider's webhooks go: a test server over the same store, or nowhere.
  selfUrl: () => process.env.SELF_URL ?? "http://127.0.0.1:9",
});

const operations: Record<string, () => Promise<unknown>> = {
  renew: () => services.billing.subscriptions.renewDue(),
  expire: () => services.jobs.expireDue(),
  expireGrants: () => services.credits.expireDue(),
  retry: () => services.billing.subscriptions.retryDue(),
  email: () => services.billing.mailer.deliverPending(),
  topUp: () => services.billing.topUps.check(argument),
  adminKey: async () => (await services.accountService.initAdminKey(undefined)).generated,
  demoAccount: async () => (await services.accountService.ensureDemoAccount())?.accountId ?? null,
  jobCreate: async () =>
    (
      await services.jobs.create(
        argument,
        { micros: 5_000_000, productId: null, providerId: "ugen", estimate: null, describe: "a job" },
        { key: "same-key", input: { credits: 5 } },
      )
    ).result.jobId,
};

process.stdout.write("ready\n");
const lines = createInterface({ input: process.stdin });
lines.once("line", async () => {
  try {
    const result = await operations[operation]();
    await services.background.drain();
    process.stdout.write(`${JSON.stringify({ result })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
  } finally {
    services.billing.mailer.close();
    await store.close();
    catalog.close();
    lines.close();
  }
});
