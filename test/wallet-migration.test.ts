/**
 * A database made by the version before wallets (test/fixtures/before-wallets.db, described in
 * before-wallets.md) upgraded by this one: every entry is kept, each account's pool becomes its
 * legacy (U-Gen) wallet, and credits of known origin move to their provider's wallet.
 */
import Database from "better-sqlite3";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../src/clock.js";
import { SqliteStore } from "../src/store/sqlite/store.js";
import { startTestServer, type TestServer } from "./helpers.js";
import { rawRows } from "./stores.js";

const ALICE = "pak_b6c02b5adbfb721c_eAhyF1b4suJiaAbZ9j5X0g3YylZkrPr96x0VbS3ZBZ0";
const BOB = "pak_aa81c2af545a3bdd_JikkSyR_AC9jljKHgZNlmJGbqaBN1CoZorcToTjYlx8";
const EMPTY = "pak_693efb91a16e20ca_Md_3SernzBIuYUl-rkDMf52PZIxKqTap_45oW3ACT1Q";

let directory: string;
let path: string;
let server: TestServer;
beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "wallet-migration-"));
  path = join(directory, "pricing.db");
  // A copy: opening the fixture itself would change it.
  copyFileSync(new URL("./fixtures/before-wallets.db", import.meta.url), path);
  // A demo account as the first versions made it: no metadata key, only its welcome credits say what it is.
  const old = new Database(path);
  old.prepare("insert into accounts (id, name, balance_micros, last_sequence) values ('acct_0000000000de0000', 'Demo account', 1000000000, 1)").run();
  old
    .prepare(
      "insert into ledger_entries (id, account_id, sequence, type, amount_micros, available_before_micros, available_after_micros, description) values ('txn_00000000000000000000de00', 'acct_0000000000de0000', 1, 'BONUS', 1000000000, 0, 1000000000, 'Welcome credits for the demo account')",
    )
    .run();
  old.close();
  // The fixture's open job expires 24 h after it was made (2026-12-02T04:21Z): read it as of then.
  server = await startTestServer({ store: SqliteStore.open(path), clock: new ManualClock("2026-12-02T12:00:00.000Z") });
});
afterAll(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

const WALLETS = `{ viewer { wallets { provider { id } balance reserved available owed grants { nodes { kind source amount remaining held } } } } }`;
const ask = async (key: string, query: string) => {
  const { body } = await server.gql(query, undefined, { "x-api-key": key });
  expect(body.errors).toBeUndefined();
  return body.data;
};

describe("a database from before modes", () => {
  it("keeps its accounts LIVE, but for the demo account, whose credits were free: TEST", async () => {
    const modes = Object.fromEntries(
      (await rawRows<{ id: string; mode: string }>(server.store, "select id, mode from accounts")).map((row) => [row.id, row.mode]),
    );
    expect(modes).toEqual({ acct_d29e62ae9618cff1: "LIVE", acct_9cdf7735131f73f9: "LIVE", acct_2d82aa9d314190f7: "LIVE", acct_0000000000de0000: "TEST" });
    expect((await ask(ALICE, `{ viewer { mode } }`)).viewer.mode).toBe("LIVE");
  });
});

describe("a database from before wallets", () => {
  it("keeps the pool in the legacy wallet and moves credits of known origin to their provider's", async () => {
    const { viewer } = await ask(ALICE, WALLETS);
    // Alice had 1585 (15 held): a U-Gen pack (1000), a Creatify period (500), 100 bonus less 20 used, 5 refunded.
    expect(viewer.wallets).toEqual([
      {
        provider: { id: "creatify" },
        balance: "500",
        reserved: "0",
        available: "500",
        owed: "0",
        grants: { nodes: [{ kind: "SUBSCRIPTION", source: "MIGRATION", amount: "500", remaining: "500", held: "0" }] },
      },
      {
        provider: { id: "ugen" },
        balance: "1085",
        reserved: "15",
        available: "1070",
        owed: "0",
        grants: { nodes: [{ kind: "PAID", source: "MIGRATION", amount: "1585", remaining: "1085", held: "15" }] },
      },
    ]);
    expect((await ask(BOB, WALLETS)).viewer.wallets).toMatchObject([{ provider: { id: "ugen" }, balance: "40", reserved: "0" }]);
    expect((await ask(EMPTY, WALLETS)).viewer.wallets).toEqual([]);
  });

  it("keeps every entry, chained per wallet, and records the moves", async () => {
    const { viewer } = await ask(
      ALICE,
      `{ viewer { transactions(first: 100) { nodes { type amount balanceBefore balanceAfter sequence provider { id } } } } }`,
    );
    const rows = viewer.transactions.nodes.reverse().map((n: any) => `${n.provider.id} #${n.sequence} ${n.type} ${n.amount} -> ${n.balanceAfter}`);
    expect(rows).toEqual([
      "ugen #1 BONUS 100 -> 100",
      "ugen #2 PURCHASE 1000 -> 1100",
      "ugen #3 PURCHASE 500 -> 1600",
      "ugen #4 RESERVE -30 -> 1570",
      "ugen #5 RELEASE 30 -> 1600",
      "ugen #6 CONSUME -20 -> 1580",
      "ugen #7 REFUND 5 -> 1585",
      "ugen #8 RESERVE -15 -> 1570",
      "ugen #9 MIGRATION -500 -> 1070",
      "creatify #1 MIGRATION 500 -> 500",
    ]);
    expect(await server.audit()).toEqual([]);
  });

  it("lets the job left open complete, and refunds a consumption from before wallets as a grant", async () => {
    const { viewer } = await ask(
      ALICE,
      `{ viewer { jobs(status: RESERVED) { nodes { id provider { id } } } consumed: transactions(type: CONSUME) { nodes { id } } } }`,
    );
    expect(viewer.jobs.nodes).toEqual([{ id: "job_961540b5443eb22d16da37af", provider: { id: "ugen" } }]);
    const done = await ask(
      ALICE,
      `mutation { jobComplete(input: { jobId: "job_961540b5443eb22d16da37af", consumedCredits: "10" }) { account { balance(provider: "ugen") reserved(provider: "ugen") } userErrors { code } } }`,
    );
    expect(done.jobComplete).toEqual({ account: { balance: "1075", reserved: "0" }, userErrors: [] });
    const old = viewer.consumed.nodes.at(-1).id;
    const { body } = await server.gql(
      `mutation ($id: ID!) { transactionRefund(input: { transactionId: $id, credits: "15", reason: "before wallets" }) { transaction { type amount grants { grant { kind source } credits } } userErrors { code message } } }`,
      { id: old },
      { "x-api-key": "test-admin-key-0123456789abcdef" },
    );
    expect(body.data.transactionRefund.transaction).toEqual({
      type: "REFUND",
      amount: "15",
      grants: [{ grant: { kind: "PROMOTIONAL", source: "ADMIN" }, credits: "15" }],
    });
    expect(await server.audit()).toEqual([]);
  });

  it("moves the credits once, also across restarts", async () => {
    await server.close();
    // The fixture's open job expires 24 h after it was made (2026-12-02T04:21Z): read it as of then.
    server = await startTestServer({ store: SqliteStore.open(path), clock: new ManualClock("2026-12-02T12:00:00.000Z") });
    const { viewer } = await ask(ALICE, `{ viewer { transactions(type: MIGRATION) { nodes { amount } } } }`);
    expect(viewer.transactions.nodes).toHaveLength(2);
  });
});
