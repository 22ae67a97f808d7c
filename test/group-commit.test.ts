/** Group commit: operations queued together share one transaction and one commit, and fail alone. */
import { describe, expect, it } from "vitest";
import { auditAccount } from "../src/accounts/audit.js";
import { Ledger, LedgerError, type TransactionType } from "../src/accounts/ledger.js";
import { ManualClock } from "../src/clock.js";
import { IN_MEMORY, openDatabase } from "../src/db/client.js";
import { Decimal } from "../src/pricing/decimal.js";

function setup() {
  const database = openDatabase(IN_MEMORY);
  const ledger = new Ledger(database, { clock: new ManualClock(), jobTtlMs: 3600_000, idempotencyTtlMs: 86_400_000 });
  const commits: Array<[string, TransactionType[]]> = [];
  ledger.observe({ afterCommit: (accountId, types) => commits.push([accountId, [...types]]) });
  const accountId = ledger.createAccount("Batch").id;
  return { database, ledger, commits, accountId };
}

describe("group commit", () => {
  it("commits operations queued in one turn together, once", async () => {
    const { database, ledger, commits, accountId } = setup();
    const grants = [1, 2, 3, 4, 5].map((n) => ledger.enqueue(() => ledger.grant(accountId, new Decimal(n), `grant ${n}`)));
    const results = await Promise.all(grants);
    expect(new Set(results.map((r) => r.result.transactionId)).size).toBe(5);
    expect(commits).toEqual([[accountId, ["BONUS", "BONUS", "BONUS", "BONUS", "BONUS"]]]);
    expect(auditAccount(database, accountId)).toEqual([]);
  });

  it("rolls back only the operation that failed; the others commit and observers hear only of them", async () => {
    const { database, ledger, commits, accountId } = setup();
    await ledger.enqueue(() => ledger.grant(accountId, new Decimal(10), "start"));
    commits.length = 0;
    const job = (credits: number) =>
      ledger.enqueue(() =>
        ledger.createJob(accountId, { micros: credits * 1_000_000, productId: null, estimate: null, describe: "a job" }, { key: null, input: {} }),
      );
    const outcomes = await Promise.allSettled([job(4), job(7), job(5)]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const failure = (outcomes[1] as PromiseRejectedResult).reason;
    expect(failure).toBeInstanceOf(LedgerError);
    expect(failure.code).toBe("INSUFFICIENT_CREDITS");
    expect(commits).toEqual([[accountId, ["RESERVE", "RESERVE"]]]);
    const { n } = database.sqlite.prepare("select count(*) as n from jobs").get() as { n: number };
    expect(n).toBe(2);
    expect(auditAccount(database, accountId)).toEqual([]);
  });

  it("starts a new batch for what is queued after a flush", async () => {
    const { ledger, commits, accountId } = setup();
    await ledger.enqueue(() => ledger.grant(accountId, new Decimal(1), "first"));
    await ledger.enqueue(() => ledger.grant(accountId, new Decimal(1), "second"));
    expect(commits).toHaveLength(2);
  });
});

describe("observers", () => {
  it("cannot turn a committed operation into a failure by throwing", async () => {
    const database = openDatabase(IN_MEMORY);
    const failures: unknown[] = [];
    const ledger = new Ledger(database, {
      clock: new ManualClock(),
      jobTtlMs: 3600_000,
      idempotencyTtlMs: 86_400_000,
      onObserverError: (error) => failures.push(error),
    });
    ledger.observe({
      afterCommit: () => {
        throw new Error("observer bug");
      },
    });
    const accountId = ledger.createAccount("Observed").id;
    const outcome = await ledger.enqueue(() => ledger.grant(accountId, new Decimal(3), "grant"));
    expect(outcome.result.transactionId).toMatch(/^txn_/);
    expect(failures).toHaveLength(1);
    expect(auditAccount(database, accountId)).toEqual([]);
  });
});
