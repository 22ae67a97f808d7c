/**
 * One delivery's POST over kept-alive connections, against a raw TCP receiver that decides what
 * each connection does: a connection the receiver resets just as it is reused is not counted as the
 * receiver's failure; the delivery is sent once more on a new connection.
 */
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { postWebhook, SenderAgents } from "../src/events/webhooks/send.js";

const POLICY = { requireHttps: false, allowPrivate: true };
const BODY = '{"id":"evt_1"}';
const sockets: Socket[] = [];
const closers: Array<() => void> = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

/** A receiver whose `n`-th request on one connection gets `answer(n)`: a response, or "reset". */
async function receiver(answer: (requestOnConnection: number) => string | "reset") {
  const server = createServer((socket) => {
    sockets.push(socket);
    let requests = 0;
    let buffer = "";
    socket.on("data", (chunk) => {
      buffer += chunk.toString("latin1");
      while (buffer.includes(BODY)) {
        buffer = buffer.slice(buffer.indexOf(BODY) + BODY.length);
        const reply = answer(++requests);
        if (reply === "reset") return void socket.resetAndDestroy();
        socket.write(reply);
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const agents = new SenderAgents();
  closers.push(() => {
    agents.destroy();
    for (const socket of sockets.splice(0)) socket.destroy();
    server.close();
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { send: () => postWebhook(url, { "webhook-id": "evt_1" }, BODY, POLICY, 2000, agents), connections: () => sockets.length };
}

const OK = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok";

it("reuses one connection for deliveries in a row", async () => {
  const { send, connections } = await receiver(() => OK);
  for (let i = 0; i < 5; i++) expect(await send()).toMatchObject({ succeeded: true, status: 200, excerpt: "ok" });
  expect(connections()).toBe(1);
});

it("sends once more on a new connection when the kept-alive one is reset as it is reused", async () => {
  const { send, connections } = await receiver((n) => (n === 1 ? OK : "reset"));
  expect(await send()).toMatchObject({ succeeded: true });
  expect(await send()).toMatchObject({ succeeded: true, status: 200, error: null });
  expect(connections()).toBe(2);
});

it("counts a reset on a new connection as the receiver's failure", async () => {
  const { send, connections } = await receiver(() => "reset");
  expect(await send()).toMatchObject({ succeeded: false, status: null, error: expect.stringMatching(/ECONNRESET|socket hang up/) });
  expect(connections()).toBe(1);
});
