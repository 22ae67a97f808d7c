/**
 * Follows the event log of the accounts that have live subscribers on this node, by each account's
 * sequence number: a read when this node commits an event (EventLog.onCommitted), when another
 * node says it did (the store's wake-ups: PostgreSQL's LISTEN/NOTIFY), and a short poll in case
 * a wake-up was lost. Numbers become visible in order per account (the counter's
 * row is locked until commit), so reading after the last number seen misses nothing, and each
 * subscriber gets each event once, in order.
 */
import type { Logger } from "../../logger.js";
import type { EventRow } from "../../store/repositories/index.js";
import type { Store } from "../../store/store.js";
import type { EventLog } from "../log.js";

export type EventListener = (row: EventRow) => void;

interface Subscriber {
  /** The last number this subscriber was given (or started after). */
  last: number;
  listener: EventListener;
}

interface Followed {
  /** The last number read for this account. */
  cursor: number;
  subscribers: Set<Subscriber>;
}

/** Events read at once; a full batch is followed at once by the next. */
const BATCH = 500;
/** Accounts per read: one query's conditions stay few (PostgreSQL's parameters are bounded). */
const ACCOUNTS_PER_READ = 200;

export class EventFollower {
  private readonly accounts = new Map<string, Followed>();
  private readonly timer: NodeJS.Timeout;
  private readonly stopListening: () => void;
  private reading: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly store: Store,
    events: EventLog,
    pollIntervalMs: number,
    private readonly logger: Logger,
  ) {
    const wakeups = store.wakeups;
    const stopHearing = wakeups?.listen((accountIds) => {
      // Another node committed events of these accounts (null: perhaps of any).
      if (accountIds === null || accountIds.some((accountId) => this.accounts.has(accountId))) void this.wake();
    });
    const stopTelling = events.onCommitted((event) => {
      wakeups?.announce(event.accountId);
      const followed = this.accounts.get(event.accountId);
      if (!followed) return;
      // The account's next number: given at once, no read needed (the data as the log stores it).
      // Any other (commits told out of order): a read puts them in order.
      if (event.seq === followed.cursor + 1) this.deliver(followed, { ...event, data: JSON.parse(JSON.stringify(event.data)) as unknown } as EventRow);
      else void this.wake();
    });
    this.stopListening = () => {
      stopTelling();
      stopHearing?.();
    };
    this.timer = setInterval(() => void this.wake(), pollIntervalMs);
    this.timer.unref();
  }

  /**
   * Calls `listener` with each event of the account committed from now on (after the account's
   * current last number); returns what stops it.
   */
  async follow(accountId: string, listener: EventListener): Promise<() => void> {
    if (this.stopped) throw new Error("The event follower has stopped");
    const start = await this.store.reads.events.lastSeq(accountId);
    const subscriber: Subscriber = { last: start, listener };
    let followed = this.accounts.get(accountId);
    if (!followed) this.accounts.set(accountId, (followed = { cursor: start, subscribers: new Set() }));
    // Already followed: its cursor may lag behind `start`; the subscriber's own number skips the gap.
    followed.cursor = Math.min(followed.cursor, start);
    followed.subscribers.add(subscriber);
    const entry = followed;
    return () => {
      entry.subscribers.delete(subscriber);
      if (entry.subscribers.size === 0 && this.accounts.get(accountId) === entry) this.accounts.delete(accountId);
    };
  }

  /** Subscribers following now, over every account (for tests and metrics). */
  get subscribers(): number {
    let count = 0;
    for (const followed of this.accounts.values()) count += followed.subscribers.size;
    return count;
  }

  /**
   * Reads now; a call while a read runs makes one more read after it, so no commit is left unread.
   * Resolves when the reads are done.
   */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    return (this.reading = this.readUntilCaughtUp().finally(() => (this.reading = null)));
  }

  /** Stops reading; waits for a read in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.stopListening();
    await this.reading;
    this.accounts.clear();
  }

  private async readUntilCaughtUp(): Promise<void> {
    let more = true;
    while (more || this.again) {
      this.again = false;
      if (this.stopped || this.accounts.size === 0) return;
      try {
        more = await this.readOnce();
      } catch (error) {
        // The store is unreachable: the next poll tries again from the same numbers.
        this.logger.warn("reading the event log for live subscriptions failed", { error });
        return;
      }
    }
  }

  /** Reads after every followed account's cursor; true when a batch came back full (more may wait). */
  private async readOnce(): Promise<boolean> {
    const cursors = [...this.accounts].map(([accountId, followed]) => ({ accountId, seq: followed.cursor }));
    let more = false;
    for (let i = 0; i < cursors.length; i += ACCOUNTS_PER_READ) {
      const rows = await this.store.reads.events.after(cursors.slice(i, i + ACCOUNTS_PER_READ), BATCH);
      // What a subscriber is told is on disk, as an HTTP answer would be.
      await this.store.durable();
      for (const row of rows) {
        const followed = this.accounts.get(row.accountId);
        if (followed) this.deliver(followed, row);
      }
      more ||= rows.length === BATCH;
    }
    return more;
  }

  /** Gives the event to the account's subscribers that have not had it, unless it was given already. */
  private deliver(followed: Followed, row: EventRow): void {
    if (row.seq <= followed.cursor) return;
    followed.cursor = row.seq;
    for (const subscriber of followed.subscribers) {
      if (row.seq <= subscriber.last) continue;
      subscriber.last = row.seq;
      try {
        subscriber.listener(row);
      } catch (error) {
        this.logger.error("a live subscriber failed", { error });
      }
    }
  }
}
