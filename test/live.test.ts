/**
 * Live subscriptions over a real server and a real graphql-ws client (SQLite): an event reaches its
 * account's subscribers within 1 s, once and in order, filtered as asked; keys are checked at
 * connect and again later; another account's events never arrive. The limits: test/live-limits.test.ts.
 */
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { keyIdOf } from "../src/accounts/keys.js";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, type TestAccount, type TestServer } from "./helpers.js";
import { jobData, liveClient, recordEvent, until, walletData, wsUrl, type LiveClient } from "./live-client.js";

let server: TestServer;
let alice: TestAccount;
let bob: TestAccount;
const clients: LiveClient[] = [];
const connect = (params: Record<string, unknown> | undefined) => {
  const client = liveClient(server, params);
  clients.push(client);
  return client;
};
/** Resolves once the server follows `count` subscriptions more than before `subscribe` ran. */
async function subscribed<T>(subscribe: () => T, count = 1): Promise<T> {
  const before = server.app.live.follower.subscribers;
  const result = subscribe();
  await until(() => server.app.live.follower.subscribers >= before + count);
  return result;
}

beforeAll(async () => {
  // No poll to speak of: what this node commits must reach its subscribers by the commit's own wake-up.
  server = await startTestServer({ config: { live: { authCheckIntervalMs: 100, pollIntervalMs: 60_000 } } });
  alice = await createTestAccount(server, "Alice", "20");
  bob = await createTestAccount(server, "Bob", "20");
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await server.close();
});

const WALLET = `subscription ($provider: ID) { walletChanged(provider: $provider) { provider balance reserved available owed event { id type sequence createdAt } } }`;

describe("walletChanged", () => {
  it("reaches a subscriber within 1 s of the event's commit on the same node", async () => {
    const live = connect({ apiKey: alice.apiKey });
    const changes = await subscribed(() => live.subscribe(WALLET));
    const started = performance.now();
    const event = await recordEvent(server, alice.accountId, "wallet.credits_added", walletData("ugen", "30"));
    const [change] = await changes.take(1, 1000);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(change.walletChanged).toEqual({
      provider: "ugen",
      balance: "30",
      reserved: "0",
      available: "30",
      owed: "0",
      event: { id: event.id, type: "wallet.credits_added", sequence: event.seq, createdAt: event.createdAt },
    });
  });

  it("only the named provider's wallet, and only events after the subscription started", async () => {
    await recordEvent(server, alice.accountId, "wallet.credits_added", walletData("ugen", "31"));
    const live = connect({ apiKey: alice.apiKey });
    const ugen = await subscribed(() => live.subscribe(WALLET, { provider: "ugen" }));
    await recordEvent(server, alice.accountId, "wallet.credits_added", walletData("samsar", "7"));
    await recordEvent(server, alice.accountId, "job.completed", jobData("job_x", "COMPLETED", "ugen"));
    const [change] = await ugen.take(1);
    expect(change.walletChanged).toMatchObject({ provider: "ugen", balance: "15", event: { type: "job.completed" } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ugen.values).toHaveLength(1);
  });

  it("an unknown provider is refused", async () => {
    const live = connect({ apiKey: alice.apiKey });
    const refused = live.subscribe(WALLET, { provider: "nope" });
    await refused.completed;
    expect(refused.errors).toMatchObject([{ message: "No provider nope", extensions: { code: "BAD_USER_INPUT", field: ["provider"] } }]);
  });
});

describe("eventReceived and jobChanged", () => {
  it("each event once, in sequence order, even when many commit at once", async () => {
    const live = connect({ apiKey: bob.apiKey });
    const events = await subscribed(() => live.subscribe(`subscription { eventReceived { id type sequence data } }`));
    const first = (await server.app.services.store.reads.events.lastSeq(bob.accountId)) + 1;
    await Promise.all(Array.from({ length: 30 }, (_, i) => recordEvent(server, bob.accountId, "wallet.credits_added", walletData("ugen", String(i)))));
    const received = await events.take(30);
    expect(received.map((value) => value.eventReceived.sequence)).toEqual(Array.from({ length: 30 }, (_, i) => first + i));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.values).toHaveLength(30);
  });

  it("only the types asked for; an unknown type is refused, naming the known ones", async () => {
    const live = connect({ apiKey: bob.apiKey });
    const query = `subscription ($types: [String!]) { eventReceived(types: $types) { type } }`;
    const failures = await subscribed(() => live.subscribe(query, { types: ["job.failed"] }));
    await recordEvent(server, bob.accountId, "job.completed", jobData("job_a", "COMPLETED"));
    await recordEvent(server, bob.accountId, "job.failed", jobData("job_b", "FAILED"));
    expect(await failures.take(1)).toEqual([{ eventReceived: { type: "job.failed" } }]);
    const refused = live.subscribe(query, { types: ["job.done"] });
    await refused.completed;
    expect(refused.errors).toMatchObject([
      { message: expect.stringMatching(/^Unknown event type "job.done"; the types are job.reserved, /), extensions: { code: "BAD_USER_INPUT" } },
    ]);
  });

  it("jobChanged: one job's events when asked; another account's job is not found", async () => {
    const reserved = await server.gql(`mutation { jobCreate(input: { credits: "5", provider: "ugen" }) { job { id } userErrors { code } } }`, {}, bob.key);
    const jobId = reserved.body.data.jobCreate.job.id;
    const live = connect({ apiKey: bob.apiKey });
    const query = `subscription ($jobId: ID) { jobChanged(jobId: $jobId) { jobId status provider reservedCredits consumedCredits event { type } } }`;
    const changes = await subscribed(() => live.subscribe(query, { jobId }));
    await recordEvent(server, bob.accountId, "job.completed", jobData("job_other", "COMPLETED"));
    await recordEvent(server, bob.accountId, "job.completed", jobData(jobId, "COMPLETED"));
    expect(await changes.take(1)).toEqual([
      { jobChanged: { jobId, status: "COMPLETED", provider: "ugen", reservedCredits: "5", consumedCredits: "5", event: { type: "job.completed" } } },
    ]);
    const foreign = connect({ apiKey: alice.apiKey }).subscribe(query, { jobId });
    await foreign.completed;
    expect(foreign.errors).toMatchObject([{ message: `No job ${jobId}`, extensions: { code: "NOT_FOUND" } }]);
  });

  it("jobChanged.job is read anew for each push: the job as it is at that event, not as an earlier push read it", async () => {
    const live = connect({ apiKey: bob.apiKey });
    const changes = await subscribed(() => live.subscribe(`subscription { jobChanged { job { id status consumedCredits } event { type } } }`));
    const created = await server.gql(`mutation { jobCreate(input: { credits: "4", provider: "ugen" }) { job { id } userErrors { code } } }`, {}, bob.key);
    const jobId = created.body.data.jobCreate.job.id;
    await changes.take(1);
    const completed = await server.gql(
      `mutation ($id: ID!) { jobComplete(input: { jobId: $id, consumedCredits: "3" }) { userErrors { code } } }`,
      { id: jobId },
      bob.key,
    );
    expect(completed.body.data.jobComplete.userErrors).toEqual([]);
    expect(await changes.take(2)).toEqual([
      { jobChanged: { job: { id: jobId, status: "RESERVED", consumedCredits: "0" }, event: { type: "job.reserved" } } },
      { jobChanged: { job: { id: jobId, status: "COMPLETED", consumedCredits: "3" }, event: { type: "job.completed" } } },
    ]);
  });
});

describe("keys and accounts", () => {
  it.each([
    ["without a key", undefined, 4401, "Unauthorized: send an account's API key as connectionParams.apiKey"],
    ["with a bad key", { apiKey: "pk_live_nope" }, 4401, "Unauthorized: the API key is not valid (unknown, malformed or revoked)"],
    ["with the admin key", { apiKey: TEST_ADMIN_KEY }, 4403, "Forbidden: the admin key has no account; use an account's API key"],
  ])("refused %s, with a close code and reason", async (_label, params, code, reason) => {
    const live = connect(params);
    expect(await live.closed).toEqual({ code, reason });
  });

  it("another account's events never arrive", async () => {
    const live = connect({ apiKey: alice.apiKey });
    const events = await subscribed(() => live.subscribe(`subscription { eventReceived { id } }`));
    await recordEvent(server, bob.accountId, "wallet.credits_added", walletData("ugen", "1"));
    const own = await recordEvent(server, alice.accountId, "wallet.credits_added", walletData("ugen", "2"));
    await recordEvent(server, bob.accountId, "wallet.credits_added", walletData("ugen", "3"));
    expect(await events.take(1)).toEqual([{ eventReceived: { id: own.id } }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.values).toHaveLength(1);
  });

  it("a revoked key's subscriptions end, and its connection is closed", async () => {
    const carol = await createTestAccount(server, "Carol");
    const live = connect({ apiKey: carol.apiKey });
    const events = await subscribed(() => live.subscribe(`subscription { eventReceived { id } }`));
    const revoked = await server.gql(
      `mutation ($keyId: ID!) { apiKeyRevoke(input: { keyId: $keyId }) { userErrors { code } } }`,
      { keyId: keyIdOf(carol.apiKey) },
      {
        "x-api-key": TEST_ADMIN_KEY,
      },
    );
    expect(revoked.body.data.apiKeyRevoke.userErrors).toEqual([]);
    expect(await live.closed).toEqual({ code: 4401, reason: "Unauthorized: the API key was revoked" });
    await events.completed;
    await recordEvent(server, carol.accountId, "wallet.credits_added", walletData("ugen", "9"));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.values).toEqual([]);
  });

  it("WebSocket elsewhere than /graphql is a 404", async () => {
    const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/elsewhere`, "graphql-transport-ws");
    const status = await new Promise((resolve) => socket.on("unexpected-response", (_req, res) => resolve(res.statusCode)).on("error", () => {}));
    expect(status).toBe(404);
    socket.terminate();
  });

  it("a query or mutation over WebSocket is refused: they go to POST /graphql", async () => {
    const live = connect({ apiKey: alice.apiKey });
    const query = live.subscribe(`{ viewer { id } }`);
    await query.completed;
    expect(query.errors).toMatchObject([
      { message: "Only subscriptions are served over WebSocket; send a query with POST /graphql", extensions: { code: "BAD_REQUEST" } },
    ]);
  });
});

describe("README", () => {
  it("its example works as written: createClient with ws, connectionParams.apiKey, client.iterate", async () => {
    const before = server.app.live.follower.subscribers;
    const client = createClient({ url: wsUrl(server), webSocketImpl: WebSocket, connectionParams: { apiKey: alice.apiKey } });
    const iterator = client.iterate<{ walletChanged: unknown }>({
      query: `subscription { walletChanged(provider: "ugen") { available event { type sequence } } }`,
    });
    const first = iterator.next();
    await until(() => server.app.live.follower.subscribers === before + 1);
    const event = await recordEvent(server, alice.accountId, "job.completed", jobData("job_readme", "COMPLETED"));
    const { value } = await first;
    expect(value?.data?.walletChanged).toEqual({ available: "15", event: { type: "job.completed", sequence: event.seq } });
    await iterator.return?.();
    await client.dispose();
  });

  it("its catch sees a refused key's close code and reason", async () => {
    const client = createClient({ url: wsUrl(server), webSocketImpl: WebSocket, connectionParams: { apiKey: "pak_not_a_key" } });
    const iterator = client.iterate({ query: `subscription { walletChanged(provider: "ugen") { available } }` });
    const closed = await iterator.next().then(
      () => null,
      (error: { code: number; reason: string }) => error,
    );
    expect(closed).toMatchObject({ code: 4401, reason: expect.stringMatching(/^Unauthorized: /) });
    await client.dispose();
  });
});

describe("shutdown", () => {
  it("closes live connections with 1001 and stops following", async () => {
    const own = await startTestServer();
    const dave = await createTestAccount(own, "Dave");
    const live = liveClient(own, { apiKey: dave.apiKey });
    const events = live.subscribe(`subscription { eventReceived { id } }`);
    await until(() => own.app.live.follower.subscribers === 1);
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(1500);
    expect(await live.closed).toMatchObject({ code: 1001 });
    await events.completed;
    expect(own.app.live.follower.subscribers).toBe(0);
    await live.dispose();
  });
});
