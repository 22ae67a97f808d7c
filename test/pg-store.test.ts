/** The PostgreSQL store's own promises: conflicts retried a bounded number of times, then a clear retryable error. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { PgStore } from "../src/store/postgres/store.js";
import { StoreUnavailableError } from "../src/store/store.js";
import { createLedgerKit } from "./ledger-kit.js";
import { describePostgres, openPgTestStore, postgresAvailable } from "./stores.js";

let store: PgStore;
beforeAll(async () => {
  if (postgresAvailable) store = await openPgTestStore();
});
afterAll(() => store?.close());

/** A promise and its resolver, to hold two transactions at a given point. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describePostgres("the PostgreSQL store", () => {
  it("runs again a transaction that PostgreSQL aborted as a deadlock victim, so both commit", async () => {
    const kit = createLedgerKit<PgStore>({ over: store });
    const [a, b] = [await kit.account("A"), await kit.account("B")];
    const [aLocked, bLocked] = [gate(), gate()];
    let attempts = 0;
    // Each locks one wallet, waits until the other has locked the other, then asks for it: a deadlock.
    const crossing = (first: string, second: string, mine: ReturnType<typeof gate>, theirs: ReturnType<typeof gate>) =>
      store.transaction(async (tx) => {
        attempts++;
        await tx.wallets.lock(first, "ugen");
        mine.open();
        await theirs.opened;
        await tx.wallets.lock(second, "ugen");
        return first;
      });
    const results = await Promise.all([crossing(a, b, aLocked, bLocked), crossing(b, a, bLocked, aLocked)]);
    expect(results).toEqual([a, b]);
    expect(attempts).toBe(3);
  });

  it("gives up after a bounded number of conflicts with a retryable StoreUnavailableError", async () => {
    let attempts = 0;
    const failure = await store
      .transaction(async (tx) => {
        attempts++;
        await tx.savepoint(async () => undefined);
        throw Object.assign(new Error("could not serialize access due to concurrent update"), { code: "40001" });
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as Error).message).toMatch(/retry/);
    expect(attempts).toBe(5);
  });

  it("does not run again a transaction that failed for any other reason", async () => {
    let attempts = 0;
    const failure = await store
      .transaction(async () => {
        attempts++;
        throw new Error("a domain refusal");
      })
      .catch((error: unknown) => error);
    expect((failure as Error).message).toBe("a domain refusal");
    expect(attempts).toBe(1);
  });
});
