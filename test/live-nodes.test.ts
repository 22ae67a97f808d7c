/**
 * Live subscriptions across nodes (PostgreSQL): two servers over one database, each with its own
 * store, as two nodes behind a load balancer. An event committed through one node reaches a
 * subscriber connected to the other within 1 s (that node hears of it only by following the log),
 * each once, in order.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { PgStore } from "../src/store/postgres/store.js";
import { createTestAccount, startTestServer, type TestAccount, type TestServer } from "./helpers.js";
import { liveClient, recordEvent, until, walletData, type LiveClient } from "./live-client.js";
import { createTestDatabase, describePostgres, postgresAvailable, type TestDatabase } from "./stores.js";

let database: TestDatabase;
let writer: TestServer;
let reader: TestServer;
/** A node that does not poll: it hears of the other's events only by PostgreSQL's LISTEN/NOTIFY. */
let deaf: TestServer;
let alice: TestAccount;
let live: LiveClient;

beforeAll(async () => {
  if (!postgresAvailable) return;
  database = await createTestDatabase();
  writer = await startTestServer({ store: await PgStore.open(database.url, { max: 3 }) });
  reader = await startTestServer({ store: await PgStore.open(database.url, { max: 3 }) });
  deaf = await startTestServer({ store: await PgStore.open(database.url, { max: 3 }), config: { live: { pollIntervalMs: 3_600_000 } } });
  alice = await createTestAccount(writer, "Alice", "20");
  live = liveClient(reader, { apiKey: alice.apiKey });
}, 30_000);
afterAll(async () => {
  await live?.dispose();
  await reader?.close();
  await deaf?.close();
  await writer?.close();
  await database?.drop();
});

describePostgres("live subscriptions across nodes", () => {
  it("an event committed on one node reaches a subscriber on the other within 1 s", async () => {
    const changes = live.subscribe(`subscription { walletChanged(provider: "ugen") { balance event { id sequence } } }`);
    await until(() => reader.app.live.follower.subscribers === 1);
    const started = performance.now();
    const event = await recordEvent(writer, alice.accountId, "wallet.credits_added", walletData("ugen", "42"));
    const [change] = await changes.take(1, 1000);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(change.walletChanged).toEqual({ balance: "42", event: { id: event.id, sequence: event.seq } });
    changes.stop();
    await until(() => reader.app.live.follower.subscribers === 0);
  });

  it("events committed at once on both nodes arrive once each, in sequence order", async () => {
    const events = live.subscribe(`subscription { eventReceived { sequence } }`);
    await until(() => reader.app.live.follower.subscribers === 1);
    const first = (await writer.store.reads.events.lastSeq(alice.accountId)) + 1;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => recordEvent(i % 2 === 0 ? writer : reader, alice.accountId, "wallet.credits_added", walletData("ugen", String(i)))),
    );
    const received = await events.take(40, 3000);
    expect(received.map((value) => value.eventReceived.sequence)).toEqual(Array.from({ length: 40 }, (_, i) => first + i));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events.values).toHaveLength(40);
  });

  it("a jobComplete made on one node reaches walletChanged on the other within 1 s, with the wallet after it", async () => {
    const before = reader.app.live.follower.subscribers;
    const changes = live.subscribe(`subscription { walletChanged(provider: "ugen") { available reserved event { type } } }`);
    await until(() => reader.app.live.follower.subscribers === before + 1);
    const created = await writer.gql(`mutation { jobCreate(input: { credits: "5" }) { job { id } } }`, undefined, alice.key);
    const jobId = created.body.data.jobCreate.job.id;
    const [reserved] = await changes.take(1, 1000);
    expect(reserved.walletChanged.event.type).toBe("job.reserved");
    const started = performance.now();
    await writer.gql(`mutation ($id: ID!) { jobComplete(input: { jobId: $id, consumedCredits: "2" }) { job { id } } }`, { id: jobId }, alice.key);
    const [, completed] = await changes.take(2, 1000);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(completed.walletChanged).toEqual({
      available: String(Number(reserved.walletChanged.available) + 3),
      reserved: "0",
      event: { type: "job.completed" },
    });
    changes.stop();
    await until(() => reader.app.live.follower.subscribers === before);
  });

  it("without polling, a node hears of the other's events by NOTIFY within 1 s, and after its listening connection is cut, catches up and hears again", async () => {
    const client = liveClient(deaf, { apiKey: alice.apiKey });
    try {
      const events = client.subscribe(`subscription { eventReceived { sequence } }`);
      await until(() => deaf.app.live.follower.subscribers === 1);
      await until(() => (deaf.store as PgStore).wakeups.listening);
      const started = performance.now();
      const first = await recordEvent(writer, alice.accountId, "wallet.credits_added", walletData("ugen", "1"));
      expect((await events.take(1, 1000))[0].eventReceived.sequence).toBe(first.seq);
      expect(performance.now() - started).toBeLessThan(1000);

      // The listening connection is cut; an event committed before it is back is read when it is.
      await (writer.store as PgStore).query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pricing-account-api wake-ups' AND datname = current_database()",
      );
      await until(() => !(deaf.store as PgStore).wakeups.listening);
      const missed = await recordEvent(writer, alice.accountId, "wallet.credits_added", walletData("ugen", "2"));
      await until(() => (deaf.store as PgStore).wakeups.listening, 5000);
      expect((await events.take(2, 1000))[1].eventReceived.sequence).toBe(missed.seq);
      const after = await recordEvent(writer, alice.accountId, "wallet.credits_added", walletData("ugen", "3"));
      const received = await events.take(3, 2000);
      expect(received.map((value) => value.eventReceived.sequence)).toEqual([first.seq, missed.seq, after.seq]);
    } finally {
      await client.dispose();
    }
  });
});
