/**
 * The bounds of live subscriptions: connections per key, subscriptions per connection, the size of
 * a client's message, and a slow consumer disconnected (by its socket's unsent bytes, or by the
 * events waiting for it) rather than buffered for without limit.
 */
import type { EventData } from "../src/events/definitions.js";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { IncomingMessage } from "node:http";
import { createTestAccount, readMetrics, startTestServer, type TestAccount, type TestServer } from "./helpers.js";
import { liveClient, recordEvent, until, walletData, wsUrl, type LiveClient } from "./live-client.js";

let server: TestServer;
let alice: TestAccount;
const clients: LiveClient[] = [];
const connect = (apiKey: string) => {
  const client = liveClient(server, { apiKey });
  clients.push(client);
  return client;
};
const logged: Array<{ message: string; fields?: unknown }> = [];
const logger = {
  info: (message: string, fields?: unknown) => void logged.push({ message, fields }),
  warn: () => {},
  error: () => {},
  child: () => logger,
};

beforeAll(async () => {
  server = await startTestServer({
    logger,
    config: { live: { maxConnectionsPerKey: 2, maxSubscriptionsPerConnection: 2, maxMessageBytes: 2048, maxBufferedBytes: 64 * 1024, maxQueuedEvents: 20 } },
  });
  alice = await createTestAccount(server, "Alice", "20");
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await server.close();
});

const EVENTS = `subscription { eventReceived { id data } }`;

describe("live limits", () => {
  it("connections per key: one more is closed with 1013 (try again later), another key is not affected", async () => {
    const bob = await createTestAccount(server, "Bob");
    const held = [connect(alice.apiKey), connect(alice.apiKey)];
    const subscriptions = held.map((live) => live.subscribe(EVENTS));
    await until(() => server.app.live.connections === 2);
    const third = connect(alice.apiKey);
    expect(await third.closed).toEqual({ code: 1013, reason: "Too many connections for this API key (at most 2 per node)" });
    const other = connect(bob.apiKey);
    other.subscribe(EVENTS);
    await until(() => server.app.live.connections === 3);
    for (const subscription of subscriptions) subscription.stop();
    await Promise.all(held.map((live) => live.dispose()));
    await other.dispose();
    await until(() => server.app.live.connections === 0);
  });

  it("subscriptions per connection: one more is refused with OPERATION_LIMIT_EXCEEDED, the others keep running", async () => {
    const live = connect(alice.apiKey);
    const running = [live.subscribe(EVENTS), live.subscribe(EVENTS)];
    await until(() => server.app.live.follower.subscribers === 2);
    const refused = live.subscribe(EVENTS);
    await refused.completed;
    expect(refused.errors).toMatchObject([
      {
        message: "A connection may run at most 2 subscriptions at once; complete one, or open another connection",
        extensions: { code: "OPERATION_LIMIT_EXCEEDED", limit: "subscriptions", maximum: 2 },
      },
    ]);
    await recordEvent(server, alice.accountId, "wallet.credits_added", walletData("ugen", "1"));
    for (const subscription of running) await subscription.take(1);
    await live.dispose();
    await until(() => server.app.live.follower.subscribers === 0);
  });

  it("the HTTP API's operation limits hold for subscriptions too (aliases here)", async () => {
    const live = connect(alice.apiKey);
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: id`).join(" ");
    const refused = live.subscribe(`subscription { eventReceived { ${aliases} } }`);
    await refused.completed;
    expect(refused.errors).toMatchObject([{ extensions: { code: "OPERATION_LIMIT_EXCEEDED", limit: "aliases", maximum: 30 } }]);
    await live.dispose();
  });

  it("a message over LIVE_MAX_MESSAGE_BYTES closes the socket with 1009", async () => {
    const live = connect(alice.apiKey);
    live.subscribe(`${EVENTS} # ${"x".repeat(3000)}`);
    expect(await live.closed).toMatchObject({ code: 1009 });
  });

  /** A raw graphql-ws conversation whose socket then stops reading. */
  async function stalledSubscriber(): Promise<WebSocket> {
    const socket = new WebSocket(wsUrl(server), "graphql-transport-ws");
    await once(socket, "open");
    socket.send(JSON.stringify({ type: "connection_init", payload: { apiKey: alice.apiKey } }));
    const [ack] = await once(socket, "message");
    expect(JSON.parse(String(ack))).toEqual({ type: "connection_ack" });
    const before = server.app.live.follower.subscribers;
    socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: EVENTS } }));
    await until(() => server.app.live.follower.subscribers === before + 1);
    socket.pause();
    return socket;
  }

  it.each([
    ["its socket holds more unsent bytes than LIVE_MAX_BUFFERED_BYTES", 200_000, { bufferedBytes: expect.any(Number) }],
    ["more events wait for it than LIVE_MAX_QUEUED_EVENTS", 10_000, { queuedEvents: 21 }],
  ])("a slow consumer is disconnected when %s", async (_label, bytes, seen) => {
    logged.length = 0;
    // Relative to what earlier tests left open, so that each test stands on its own.
    const [connections, subscribers] = [server.app.live.connections, server.app.live.follower.subscribers];
    const socket = await stalledSubscriber();
    const padding = "x".repeat(bytes);
    for (let i = 0; i < 2000 && server.app.live.connections > connections; i++) {
      await recordEvent(
        server,
        alice.accountId,
        "wallet.credits_added",
        { ...walletData("ugen", String(i)), padding: { text: padding } } as EventData<"wallet.credits_added"> /* an event made big on purpose */,
      );
    }
    await until(() => server.app.live.connections === connections && server.app.live.follower.subscribers === subscribers, 5000);
    const [line] = logged.filter((entry) => entry.message === "slow live subscriber disconnected");
    expect(line.fields).toMatchObject(seen);
    // By the rule named, not the other one.
    const { bufferedBytes, queuedEvents } = line.fields as { bufferedBytes: number; queuedEvents: number };
    if ("bufferedBytes" in seen) expect([bufferedBytes > 64 * 1024, queuedEvents <= 20]).toEqual([true, true]);
    else expect(bufferedBytes).toBeLessThanOrEqual(64 * 1024);
    socket.terminate();
  });
});

describe("live connections and the address's rate limit", () => {
  it("counts WebSocket upgrades against the API's per-address limit (429 with Retry-After), and shows connections in /metrics", async () => {
    const limited = await startTestServer({ config: { rateLimits: { perKey: null, perAddress: { perSecond: 1, burst: 8 } } } });
    try {
      const carol = await createTestAccount(limited, "Carol", "1");
      const held = liveClient(limited, { apiKey: carol.apiKey });
      const subscription = held.subscribe(EVENTS);
      await until(() => limited.app.live.follower.subscribers === 1);
      const metrics = await readMetrics(limited);
      expect(metrics).toMatch(/^live_connections 1$/m);
      expect(metrics).toMatch(/^live_subscriptions 1$/m);
      // More upgrades from this address until its window is spent: refused before any WebSocket work.
      let refusal: IncomingMessage | null = null;
      for (let i = 0; i < 10 && !refusal; i++) {
        const socket = new WebSocket(wsUrl(limited), "graphql-transport-ws");
        const outcome = await Promise.race([
          once(socket, "open").then(() => null),
          once(socket, "unexpected-response").then(([, response]) => response as IncomingMessage),
        ]);
        socket.terminate();
        refusal = outcome;
      }
      expect(refusal?.statusCode).toBe(429);
      expect(Number(refusal?.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      // The connection already open keeps its subscription.
      await recordEvent(limited, carol.accountId, "wallet.credits_added", walletData("ugen", "2"));
      expect(await subscription.take(1)).toHaveLength(1);
      await held.dispose();
      await until(() => limited.app.live.connections === 0);
    } finally {
      await limited.close();
    }
  });
});

describe("LIVE_* configuration", () => {
  it("is read from the environment, and a bad value named", async () => {
    const { loadConfig } = await import("../src/config.js");
    expect(loadConfig({ LIVE_MAX_CONNECTIONS_PER_KEY: "3", LIVE_AUTH_CHECK_SECONDS: "2", LIVE_POLL_MS: "100" }).live).toEqual({
      maxConnectionsPerKey: 3,
      maxSubscriptionsPerConnection: 20,
      maxMessageBytes: 65536,
      maxBufferedBytes: 1048576,
      maxQueuedEvents: 1000,
      pollIntervalMs: 100,
      authCheckIntervalMs: 2000,
    });
    expect(() => loadConfig({ LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: "0" })).toThrow(
      /LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION must be a whole number from 1 to 1000; got "0"/,
    );
  });
});
