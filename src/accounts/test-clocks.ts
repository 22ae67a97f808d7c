/**
 * Test clocks, as Stripe's: an admin makes a clock at a frozen time and TEST accounts on it; moving
 * the clock forward runs, before it answers, what falls due for those accounts on the way (grant
 * expiry, reservation timeouts, checkout expiry, subscription renewals and their payments, dunning
 * retries, auto top-up retries), a day at a time, so that what falls due early happens first. The
 * server's own clock never moves, and LIVE accounts never follow a clock (a CHECK refuses it).
 */
import { badInput, notFound } from "../errors.js";
import type { TestClockRow } from "../store/repositories/index.js";
import type { Store } from "../store/store.js";
import type { AccountTime, TimeScope } from "./account-time.js";
import { checkText } from "./credits.js";
import { randomHex } from "../ids.js";

export type TestClockStatus = "READY" | "ADVANCING" | "DELETED";

export interface TestClockRecord {
  __typename: "TestClock";
  id: string;
  name: string;
  frozenTime: Date;
  status: TestClockStatus;
  createdAt: Date;
  deletedAt: Date | null;
}

/** What became due while a clock moved, summed over its steps. */
export interface DueCounts {
  expiredGrants: number;
  expiredJobs: number;
  renewedPeriods: number;
}

/** The time-driven work of one scope (the sweeper's), and a wait for what it set off for these accounts (payments' webhooks). */
export interface DueWork {
  run(scope: TimeScope): Promise<DueCounts & Record<string, number>>;
  settled(accountIds: ReadonlySet<string>): Promise<void>;
}

const DAY_MS = 86_400_000;
export const MAX_ADVANCE_MS = 366 * DAY_MS;
/** How long an advance holds its clock past its latest step: a node that died mid-advance lets go after this. */
const HOLD_MS = 5 * 60_000;
/** Sweeps per step at most: a renewal's payment lands in one, what it sets off in the next. */
const MAX_ROUNDS = 5;
const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

export function toTestClock(row: TestClockRow, serverNow: Date): TestClockRecord {
  const advancing = row.advancingUntil !== null && row.advancingUntil > serverNow.toISOString();
  return {
    __typename: "TestClock",
    id: row.id,
    name: row.name,
    frozenTime: new Date(row.frozenTime),
    status: row.deletedAt ? "DELETED" : advancing ? "ADVANCING" : "READY",
    createdAt: new Date(row.createdAt),
    deletedAt: row.deletedAt ? new Date(row.deletedAt) : null,
  };
}

export class TestClockService {
  constructor(
    private readonly store: Store,
    private readonly time: AccountTime,
    private readonly due: DueWork,
  ) {}

  async get(id: string): Promise<TestClockRecord | null> {
    const row = await this.store.reads.testClocks.get(id);
    return row ? toTestClock(row, this.time.server.now()) : null;
  }

  async list(): Promise<TestClockRecord[]> {
    const now = this.time.server.now();
    return (await this.store.reads.testClocks.list()).map((row) => toTestClock(row, now));
  }

  async create(name: string, frozenTime?: Date | null): Promise<TestClockRecord> {
    const clean = checkText(name, ["name"], "A test clock's name");
    const at = frozenTime ?? this.time.server.now();
    if (at.getTime() < EARLIEST || at.getTime() >= LATEST) throw badInput("frozenTime must be from 2000-01-01 to before 2100-01-01", ["frozenTime"]);
    const row = await this.store.transaction((tx) =>
      tx.testClocks.insert({ id: `clock_${randomHex(8)}`, name: clean, frozenTime: at.toISOString(), createdAt: this.time.server.now().toISOString() }),
    );
    return toTestClock(row, this.time.server.now());
  }

  /**
   * Deletes a clock, as Stripe deletes a clock's customers with it: the clock never moves again and
   * the API keys of its accounts are revoked; the accounts and their ledgers stay, at the clock's last time.
   */
  async delete(id: string): Promise<TestClockRecord> {
    const now = this.time.server.now().toISOString();
    await this.store.transaction(async (tx) => {
      // Locked: an account being made on it waits, and is then among those whose keys are revoked.
      if (!(await tx.testClocks.lock(id))) throw notFound(`No test clock ${id}`, ["testClockId"]);
      if (!(await tx.testClocks.markDeleted(id, now))) return;
      for (const accountId of await tx.testClocks.accountIds(id)) {
        for (const key of await tx.apiKeys.ofAccount(accountId)) await tx.apiKeys.revoke(key.id, now);
      }
    });
    return (await this.get(id))!;
  }

  /**
   * Moves the clock to `to` (later than its time, by at most 366 days) and runs what fell due for
   * its accounts on the way. One advance at a time per clock, on any node (guard: the clock's claim).
   */
  async advance(id: string, to: (frozen: Date) => Date): Promise<{ clock: TestClockRecord; counts: DueCounts }> {
    const serverNow = this.time.server.now();
    let until = new Date(serverNow.getTime() + HOLD_MS).toISOString();
    const claimed = await this.store.transaction(async (tx) => {
      const row = await tx.testClocks.get(id);
      if (!row) throw notFound(`No test clock ${id}`, ["testClockId"]);
      if (row.deletedAt) throw badInput(`Test clock ${id} was deleted`, ["testClockId"]);
      const from = new Date(row.frozenTime);
      const target = to(from);
      if (target.getTime() <= from.getTime()) throw badInput(`The clock only moves forward: it is at ${row.frozenTime}`, ["frozenTime"]);
      if (target.getTime() - from.getTime() > MAX_ADVANCE_MS) throw badInput("An advance moves the clock by at most 366 days", ["frozenTime"]);
      if (target.getTime() >= LATEST) throw badInput("A test clock stays before 2100-01-01", ["frozenTime"]);
      if (!(await tx.testClocks.claim(id, serverNow.toISOString(), until)))
        throw badInput(`Test clock ${id} is being advanced; try again when it is READY`, ["testClockId"]);
      return { from, target };
    });
    const counts: DueCounts = { expiredGrants: 0, expiredJobs: 0, renewedPeriods: 0 };
    try {
      // What was due before the move (an earlier advance cut short) first, then a day at a time.
      await this.settle({ now: claimed.from, testClockId: id }, counts);
      for (let at = claimed.from.getTime(); at < claimed.target.getTime();) {
        at = Math.min(at + DAY_MS, claimed.target.getTime());
        const step = new Date(at);
        // Each step renews the hold, however long the whole move takes.
        const renewed = new Date(this.time.server.now().getTime() + HOLD_MS).toISOString();
        if (!(await this.store.transaction((tx) => tx.testClocks.moveTo(id, until, step.toISOString(), renewed)))) {
          const now = await this.store.reads.testClocks.get(id);
          throw badInput(`Test clock ${id} was deleted, or its advance taken over, while it moved; it stands at ${now?.frozenTime}`, ["testClockId"]);
        }
        until = renewed;
        await this.settle({ now: step, testClockId: id }, counts);
      }
    } finally {
      await this.store.transaction((tx) => tx.testClocks.release(id, until));
    }
    return { clock: (await this.get(id))!, counts };
  }

  /** Sweeps the clock's accounts until a round finds nothing more to do. */
  private async settle(scope: TimeScope, totals: DueCounts): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const counts = await this.due.run(scope);
      // What the sweep set off for the clock's accounts (their payments' webhooks), not the node's other work.
      await this.due.settled(new Set(await this.store.reads.testClocks.accountIds(scope.testClockId!)));
      totals.expiredGrants += counts.expiredGrants;
      totals.expiredJobs += counts.expiredJobs;
      totals.renewedPeriods += counts.renewedPeriods;
      if (!Object.values(counts).some((n) => n > 0) && round > 0) break;
    }
  }
}
