/** Group commit: units of work queued together share one transaction and one commit, and fail alone. */
import { describe, expect, it } from "vitest";
import { auditAccount } from "../src/accounts/audit.js";
import type { TransactionType } from "../src/accounts/ledger.js";
import { DomainError } from "../src/errors.js";
import { Decimal } from "../src/pricing/decimal.js";
import { createLedgerKit } from "./ledger-kit.js";

function setup() {
  const commits: Array<[string, TransactionType[]]> = [];
  const kit = createLedgerKit({ hooks: [{ afterCommit: (accountId, _providerId, types) => void commits.push([accountId, [...types]]) }] });
  return { ...kit, commits };
}

describe("group commit", () => {
  it("commits units of work queued in one turn together, once", async () => {
    const { store, credits, commits, account } = setup();
    const accountId = await account("Batch");
    const before = store.commitCount;
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => credits.grant(accountId, "ugen", new Decimal(n), `grant ${n}`)));
    expect(new Set(results.map((r) => r.result.transactionId)).size).toBe(5);
    expect(store.commitCount - before).toBe(1);
    expect(commits).toEqual([1, 2, 3, 4, 5].map(() => [accountId, ["BONUS"]]));
    expect(await auditAccount(store.reads, accountId)).toEqual([]);
    await store.close();
  });

  it("rolls back only the unit that failed; the others commit and hooks hear only of them", async () => {
    const { store, credits, jobs, commits, account } = setup();
    const accountId = await account("Batch");
    await credits.grant(accountId, "ugen", new Decimal(10), "start");
    commits.length = 0;
    const job = (amount: number) =>
      jobs.create(accountId, { micros: amount * 1_000_000, productId: null, providerId: "ugen", estimate: null, describe: "a job" }, { key: null, input: {} });
    const before = store.commitCount;
    const outcomes = await Promise.allSettled([job(4), job(7), job(5)]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(store.commitCount - before).toBe(1);
    const failure = (outcomes[1] as PromiseRejectedResult).reason;
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure.code).toBe("INSUFFICIENT_CREDITS");
    expect(commits).toEqual([
      [accountId, ["RESERVE"]],
      [accountId, ["RESERVE"]],
    ]);
    const { n } = store.sqlite.prepare("select count(*) as n from jobs").get() as { n: number };
    expect(n).toBe(2);
    expect(await auditAccount(store.reads, accountId)).toEqual([]);
    await store.close();
  });

  it("starts a new batch for what is queued after a flush", async () => {
    const { store, credits, commits, account } = setup();
    const accountId = await account();
    commits.length = 0;
    await credits.grant(accountId, "ugen", new Decimal(1), "first");
    await credits.grant(accountId, "ugen", new Decimal(1), "second");
    expect(commits).toHaveLength(2);
    await store.close();
  });

  it("refuses a transaction opened inside a unit of work, which would wait for its own batch", async () => {
    const { store, credits, account } = setup();
    const accountId = await account();
    const nested = store.transaction(async () => store.transaction(async () => "inner"));
    await expect(nested).rejects.toThrow(/inside a unit of work/);
    // The refusal rolled back only that unit: the store keeps committing.
    await credits.grant(accountId, "ugen", new Decimal(1), "after");
    expect(await auditAccount(store.reads, accountId)).toEqual([]);
    await store.close();
  });

  it("never runs two batches at once: work queued during a commit waits for it, then commits", async () => {
    const { store, credits, account } = setup();
    const accountId = await account();
    const first = Promise.all([1, 2, 3].map((n) => credits.grant(accountId, "ugen", new Decimal(n), `a${n}`)));
    // Queued while the first batch is being written and synced.
    await new Promise((resolve) => setImmediate(resolve));
    const second = Promise.all([4, 5].map((n) => credits.grant(accountId, "ugen", new Decimal(n), `b${n}`)));
    await Promise.all([first, second]);
    const { n } = store.sqlite.prepare("select count(*) as n from ledger_entries where type = 'BONUS'").get() as { n: number };
    expect(n).toBe(5);
    expect(await auditAccount(store.reads, accountId)).toEqual([]);
    await store.close();
  });
});

describe("hooks after a commit", () => {
  it("cannot turn a committed unit into a failure by throwing", async () => {
    const failures: unknown[] = [];
    const kit = createLedgerKit({
      hooks: [
        {
          afterCommit: () => {
            throw new Error("hook bug");
          },
        },
      ],
      store: { onHookError: (error) => failures.push(error) },
    });
    const accountId = await kit.account("Observed");
    const outcome = await kit.credits.grant(accountId, "ugen", new Decimal(3), "grant");
    expect(outcome.result.transactionId).toMatch(/^txn_/);
    expect(failures).toHaveLength(1);
    expect(await auditAccount(kit.store.reads, accountId)).toEqual([]);
    await kit.store.close();
  });
});
