/**
 * The PostgreSQL store's own promises: conflicts retried a bounded number of times, then a clear
 * retryable error; a connection lost during COMMIT said to leave the outcome unknown; /health on
 * a connection of its own.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type PgStore } from "../src/store/postgres/store.js";
import { StoreUnavailableError } from "../src/store/store.js";
import { createTestAccount, startTestServer, until } from "./helpers.js";
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

  it("fails a transaction whose failed statement the work swallowed: PostgreSQL answered its COMMIT with ROLLBACK", async () => {
    const kit = createLedgerKit<PgStore>({ over: store });
    const accountId = await kit.account("Swallowed");
    const failure = await store
      .transaction(async (tx) => {
        await tx.emails.insert({
          accountId,
          kind: "LOW_CREDITS",
          recipient: "ops@example.com",
          subject: "kept?",
          body: "kept?",
          createdAt: new Date().toISOString(),
        });
        // A statement that fails, caught and ignored: the transaction is aborted all the same.
        await tx.subscriptions.insertGrant({ subscriptionId: "sub_missing", periodStart: "2026-01-01", transactionId: "txn_missing" }).catch(() => undefined);
        return "done";
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/rolled back at COMMIT/);
    expect((await store.query("select * from email_outbox where account_id = $1", [accountId])).rows).toEqual([]);
  });

  it("answers a refusal that passes (a lock not available, a statement timeout) as retryable, without running it again", async () => {
    for (const code of ["55P03", "57014", "53300"]) {
      let attempts = 0;
      const failure = await store
        .transaction(async () => {
          attempts++;
          throw Object.assign(new Error("canceling statement due to lock timeout"), { code });
        })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StoreUnavailableError);
      expect(attempts).toBe(1);
    }
  });

  it("says the outcome is unknown when the connection is lost during COMMIT, and the idempotency key makes the retry safe", async () => {
    const server = await startTestServer({ store });
    const buyer = await createTestAccount(server, "Cut off at COMMIT", "100");
    // A deferred trigger makes COMMIT itself take a second: time to cut the connection while it runs.
    await store.query(`create function slow_commit() returns trigger language plpgsql as $$ begin perform pg_sleep(1); return null; end $$`);
    await store.query(`create constraint trigger slow_commit after insert on jobs deferrable initially deferred for each row execute function slow_commit()`);
    const create = () =>
      server.gql(
        `mutation { jobCreate(input: { credits: "10", idempotencyKey: "cut-at-commit" }) { job { id status } userErrors { code } } }`,
        undefined,
        buyer.key,
      );
    const answer = create();
    await until(
      async () =>
        (await store.query<{ pid: number }>(`select pid from pg_stat_activity where query = 'COMMIT' and state = 'active' and pid <> pg_backend_pid()`)).rows,
      (rows) => rows.length === 1,
    ).then(([{ pid }]) => store.query("select pg_terminate_backend($1)", [pid]));
    const cut = await answer;
    expect(cut.status).toBe(503);
    expect(cut.body.errors![0]).toMatchObject({ extensions: { code: "SERVICE_UNAVAILABLE", retryable: true, outcomeUnknown: true } });
    expect(cut.body.errors![0].message).toMatch(/may or may not have been made.*same idempotency key/);
    await store.query("drop trigger slow_commit on jobs");
    // It was not made (PostgreSQL never finished the COMMIT); the retry with its key makes it once.
    const retried = await create();
    expect(retried.body.data.jobCreate).toMatchObject({ job: { status: "RESERVED" }, userErrors: [] });
    expect((await create()).body.data.jobCreate.job.id).toBe(retried.body.data.jobCreate.job.id);
    expect((await server.gql(`{ viewer { available(provider: "ugen") } }`, undefined, buyer.key)).body.data.viewer.available).toBe("90");
    expect(await server.audit()).toEqual([]);
    await server.app.close();
    server.catalog.close();
  });

  it("answers /health from a connection of its own, so a node whose pool is all busy is not reported down", async () => {
    const busy = await openPgTestStore({ max: 1 });
    const held = gate();
    const holding = busy.transaction(() => held.opened);
    expect(await busy.healthy()).toBe(true);
    held.open();
    await holding;
    await busy.close();
    expect(await busy.healthy()).toBe(false);
  });
});
