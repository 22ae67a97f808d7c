/**
 * Several processes over one account store, each with its own store object (they share no lock but
 * the database's): two over a SQLite file, three over a PostgreSQL database, as several nodes'
 * sweepers and first starts would. Every operation is done exactly once when they all run it at
 * the same moment (test/workers/store-worker.ts).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { SMTPServer } from "smtp-server";
import { afterAll, describe, expect, it } from "vitest";
import { seedCatalog } from "../src/catalog/seed.js";
import { ManualClock } from "../src/clock.js";
import { silentLogger } from "../src/logger.js";
import { Decimal } from "../src/pricing/decimal.js";
import { createServices } from "../src/services.js";
import { openCatalogDatabase } from "../src/store/catalog/client.js";
import { PgStore } from "../src/store/postgres/store.js";
import { SqliteStore } from "../src/store/sqlite/store.js";
import type { Store } from "../src/store/store.js";
import { providerSeeds } from "../seed/index.js";
import { startTestServer } from "./helpers.js";
import { createTestDatabase, postgresAvailable, rawRow, rawRows, rawRun, type TestDatabase } from "./stores.js";

const directory = mkdtempSync(join(tmpdir(), "two-processes-"));
const databases: TestDatabase[] = [];
afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  for (const database of databases) await database.drop();
});
let files = 0;
const DAY = 24 * 3600_000;

const STORES = [
  { name: "two processes over one SQLite file", processes: 2, available: true, location: async () => join(directory, `store-${++files}.db`) },
  {
    name: "three processes over one PostgreSQL database",
    processes: 3,
    available: postgresAvailable,
    location: async () => {
      const database = await createTestDatabase();
      databases.push(database);
      return database.url;
    },
  },
];

const openOver = (location: string): Promise<Store> | Store =>
  location.startsWith("postgres://") ? PgStore.open(location, { max: 3 }) : SqliteStore.open(location);

/** Runs `operation` in `processes` worker processes at once; their results, in no particular order. */
async function raceIn(
  processes: number,
  path: string,
  operation: string,
  options: { argument?: string; env?: Record<string, string> } = {},
): Promise<unknown[]> {
  const workers = Array.from({ length: processes }, () => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/workers/store-worker.ts", path, operation, options.argument ?? ""], {
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "inherit"],
    });
    const lines = createInterface({ input: child.stdout! });
    const next = () => new Promise<string>((resolve) => lines.once("line", resolve));
    return { child, ready: next(), next };
  });
  for (const worker of workers) expect(await worker.ready).toBe("ready");
  const answers = workers.map((worker) => worker.next());
  for (const worker of workers) worker.child.stdin!.write("go\n");
  return (await Promise.all(answers)).map((line) => {
    const answer = JSON.parse(line) as { result?: unknown; error?: string };
    if (answer.error) throw new Error(`worker failed: ${answer.error}`);
    return answer.result;
  });
}

/** This process's services over the store, to set the scene and read the outcome. */
async function servicesOver(path: string, clock: ManualClock) {
  const store = await openOver(path);
  const catalog = openCatalogDatabase();
  seedCatalog(catalog, providerSeeds);
  const services = createServices({
    store,
    catalog,
    clock,
    jobTtlMs: 3600_000,
    idempotencyTtlMs: DAY,
    logger: silentLogger,
    billing: { sandboxWebhookSecret: "two-processes", mailFrom: "credits@test.local", checkoutTtlMs: 40 * DAY },
    selfUrl: () => "http://127.0.0.1:9",
  });
  const count = async (sql: string, ...args: unknown[]) => Number((await rawRow<{ n: unknown }>(store, sql, ...args))!.n);
  const close = async () => {
    await store.close();
    catalog.close();
  };
  return { store, services, count, close };
}

// Without PostgreSQL its suite is left out (vitest.config.ts has said so).
describe.each(STORES.filter((store) => store.available))(
  "$name",
  ({ processes, location: newFile }) => {
    const race = (path: string, operation: string, options?: { argument?: string; env?: Record<string, string> }) =>
      raceIn(processes, path, operation, options);
    it("migrate a new store once and agree on one generated admin key, printed by one of them", async () => {
      const path = await newFile();
      const generated = await race(path, "adminKey");
      expect(generated.filter((key) => key !== null)).toHaveLength(1);
      const { count, close } = await servicesOver(path, new ManualClock());
      expect(await count("select count(*) as n from metadata where key = 'admin_key_hash'")).toBe(1);
      expect(await count('select count(distinct hash) as n from "__drizzle_migrations"')).toBe(await count('select count(*) as n from "__drizzle_migrations"'));
      await close();
    });

    it("make one demo account", async () => {
      const path = await newFile();
      const made = await race(path, "demoAccount");
      expect(made.filter((id) => id !== null)).toHaveLength(1);
      const { count, close } = await servicesOver(path, new ManualClock());
      expect(await count("select count(*) as n from accounts")).toBe(1);
      expect(await count("select count(*) as n from ledger_entries where type = 'BONUS'")).toBe(1);
      await close();
    });

    it("reserve once for one idempotency key, and all answer with that job", async () => {
      const path = await newFile();
      const scene = await servicesOver(path, new ManualClock());
      const { accountId } = await scene.services.accountService.createAccount("Twice", { credits: new Decimal(100), provider: "ugen" });
      await scene.close();
      const jobIds = await race(path, "jobCreate", { argument: accountId });
      expect(jobIds[0]).toMatch(/^job_/);
      expect(new Set(jobIds)).toEqual(new Set([jobIds[0]]));
      const after = await servicesOver(path, new ManualClock());
      expect(await after.count("select count(*) as n from jobs")).toBe(1);
      expect(await after.count("select count(*) as n from ledger_entries where type = 'RESERVE'")).toBe(1);
      await after.close();
    });

    it("expire each reservation once", async () => {
      const path = await newFile();
      const clock = new ManualClock("2026-06-01T00:00:00.000Z");
      const scene = await servicesOver(path, clock);
      const { accountId } = await scene.services.accountService.createAccount("Late", { credits: new Decimal(100), provider: "ugen" });
      // Many, so that both sweepers read the due list before either has expired them all.
      for (let i = 0; i < 60; i++) {
        await scene.services.jobs.create(
          accountId,
          { micros: 1_000_000, productId: null, providerId: "ugen", estimate: null, describe: "a job" },
          { key: null, input: {} },
        );
      }
      await scene.close();
      const expired = await race(path, "expire", { env: { NOW: "2026-06-01T02:00:00.000Z" } });
      expect((expired as number[]).reduce((a, b) => a + b, 0)).toBe(60);
      const after = await servicesOver(path, clock);
      expect(await after.count("select count(*) as n from ledger_entries where type = 'RELEASE'")).toBe(60);
      expect(await after.services.store.reads.wallets.get(accountId, "ugen")).toMatchObject({ reservedMicros: 0, balanceMicros: 100_000_000 });
      await after.close();
    });

    it("start a due subscription period once, with one charge, and retry a past-due payment once, paid once", async () => {
      const path = await newFile();
      const clock = new ManualClock("2026-06-01T00:00:00.000Z");
      const scene = await servicesOver(path, clock);
      const { accountId } = await scene.services.accountService.createAccount("Subscriber", null, { mode: "TEST" });
      // A charge that is never answered: the sessions a renewal opens stay to be counted.
      await scene.services.billing.paymentMethods.attach(accountId, "tok_chargeDelayed", true);
      const subscription = await scene.services.billing.subscriptions.create(accountId, "creatify/plans/api-starter");
      await scene.close();

      const renewed = await race(path, "renew", { env: { NOW: "2026-07-01T00:00:00.000Z" } });
      expect((renewed as number[]).reduce((a, b) => a + b, 0)).toBe(1);
      const after = await servicesOver(path, clock);
      expect(
        await after.count(
          "select count(*) as n from checkout_sessions where subscription_id = ? and period_start = ?",
          subscription.id,
          "2026-07-01T00:00:00.000Z",
        ),
      ).toBe(1);
      // That period's charge is declined: the subscription is past due, with a retry due a day later.
      const session = (await rawRow<{ id: string }>(after.store, "select id from checkout_sessions where period_start = ?", "2026-07-01T00:00:00.000Z"))!;
      clock.advance(30 * DAY);
      await after.store.transaction(async (tx) => {
        const row = (await tx.checkoutSessions.get(session.id))!;
        await after.services.billing.checkout.close(tx, row, "DECLINED", "card declined", "PROVIDER");
      });
      expect(await after.services.billing.subscriptions.get(subscription.id)).toMatchObject({
        status: "PAST_DUE",
        nextPaymentAttemptAt: "2026-07-02T00:00:00.000Z",
      });

      // Every node retries it with a card that is paid at once, its webhook answered by a server over the same store.
      await rawRun(after.store, "update payment_methods set provider_token = 'tok_visa' where account_id = ?", accountId);
      await after.close();
      // Just before the retry is due (its first sweep retries nothing), near enough that the workers' signed webhooks are on time.
      clock.advance(DAY - 120_000);
      const receiver = await startTestServer({ store: await openOver(path), clock, billing: { sandboxWebhookSecret: "two-processes" } });
      const retried = await race(path, "retry", { env: { NOW: "2026-07-02T00:00:00.000Z", SELF_URL: receiver.url } });
      expect((retried as number[]).reduce((a, b) => a + b, 0)).toBe(1);
      await receiver.close();
      const final = await servicesOver(path, clock);
      const sessions = await rawRows<{ status: string }>(
        final.store,
        "select status from checkout_sessions where period_start = ? order by created_at",
        "2026-07-01T00:00:00.000Z",
      );
      expect(sessions.map((s) => s.status).sort()).toEqual(["COMPLETED", "DECLINED"]);
      expect(await final.count("select count(*) as n from ledger_entries where type = 'PURCHASE'")).toBe(1);
      expect(await final.services.billing.subscriptions.get(subscription.id)).toMatchObject({ status: "ACTIVE", nextPaymentAttemptAt: null });
      await final.close();
    });

    it("expire each grant once", async () => {
      const path = await newFile();
      const clock = new ManualClock("2026-06-01T00:00:00.000Z");
      const scene = await servicesOver(path, clock);
      const { accountId } = await scene.services.accountService.createAccount("Expiring");
      for (let i = 0; i < 40; i++) {
        await scene.services.credits.grant(accountId, "ugen", new Decimal(1), "promo", { expiresAt: new Date("2026-06-02T00:00:00.000Z"), priority: 0 }, null);
      }
      await scene.close();
      const expired = await race(path, "expireGrants", { env: { NOW: "2026-06-03T00:00:00.000Z" } });
      expect((expired as number[]).reduce((a, b) => a + b, 0)).toBe(40);
      const after = await servicesOver(path, clock);
      expect(await after.count("select count(*) as n from ledger_entries where type = 'EXPIRE'")).toBe(40);
      expect(await after.services.store.reads.wallets.get(accountId, "ugen")).toMatchObject({ balanceMicros: 0 });
      await after.close();
    });

    it("start one auto top-up when every node sees the balance fall below the threshold", async () => {
      const path = await newFile();
      const scene = await servicesOver(path, new ManualClock());
      const { accountId } = await scene.services.accountService.createAccount("Topped", { credits: new Decimal(10), provider: "ugen" }, { mode: "TEST" });
      // A charge that is never answered: the session stays in flight, to be counted.
      await scene.services.billing.paymentMethods.attach(accountId, "tok_chargeDelayed", true);
      await scene.services.billing.topUps.update(accountId, { enabled: true, thresholdCredits: new Decimal(50), packId: "ugen/packs/starter" });
      await scene.close();
      const started = await race(path, "topUp", { argument: accountId });
      expect(started.filter((s) => s === true)).toHaveLength(1);
      const after = await servicesOver(path, new ManualClock());
      expect(await after.count("select count(*) as n from checkout_sessions where account_id = ? and purpose = 'AUTO_TOP_UP'", accountId)).toBe(1);
      await after.close();
    });

    it("send each email of the outbox once", async () => {
      const received: string[] = [];
      const smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ["STARTTLS"],
        onData(stream, session, callback) {
          stream.resume();
          stream.on("end", () => {
            received.push(session.envelope.rcptTo.map((r) => r.address).join());
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
      const path = await newFile();
      const scene = await servicesOver(path, new ManualClock());
      const { accountId } = await scene.services.accountService.createAccount("Mailed");
      await scene.store.transaction(async (tx) => {
        for (let i = 0; i < 6; i++) {
          await tx.emails.insert({
            accountId,
            kind: "LOW_CREDITS",
            recipient: `ops${i}@example.com`,
            subject: "low",
            body: "low",
            createdAt: new Date().toISOString(),
          });
        }
      });
      await scene.close();
      const sent = await race(path, "email", { env: { SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}` } });
      expect((sent as number[]).reduce((a, b) => a + b, 0)).toBe(6);
      expect(received.sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `ops${i}@example.com`));
      await new Promise<void>((resolve) => smtp.close(resolve));
    });
  },
  60_000,
); // Three processes starting under a loaded machine (the whole suite) take their time.
