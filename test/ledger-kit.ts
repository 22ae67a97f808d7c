/** The ledger's services over a scratch store, without a server: for tests of the ledger itself. */
import { AccountTime } from "../src/accounts/account-time.js";
import { CreditService } from "../src/accounts/grants.js";
import { JobService } from "../src/accounts/jobs.js";
import { CreditLedger, type LedgerHooks } from "../src/accounts/ledger.js";
import { AccountService } from "../src/accounts/service.js";
import { WalletBook } from "../src/accounts/wallet-book.js";
import { ManualClock } from "../src/clock.js";
import { EventLog } from "../src/events/log.js";
import { providerSeeds } from "../seed/index.js";
import { IN_MEMORY, SqliteStore, type SqliteStoreOptions } from "../src/store/sqlite/store.js";
import type { Store } from "../src/store/store.js";

/** The services over `over` (an open store, which the kit never closes) or else a SQLite file (`path`, or a scratch one). */
export function createLedgerKit<S extends Store = SqliteStore>(
  options: { path?: string; over?: S; jobTtlMs?: number; hooks?: LedgerHooks[]; store?: SqliteStoreOptions; clock?: ManualClock } = {},
) {
  const clock = options.clock ?? new ManualClock();
  const store = (options.over ?? SqliteStore.open(options.path ?? IN_MEMORY, options.store)) as S;
  const owned = options.over === undefined;
  const time = new AccountTime(store.reads, clock);
  const ledger = new CreditLedger(time, options.hooks ?? []);
  const events = new EventLog(clock);
  const book = new WalletBook(ledger, events);
  const known = (id: string) => providerSeeds.some((seed) => seed.id === id);
  const credits = new CreditService(store, book, time, known);
  const jobs = new JobService(store, book, time, options.jobTtlMs ?? 3600_000, known, events);
  const accounts = new AccountService(store, credits, time);
  return {
    clock,
    store,
    credits,
    jobs,
    accounts,
    /** A new account's id. */
    async account(name = "Test"): Promise<string> {
      return (await accounts.createAccount(name)).accountId;
    },
    /** Closes the store, unless it was given. */
    async close(): Promise<void> {
      if (owned) await store.close();
    },
  };
}

export type LedgerKit = ReturnType<typeof createLedgerKit>;
