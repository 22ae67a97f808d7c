/**
 * Each account's time. A LIVE account, and a TEST account made without a test clock, lives on the
 * server's clock; a TEST account made on a test clock lives at that clock's frozen time, read from
 * the database, so every node agrees on it and an advance made on one node holds on all of them.
 */
import { LRUCache } from "lru-cache";
import type { Clock } from "../clock.js";
import type { Repositories } from "../store/repositories/index.js";

/** Which accounts' due work a sweep does, and as of when: the server's, or one test clock's. */
export interface TimeScope {
  now: Date;
  /** null: the accounts on no test clock (the server's time); else the accounts on this clock. */
  testClockId: string | null;
}

/** An account's clock never changes (a database trigger refuses it): what was read once holds. */
const NO_CLOCK = "";

export class AccountTime {
  private readonly clocks = new LRUCache<string, string>({ max: 100_000 });

  constructor(
    private readonly reads: Repositories,
    /** The server's clock (tests give a manual one). */
    readonly server: Clock,
  ) {}

  /** The account's time now; `tx`: read inside that transaction. An unknown account has the server's. */
  async now(accountId: string, tx?: Repositories): Promise<Date> {
    let clockId = this.clocks.get(accountId);
    if (clockId === undefined) {
      const account = await (tx ?? this.reads).accounts.get(accountId);
      if (!account) return this.server.now();
      clockId = this.remember(account);
    }
    return this.onClock(clockId, tx);
  }

  /** The time of an account whose row was just read (no second read of it). */
  of(account: { id: string; testClockId: string | null }, tx?: Repositories): Promise<Date> {
    return this.onClock(this.remember(account), tx);
  }

  /** The server's sweep: as of now, for the accounts on no clock. */
  serverScope(): TimeScope {
    return { now: this.server.now(), testClockId: null };
  }

  private remember(account: { id: string; testClockId: string | null }): string {
    const clockId = account.testClockId ?? NO_CLOCK;
    this.clocks.set(account.id, clockId);
    return clockId;
  }

  private async onClock(clockId: string, tx?: Repositories): Promise<Date> {
    if (clockId === NO_CLOCK) return this.server.now();
    const frozen = await (tx ?? this.reads).testClocks.frozenTime(clockId);
    if (!frozen) throw new Error(`test clock ${clockId} is missing`);
    return new Date(frozen);
  }
}

/** The scope as the repositories take it. */
export const dueScope = (scope: TimeScope) => ({ now: scope.now.toISOString(), testClockId: scope.testClockId });
