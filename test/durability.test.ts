/**
 * Group-committed ledger writes commit without waiting for the disk and fsync the WAL off the
 * event loop. An answer must still never get ahead of the disk: a mutation is acknowledged, and
 * anything a query read is shown, only once the fsync covering it has finished.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Decimal } from "../src/pricing/decimal.js";
import { SqliteStore } from "../src/store/sqlite/store.js";
import { createTestAccount, readMetrics, startTestServer } from "./helpers.js";
import { createLedgerKit } from "./ledger-kit.js";

interface Sync {
  path: string;
  finish: () => void;
  fail: (error: Error) => void;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server on a SQLite file whose WAL fsyncs finish only when the test says so (once `held`). */
async function serverWithHeldSyncs() {
  const directory = mkdtempSync(join(tmpdir(), "durability-"));
  const path = join(directory, "ledger.db");
  const syncs: Sync[] = [];
  const control = { held: false };
  const store = SqliteStore.open(path, {
    syncFile: (file) => (control.held ? new Promise<void>((finish, fail) => syncs.push({ path: file, finish, fail })) : Promise.resolve()),
  });
  const server = await startTestServer({ store });
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  cleanups.push(() => server.close());
  const { key } = await createTestAccount(server, "Durable", "100");
  return { server, path, syncs, control, key };
}

const JOB_CREATE = `mutation { jobCreate(input: { credits: "10" }) { job { id status } userErrors { code } } }`;
const AVAILABLE = `{ viewer { available reserved } }`;

/** Whether a promise settled within a short wait (it should not have, while its fsync is held). */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 60));
  return settled;
}

function jobCount(path: string): number {
  const reader = new BetterSqlite3(path, { readonly: true });
  try {
    return (reader.prepare("select count(*) as n from jobs").get() as { n: number }).n;
  } finally {
    reader.close();
  }
}

async function waitForSync(syncs: Sync[], count: number): Promise<void> {
  await vi.waitFor(() => expect(syncs.length).toBeGreaterThanOrEqual(count), { timeout: 2000, interval: 5 });
}

describe("durability of group-committed writes", () => {
  it("settles a queued ledger operation, and tells observers, only after the fsync", async () => {
    const directory = mkdtempSync(join(tmpdir(), "durability-"));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const syncs: Sync[] = [];
    const control = { held: false };
    const heard: string[] = [];
    const { store, credits, account } = createLedgerKit({
      path: join(directory, "ledger.db"),
      hooks: [{ afterCommit: (accountId) => void heard.push(accountId) }],
      store: { syncFile: (path) => (control.held ? new Promise<void>((finish, fail) => syncs.push({ path, finish, fail })) : Promise.resolve()) },
    });
    cleanups.push(() => store.close());
    const accountId = await account("Queued");
    control.held = true;

    const granting = credits.grant(accountId, "ugen", new Decimal(5), "queued grant");
    await waitForSync(syncs, 1);
    expect(await settledSoon(granting)).toBe(false);
    expect(heard).toEqual([]);
    syncs[0].finish();
    expect((await granting).result.transactionId).toMatch(/^txn_/);
    expect(heard).toEqual([accountId]);
  });

  it("acknowledges a job only after the WAL fsync that covers it, and holds back reads of it too", async () => {
    const { server, path, syncs, control, key } = await serverWithHeldSyncs();
    // Twice, so that the query is run directly from then on (graphql/direct-execution.ts).
    for (let i = 0; i < 2; i++) await server.gql(AVAILABLE, {}, key);
    control.held = true;

    const creating = server.gql(JOB_CREATE, {}, key);
    await waitForSync(syncs, 1);
    expect(syncs[0].path).toBe(`${path}-wal`);
    // Committed (another connection sees it) but not acknowledged while the fsync runs.
    expect(jobCount(path)).toBe(1);
    expect(await settledSoon(creating)).toBe(false);

    // A query that would show the reservation waits for the same fsync, whether it runs directly
    // or through Apollo (a document not seen before).
    const reading = server.gql(AVAILABLE, {}, key);
    const readingNew = server.gql(`${AVAILABLE} # new`, {}, key);
    expect(await settledSoon(reading)).toBe(false);
    expect(await settledSoon(readingNew)).toBe(false);

    control.held = false;
    syncs[0].finish();
    const created = await creating;
    expect(created.body.data.jobCreate).toMatchObject({ job: { status: "RESERVED" }, userErrors: [] });
    expect((await reading).body.data.viewer).toEqual({ available: "90", reserved: "10" });
    expect((await readingNew).body.data.viewer).toEqual({ available: "90", reserved: "10" });
    const metrics = await readMetrics(server);
    expect(metrics).toMatch(/^graphql_direct_executions_total 1$/m);
  });

  it("gathers what arrives during an fsync into the next single commit", async () => {
    const { server, syncs, control, key } = await serverWithHeldSyncs();
    control.held = true;
    const first = server.gql(JOB_CREATE, {}, key);
    await waitForSync(syncs, 1);
    const more = [1, 2, 3, 4].map(() => server.gql(JOB_CREATE, {}, key));
    // While the first batch's fsync is held, the others wait in the queue: no second commit.
    expect(await settledSoon(Promise.all(more))).toBe(false);
    expect(syncs).toHaveLength(1);
    syncs[0].finish();
    await first;
    // Then all four commit together, covered by one more fsync.
    await waitForSync(syncs, 2);
    expect(syncs).toHaveLength(2);
    control.held = false;
    syncs[1].finish();
    const answers = await Promise.all(more);
    expect(answers.map((a) => a.body.data.jobCreate.userErrors)).toEqual([[], [], [], []]);
  });

  it("does not acknowledge a write whose fsync failed (SERVICE_UNAVAILABLE, outcome unknown), answers nothing more, and reports itself unhealthy", async () => {
    const { server, syncs, control, key } = await serverWithHeldSyncs();
    control.held = true;
    const creating = server.gql(JOB_CREATE, {}, key);
    await waitForSync(syncs, 1);
    syncs[0].fail(Object.assign(new Error("EIO: i/o error, fsync"), { code: "EIO" }));

    // Committed, but not known to be on disk: the typed, retryable error that says the outcome is unknown.
    const answer = await creating;
    expect(answer.body.data?.jobCreate ?? null).toBeNull();
    expect({ status: answer.status, extensions: answer.body.errors?.[0]?.extensions }).toEqual({
      status: 503,
      extensions: { code: "SERVICE_UNAVAILABLE", retryable: true, outcomeUnknown: true },
    });
    // A read is not answered from what may not be on disk, nor a write taken: both are SERVICE_UNAVAILABLE.
    for (const query of [AVAILABLE, JOB_CREATE]) {
      const refused = await server.gql(query, {}, key);
      expect({ status: refused.status, code: refused.body.errors?.[0]?.extensions?.code, retryable: refused.body.errors?.[0]?.extensions?.retryable }).toEqual({
        status: 503,
        code: "SERVICE_UNAVAILABLE",
        retryable: true,
      });
    }
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(503);
  });
});
