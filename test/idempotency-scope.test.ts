/**
 * Idempotency keys are scoped per caller and operation, as Stripe scopes them per API key: an
 * account's keys and the admin's never collide, so no customer can block an operator's grant or
 * refund by guessing its key. Also: a database from before the scoping keeps its keys.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../src/store/sqlite/store.js";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, type TestServer } from "./helpers.js";
import { STORE_KIND } from "./stores.js";

const admin = { "x-api-key": TEST_ADMIN_KEY };
let server: TestServer;
beforeAll(async () => (server = await startTestServer()));
afterAll(() => server.close());

const JOB_CREATE = `mutation ($key: String) { jobCreate(input: { credits: "5", idempotencyKey: $key }) { job { id } userErrors { code message } } }`;
const GRANT = `mutation ($id: ID!, $key: String, $credits: Decimal!) {
  creditsGrant(input: { accountId: $id, provider: "ugen", credits: $credits, reason: "goodwill", idempotencyKey: $key }) { transaction { id } userErrors { code message } } }`;

describe("idempotency key scopes", () => {
  it("keeps an account's keys apart from the admin's, both ways", async () => {
    const customer = await createTestAccount(server, "Guesser", "100");
    const job = await server.gql(JOB_CREATE, { key: "collide-1" }, customer.key);
    expect(job.body.data.jobCreate.userErrors).toEqual([]);
    const grant = await server.gql(GRANT, { id: customer.accountId, key: "collide-1", credits: "7" }, admin);
    expect(grant.body.data.creditsGrant.userErrors).toEqual([]);

    // The reverse order: the admin's key first, then the customer's.
    const grantFirst = await server.gql(GRANT, { id: customer.accountId, key: "collide-2", credits: "3" }, admin);
    expect(grantFirst.body.data.creditsGrant.userErrors).toEqual([]);
    const jobAfter = await server.gql(JOB_CREATE, { key: "collide-2" }, customer.key);
    expect(jobAfter.body.data.jobCreate.userErrors).toEqual([]);

    const { body } = await server.gql(`{ viewer { balance transactions(type: BONUS) { nodes { amount } } } }`, undefined, customer.key);
    expect(body.data.viewer).toEqual({ balance: "110", transactions: { nodes: [{ amount: "3" }, { amount: "7" }, { amount: "100" }] } });
  });

  it("replays the admin's retry and refuses the admin's key reused for another account", async () => {
    const a = await createTestAccount(server, "A");
    const b = await createTestAccount(server, "B");
    const first = await server.gql(GRANT, { id: a.accountId, key: "grant-2026-12", credits: "10" }, admin);
    const retry = await server.gql(GRANT, { id: a.accountId, key: "grant-2026-12", credits: "10" }, admin);
    expect(retry.body.data.creditsGrant.transaction.id).toBe(first.body.data.creditsGrant.transaction.id);
    const other = await server.gql(GRANT, { id: b.accountId, key: "grant-2026-12", credits: "10" }, admin);
    expect(other.body.data.creditsGrant).toMatchObject({ transaction: null, userErrors: [{ code: "IDEMPOTENCY_KEY_REUSED" }] });
  });
});

// A SQLite file from before the scoping; PostgreSQL databases began with it.
describe.runIf(STORE_KIND === "sqlite")("migrating keys stored per account", () => {
  const dir = mkdtempSync(join(tmpdir(), "idem-migration-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("moves jobCreate keys to the account's scope and the admin's operations to the admin's", async () => {
    // A database at migration 0005, the last one before the scoping.
    const folder = join(dir, "drizzle");
    cpSync(new URL("../drizzle/sqlite", import.meta.url), folder, { recursive: true });
    const journalPath = join(folder, "meta", "_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8"));
    journal.entries = journal.entries.filter((entry: { idx: number }) => entry.idx <= 5);
    writeFileSync(journalPath, JSON.stringify(journal));
    const path = join(dir, "old.db");
    const old = new BetterSqlite3(path);
    migrate(drizzle(old), { migrationsFolder: folder });
    old.exec(`insert into accounts (id, name) values ('acct_1', 'One');
      insert into idempotency_keys (account_id, key, operation, request_hash, result) values
        ('acct_1', 'k1', 'jobCreate', 'h1', '{}'), ('acct_1', 'k2', 'creditsGrant', 'h2', '{}'), ('acct_1', 'k3', 'transactionRefund', 'h3', '{}');`);
    old.close();

    const database = SqliteStore.open(path);
    const rows = database.sqlite.prepare("select scope, operation, key from idempotency_keys order by key").all();
    await database.close();
    expect(rows).toEqual([
      { scope: "account:acct_1", operation: "jobCreate", key: "k1" },
      { scope: "admin", operation: "creditsGrant", key: "k2" },
      { scope: "admin", operation: "transactionRefund", key: "k3" },
    ]);
  });
});
