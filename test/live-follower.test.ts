/**
 * The follower on its own, over a real SQLite store, woken by hand (its poll set to a minute, and
 * the events written through another EventLog, as on another node): where a new subscriber starts,
 * and that each subscriber gets each event once, in order, however often it reads.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../src/clock.js";
import { EventFollower } from "../src/events/live/follower.js";
import { EventLog } from "../src/events/log.js";
import { silentLogger } from "../src/logger.js";
import type { Store } from "../src/store/store.js";
import { freshStore } from "./helpers.js";
import { until } from "./live-client.js";
import { sampleEventData } from "./event-samples.js";

let store: Store;
let follower: EventFollower;
/** Another node's log: its commits do not wake this follower. */
const elsewhere = new EventLog(systemClock);
const record = (accountId: string) => store.transaction((tx) => elsewhere.record(tx, accountId, "wallet.low_balance", sampleEventData("wallet.low_balance")));

beforeEach(() => {
  store = freshStore();
  follower = new EventFollower(store, new EventLog(systemClock), 60_000, silentLogger);
});
afterEach(async () => {
  await follower.stop();
  await store.close();
});

describe("EventFollower", () => {
  it("a subscriber starts after the account's last event, even while the follower has not read that far", async () => {
    const first: number[] = [];
    const second: number[] = [];
    await follower.follow("acct_a", (row) => first.push(row.seq));
    await record("acct_a");
    // Not read yet: the account's cursor is behind the new subscriber's start.
    await follower.follow("acct_a", (row) => second.push(row.seq));
    await record("acct_a");
    await follower.wake();
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([2]);
  });

  it("each event once, in order, to each subscriber, however the reads overlap", async () => {
    const seen = new Map<string, number[]>([
      ["acct_a", []],
      ["acct_b", []],
    ]);
    for (const [accountId, list] of seen) await follower.follow(accountId, (row) => list.push(row.seq));
    for (let round = 0; round < 5; round++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => record(i % 2 === 0 ? "acct_a" : "acct_b")));
      await Promise.all([follower.wake(), follower.wake(), follower.wake()]);
    }
    expect(seen.get("acct_a")).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(seen.get("acct_b")).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it("a commit while a read is in flight is read after it (the wake is not lost)", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // The log's reads, held after they ran until the gate opens: a read that missed what commits next.
    const events = {
      lastSeq: (accountId: string) => store.reads.events.lastSeq(accountId),
      after: async (cursors: Array<{ accountId: string; seq: number }>, limit: number) => {
        const rows = await store.reads.events.after(cursors, limit);
        await gate;
        return rows;
      },
    };
    const held = new EventFollower({ reads: { events }, durable: () => null } as unknown as Store, new EventLog(systemClock), 60_000, silentLogger);
    const seen: number[] = [];
    await held.follow("acct_a", (row) => seen.push(row.seq));
    const inFlight = held.wake();
    await record("acct_a");
    const woken = held.wake();
    open();
    await Promise.all([inFlight, woken]);
    expect(seen).toEqual([1]);
    await held.stop();
  });

  it("this node's commits are given without a read, in order; one told out of order waits for a read", async () => {
    const local = new EventLog(systemClock);
    let reads = 0;
    const events = {
      lastSeq: (accountId: string) => store.reads.events.lastSeq(accountId),
      after: (cursors: Array<{ accountId: string; seq: number }>, limit: number) => (reads++, store.reads.events.after(cursors, limit)),
    };
    const counted = new EventFollower({ reads: { events }, durable: () => null } as unknown as Store, local, 60_000, silentLogger);
    const seen: unknown[] = [];
    await counted.follow("acct_a", (row) => seen.push([row.seq, row.data]));
    for (let i = 0; i < 3; i++)
      await store.transaction((tx) => local.record(tx, "acct_a", "wallet.low_balance", sampleEventData("wallet.low_balance", { balance: String(i) })));
    expect([reads, seen]).toEqual([0, [1, 2, 3].map((seq) => [seq, sampleEventData("wallet.low_balance", { balance: String(seq - 1) })])]);
    // Number 4 committed elsewhere, unread: this node's number 5 must not overtake it.
    await record("acct_a");
    await store.transaction((tx) => local.record(tx, "acct_a", "wallet.low_balance", sampleEventData("wallet.low_balance")));
    await until(() => seen.length === 5);
    expect(seen.map((entry) => (entry as number[])[0])).toEqual([1, 2, 3, 4, 5]);
    expect(reads).toBeGreaterThan(0);
    await counted.stop();
  });

  it("more than a batch (500) waiting is read to the end in one wake", async () => {
    const seen: number[] = [];
    await follower.follow("acct_a", (row) => seen.push(row.seq));
    for (let i = 0; i < 12; i++) await Promise.all(Array.from({ length: 50 }, () => record("acct_a")));
    await follower.wake();
    expect(seen).toHaveLength(600);
    expect(seen.at(-1)).toBe(600);
  });

  it("many accounts are read in chunks, every one of them", async () => {
    const seen = new Map<string, number[]>();
    const accounts = Array.from({ length: 450 }, (_, i) => `acct_${i}`);
    for (const accountId of accounts) {
      seen.set(accountId, []);
      await follower.follow(accountId, (row) => seen.get(accountId)!.push(row.seq));
    }
    for (const accountId of accounts) await record(accountId);
    await follower.wake();
    expect(accounts.filter((accountId) => seen.get(accountId)!.join() !== "1")).toEqual([]);
  });

  it("an account nobody follows any more is not read; after stop nothing is", async () => {
    const seen: number[] = [];
    const stop = await follower.follow("acct_a", (row) => seen.push(row.seq));
    stop();
    await record("acct_a");
    await follower.wake();
    expect(seen).toEqual([]);
    expect(follower.subscribers).toBe(0);
    await follower.stop();
    await expect(follower.follow("acct_a", () => {})).rejects.toThrow(/stopped/);
  });
});
