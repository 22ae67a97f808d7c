/**
 * The HTTP server against slow and greedy clients, over raw TCP sockets to a real server: headers
 * sent slowly (slowloris) are cut at HTTP_HEADERS_TIMEOUT_MS, a slow body at HTTP_REQUEST_TIMEOUT_MS,
 * an idle kept-alive connection at HTTP_KEEP_ALIVE_TIMEOUT_MS, and one address's connections beyond
 * HTTP_MAX_CONNECTIONS_PER_ADDRESS (WebSockets included) are closed on arrival; a live WebSocket
 * outlives the timeouts.
 */
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { loadConfig, type Config } from "../src/config.js";
import { createTestAccount, readMetrics, startTestServer, type TestServer } from "./helpers.js";
import { liveClient, wsUrl } from "./live-client.js";

const servers: TestServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await server.close();
});

async function serve(http: Partial<Config["http"]>, trustProxy = false) {
  const server = await startTestServer({ config: { http, trustProxy } });
  servers.push(server);
  return server;
}

interface Peer {
  socket: Socket;
  /** Everything the server sent. */
  received: () => string;
  /** Resolves once the server closed the connection (or it was reset), with the milliseconds since it opened. */
  closed: Promise<number>;
}

/** A raw TCP connection to the server, open once this resolves. */
function open(server: TestServer): Promise<Peer> {
  const { port } = new URL(server.url);
  const socket = connect(Number(port), "127.0.0.1");
  sockets.push(socket);
  const started = performance.now();
  let text = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => (text += chunk));
  socket.on("error", () => undefined); // a reset is a close here
  const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(performance.now() - started)));
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve({ socket, received: () => text, closed }));
    socket.once("error", reject);
  });
}

/** Sends a complete GET and waits for its whole answer (the connection is kept alive). */
async function get(peer: Peer, path: string, headers = ""): Promise<string> {
  const before = peer.received().length;
  peer.socket.write(`GET ${path} HTTP/1.1\r\nhost: test\r\n${headers}\r\n`);
  for (let i = 0; i < 200; i++) {
    const answer = peer.received().slice(before);
    const length = Number(/content-length: (\d+)/i.exec(answer)?.[1] ?? NaN);
    if (answer.includes("\r\n\r\n") && answer.length - answer.indexOf("\r\n\r\n") - 4 >= length) return answer;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no answer to GET ${path}: ${peer.received()}`);
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))]);

describe("timeouts", () => {
  it("cuts a client sending its headers slowly at the header timeout, with 408", async () => {
    const server = await serve({ headersTimeoutMs: 400, requestTimeoutMs: 5000 });
    const slow = await open(server);
    slow.socket.write("POST /graphql HTTP/1.1\r\nhost: test\r\n");
    // A header line every 100 ms: the connection is never idle, its headers never end.
    const drip = setInterval(() => slow.socket.writable && slow.socket.write(`x-slow-${Date.now()}: 1\r\n`), 100);
    try {
      const after = await within(slow.closed, 5000, "the slow client is cut");
      expect(after).toBeGreaterThanOrEqual(350);
      expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(drip);
    }
    // A client that sends its request at once is served as ever.
    expect(await get(await open(server), "/health")).toMatch(/^HTTP\/1\.1 200 /);
  });

  it("cuts a request whose body comes too slowly at the request timeout, and an idle kept-alive connection at the keep-alive timeout", async () => {
    const server = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 400 });
    const slow = await open(server);
    slow.socket.write("POST /graphql HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{");
    const drip = setInterval(() => slow.socket.writable && slow.socket.write(" "), 100);
    try {
      expect(await within(slow.closed, 5000, "the slow body is cut")).toBeGreaterThanOrEqual(550);
      expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(drip);
    }

    const idle = await open(server);
    expect(await get(idle, "/health")).toMatch(/^HTTP\/1\.1 200 /);
    const answeredAt = performance.now();
    await within(idle.closed, 5000, "the idle connection is closed");
    expect(performance.now() - answeredAt).toBeGreaterThanOrEqual(350);
  });

  it("leaves a live WebSocket connection open past the request and keep-alive timeouts", async () => {
    const server = await serve({ headersTimeoutMs: 200, requestTimeoutMs: 400, keepAliveTimeoutMs: 300 });
    const live = liveClient(server, { apiKey: (await createTestAccount(server, "Live")).apiKey });
    const subscription = live.subscribe("subscription { eventReceived { id } }");
    let closed = false;
    void live.closed.then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect({ closed, errors: subscription.errors }).toEqual({ closed: false, errors: [] });
    await live.dispose();
  });
});

describe("connections per address", () => {
  it("closes the connection beyond the cap from one TCP address at once, WebSockets counted, whatever X-Forwarded-For says", async () => {
    // TRUST_PROXY on: the forwarded addresses differ, the TCP peer does not, and the peer is what counts.
    const server = await serve({ maxConnectionsPerAddress: 3, keepAliveTimeoutMs: 30_000 }, true);
    const first = await open(server);
    expect(await get(first, "/health", "x-forwarded-for: 203.0.113.1\r\n")).toMatch(/^HTTP\/1\.1 200 /);
    const second = await open(server);
    expect(await get(second, "/health", "x-forwarded-for: 203.0.113.2\r\n")).toMatch(/^HTTP\/1\.1 200 /);
    const live = new WebSocket(wsUrl(server), "graphql-transport-ws");
    await new Promise((resolve, reject) => live.once("open", resolve).once("error", reject));

    const refused = await open(server);
    refused.socket.write("GET /health HTTP/1.1\r\nhost: test\r\nx-forwarded-for: 203.0.113.4\r\n\r\n");
    expect(await within(refused.closed, 1000, "the fourth connection is closed")).toBeLessThan(1000);
    expect(refused.received()).toBe("");

    // One closes: there is room again.
    live.close();
    await new Promise((resolve) => live.once("close", resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    second.socket.destroy();
    await second.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await open(server);
    expect(await get(again, "/health")).toMatch(/^HTTP\/1\.1 200 /);
    expect(await readMetrics(server)).toMatch(/^http_connections_refused_total 1$/m);
  });
});

describe("configuration", () => {
  it("reads HTTP_* with defaults, no connection cap behind a proxy unless set, and a request timeout at least the header timeout", () => {
    expect(loadConfig({}).http).toEqual({
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5_000,
      maxConnectionsPerAddress: 256,
      cors: { origins: "*", extraAllowedHeaders: [] },
    });
    expect(loadConfig({ TRUST_PROXY: "true" }).http.maxConnectionsPerAddress).toBe(0);
    expect(loadConfig({ TRUST_PROXY: "true", HTTP_MAX_CONNECTIONS_PER_ADDRESS: "1000" }).http.maxConnectionsPerAddress).toBe(1000);
    expect(
      loadConfig({
        HTTP_HEADERS_TIMEOUT_MS: "5000",
        HTTP_REQUEST_TIMEOUT_MS: "30000",
        HTTP_KEEP_ALIVE_TIMEOUT_MS: "65000",
        HTTP_MAX_CONNECTIONS_PER_ADDRESS: "0",
      }).http,
    ).toEqual({
      headersTimeoutMs: 5000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 65_000,
      maxConnectionsPerAddress: 0,
      cors: { origins: "*", extraAllowedHeaders: [] },
    });
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: "30000", HTTP_REQUEST_TIMEOUT_MS: "10000" })).toThrow(
      /HTTP_REQUEST_TIMEOUT_MS \(10000\) must be at least HTTP_HEADERS_TIMEOUT_MS \(30000\)/,
    );
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: "10" })).toThrow(/HTTP_HEADERS_TIMEOUT_MS must be a whole number from 1000 to 600000/);
    expect(() => loadConfig({ HTTP_MAX_CONNECTIONS_PER_ADDRESS: "-1" })).toThrow(/HTTP_MAX_CONNECTIONS_PER_ADDRESS must be a whole number/);
  });
});
