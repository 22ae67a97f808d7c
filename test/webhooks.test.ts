/**
 * Outgoing webhooks through the API, to a real receiver that verifies every delivery with the
 * standardwebhooks package: failures, timeouts and recovery lose nothing and keep each endpoint's
 * order; private addresses are refused at save and at send; attempts are readable; resend works;
 * an endpoint failing for 3 days is disabled and the account emailed.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackgroundTasks } from "../src/background.js";
import { ManualClock } from "../src/clock.js";
import { loadConfig } from "../src/config.js";
import type { EventType } from "../src/events/log.js";
import { WebhookDeliveryWorker } from "../src/events/webhooks/delivery.js";
import { silentLogger } from "../src/logger.js";
import { createTestAccount, readMetrics, startTestServer, type TestServer } from "./helpers.js";
import { rawRows } from "./stores.js";
import { sampleEventData } from "./event-samples.js";

interface Received {
  path: string;
  id: string;
  body: string;
  /** The sender's side of the connection: the same for deliveries over one kept-alive connection. */
  port: number;
  headers: Record<string, string>;
  payload: { id: string; type: string; accountId: string; sequence: number; data: unknown };
}
let mode: "ok" | "fail" | "hang" = "ok";
/** Events whose next delivery is answered 500, once each. */
const failOnce = new Set<string>();
/** Run by the receiver on each delivery to a path, before it answers. */
const onDelivery = new Map<string, () => Promise<void> | void>();
const received: Received[] = [];
const unverified: string[] = [];
/** Each path's signing secret, told to the receiver once the endpoint exists. */
const secrets = new Map<string, string>();
let receiver: Server;
let base = "";

const clock = new ManualClock(new Date());
let server: TestServer;
let strict: TestServer;
const WEBHOOKS = { requireHttps: false, allowPrivate: true, timeoutMs: 300 };
/** Past the default EVENT_RETENTION_DAYS (30). */
const PAST_RETENTION_MS = 31 * 24 * 3600_000;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk) => (body += chunk));
    request.on("end", async () => {
      const path = request.url ?? "";
      try {
        const payload = new Webhook(secrets.get(path)!).verify(body, request.headers as Record<string, string>) as Received["payload"];
        received.push({
          path,
          id: (request.headers as IncomingHttpHeaders)["webhook-id"] as string,
          body,
          payload,
          port: request.socket.remotePort!,
          headers: request.headers as Record<string, string>,
        });
      } catch (error) {
        unverified.push(`${path}: ${String(error)}`);
      }
      await onDelivery.get(path)?.();
      if (mode === "hang") return; // never answers: the sender's timeout ends it
      const failed = path === "/dead" || mode === "fail" || failOnce.delete(request.headers["webhook-id"] as string);
      response.writeHead(failed ? 500 : 200, { "content-type": "text/plain" });
      response.end(failed ? "x".repeat(2000) : "ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  server = await startTestServer({ clock, config: { webhooks: WEBHOOKS } });
  strict = await startTestServer({ clock, config: { webhooks: { ...WEBHOOKS, allowPrivate: false } } });
});
afterAll(async () => {
  receiver.closeAllConnections();
  await server.close();
  await strict.close();
  await new Promise((resolve) => receiver.close(resolve));
  expect(unverified).toEqual([]);
});

async function account(on = server, credits = "0") {
  const { accountId, key } = await createTestAccount(on, "Partner", credits);
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const result = await on.gql(query, variables, key);
    expect(result.body.errors, JSON.stringify(result.body.errors)).toBeUndefined();
    return result.body.data;
  };
  return { accountId, gql };
}

const CREATE = `mutation ($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { webhookEndpoint { id url enabled eventTypes } secret userErrors { field code message } } }`;

async function endpoint(gql: Awaited<ReturnType<typeof account>>["gql"], path: string, eventTypes?: string[]) {
  const created = (await gql(CREATE, { input: { url: `${base}${path}`, eventTypes } })).webhookEndpointCreate;
  expect(created.userErrors).toEqual([]);
  expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
  secrets.set(path, created.secret);
  return created.webhookEndpoint.id as string;
}

async function record(accountId: string, type: EventType, on = server) {
  return on.store.transaction((tx) => on.app.services.events.record(tx, accountId, type, sampleEventData(type)));
}

/** Moves time on and runs the worker as the sweeper would. */
async function later(ms: number) {
  clock.advance(ms);
  await server.app.services.webhooks.deliverDue();
}

async function waitFor(accept: () => boolean, what: string) {
  for (let i = 0; i < 300 && !accept(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!accept()) throw new Error(`timed out waiting for ${what}`);
}

const at = (path: string) => received.filter((r) => r.path === path);

describe("outgoing webhooks", () => {
  it("pushes what real mutations did: a job reserved and completed, with the wallet after each", async () => {
    const { accountId, gql } = await account(server, "100");
    await endpoint(gql, "/jobs", ["job.reserved", "job.completed"]);
    const { jobCreate } = await gql(`mutation { jobCreate(input: { credits: "30" }) { job { id } } }`);
    await gql(`mutation ($id: ID!) { jobComplete(input: { jobId: $id, consumedCredits: "20" }) { job { id } } }`, { id: jobCreate.job.id });
    await waitFor(() => at("/jobs").length === 2, "both job events");
    expect(at("/jobs").map((r) => [r.payload.type, r.payload.accountId])).toEqual([
      ["job.reserved", accountId],
      ["job.completed", accountId],
    ]);
    expect(at("/jobs")[1].payload.data).toMatchObject({
      job: { id: jobCreate.job.id, status: "COMPLETED", consumedCredits: "20" },
      wallet: { available: "80" },
    });
    // The same events the log holds, by id.
    const { viewer } = await gql(`{ viewer { events(types: ["job.reserved", "job.completed"]) { nodes { id } } } }`);
    expect(at("/jobs").map((r) => r.id)).toEqual(viewer.events.nodes.map((e: { id: string }) => e.id));
  });

  it("delivers every event signed, in order per endpoint, through failures, a timeout and recovery", async () => {
    const { accountId, gql } = await account();
    await endpoint(gql, "/a");
    await endpoint(gql, "/b", ["job.completed"]);

    const started = Date.now();
    const first = await record(accountId, "job.completed");
    await waitFor(() => at("/a").length === 1 && at("/b").length === 1, "the first delivery");
    expect(Date.now() - started).toBeLessThan(1500);
    expect(at("/a")[0]).toMatchObject({ id: first.id, payload: { id: first.id, type: "job.completed", accountId, sequence: first.seq } });

    mode = "fail";
    const events = [await record(accountId, "job.reserved"), await record(accountId, "job.completed"), await record(accountId, "wallet.credits_added")];
    await waitFor(() => at("/a").length === 2 && at("/b").length === 2, "the first failed attempts");
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Head of line: nothing after the failing delivery was sent to /a.
    expect(at("/a").map((r) => r.id)).toEqual([first.id, events[0].id]);
    await later(7_000);
    mode = "hang";
    await later(40_000);
    expect(at("/a").map((r) => r.id)).toEqual([first.id, events[0].id, events[0].id, events[0].id]);
    mode = "ok";
    await later(3 * 60_000);
    await server.app.services.webhooks.deliverDue();

    const order = (path: string) => [...new Set(at(path).map((r) => r.id))];
    expect(order("/a")).toEqual([first.id, ...events.map((e) => e.id)]);
    expect(order("/b")).toEqual([first.id, events[1].id]);
    // Duplicates only with the same webhook-id, and then the same body.
    for (const r of received) expect(r.body).toBe(received.find((other) => other.id === r.id)!.body);

    const { viewer } = await gql(
      `{ viewer { webhookEndpoints { url attempts(first: 20) { nodes { eventId status succeeded responseStatus latencyMs responseExcerpt error attemptedAt } } } } }`,
    );
    const attempts = viewer.webhookEndpoints[0].attempts.nodes;
    expect(attempts.map((a: { status: string }) => a.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "FAILED", "FAILED", "FAILED", "SUCCEEDED"]);
    expect(attempts[3]).toMatchObject({ eventId: events[0].id, responseStatus: null, error: "no answer within 0.3 s" });
    expect(attempts[4]).toMatchObject({ responseStatus: 500, succeeded: false, error: "HTTP 500" });
    expect(attempts[4].responseExcerpt).toHaveLength(500);
    expect(attempts[0]).toMatchObject({ responseStatus: 200, responseExcerpt: "ok", error: null });
  });

  it("claims each attempt once when two workers race", async () => {
    const { accountId, gql } = await account();
    await endpoint(gql, "/race");
    mode = "fail";
    await record(accountId, "job.failed");
    await waitFor(() => at("/race").length === 1, "the first attempt");
    const other = new WebhookDeliveryWorker(server.store, clock, silentLogger, WEBHOOKS, new BackgroundTasks(silentLogger), () => {});
    for (let round = 0; round < 3; round++) {
      clock.advance(15 * 60_000);
      await Promise.all([other.deliverDue(), server.app.services.webhooks.deliverDue()]);
      expect(at("/race")).toHaveLength(2 + round);
    }
    await other.close();
    mode = "ok";
    await later(6 * 3600_000);
    expect(at("/race").length).toBe(5);
  });

  it("sends a backlog in order: a failure in a run stops it there, and racing workers send each event once", async () => {
    const { accountId, gql } = await account();
    await endpoint(gql, "/backlog");
    mode = "fail";
    const events = [await record(accountId, "job.reserved")];
    await waitFor(() => at("/backlog").length === 1, "the first, failed, attempt");
    mode = "ok";
    for (let i = 0; i < 80; i++) events.push(await record(accountId, "job.completed"));
    failOnce.add(events[40].id);
    await later(7_000);
    // Everything before the failure went out once, in order; nothing after it was sent or counted.
    expect(at("/backlog").map((r) => r.payload.sequence)).toEqual([events[0], ...events.slice(0, 41)].map((e) => e.seq));
    const deliveries = await rawRows<{ event_id: string; status: string; attempts: number }>(
      server.store,
      "select event_id, status, attempts from webhook_deliveries where account_id = ? order by event_seq",
      accountId,
    );
    expect(deliveries.slice(0, 40).every((d) => d.status === "DELIVERED")).toBe(true);
    expect(deliveries[40]).toMatchObject({ event_id: events[40].id, status: "PENDING", attempts: 1 });
    expect(deliveries.slice(41).map((d) => [d.status, d.attempts])).toEqual(events.slice(41).map(() => ["PENDING", 0]));

    // Operators see the backlog (over every node) and this node's attempts.
    const metrics = await readMetrics(server);
    expect(Number(metrics.match(/^webhook_deliveries_pending (\d+)$/m)?.[1])).toBeGreaterThanOrEqual(41);
    expect(Number(metrics.match(/^webhook_delivery_attempts_total\{outcome="failed"\} (\d+)$/m)?.[1])).toBeGreaterThanOrEqual(2);
    expect(metrics).toMatch(/^webhook_oldest_pending_seconds \d/m);

    const other = new WebhookDeliveryWorker(server.store, clock, silentLogger, WEBHOOKS, new BackgroundTasks(silentLogger), () => {});
    clock.advance(60_000);
    await Promise.all([other.deliverDue(), server.app.services.webhooks.deliverDue(), other.deliverDue()]);
    await other.close();
    await server.app.services.webhooks.deliverDue();
    expect(at("/backlog").map((r) => r.payload.sequence)).toEqual([events[0], ...events.slice(0, 41), ...events.slice(40)].map((e) => e.seq));
    // Over kept-alive connections: a new one after each failure (its answer is cut off), not one per delivery.
    expect(new Set(at("/backlog").map((r) => r.port)).size).toBeLessThanOrEqual(6);
    const pendingAfter = await rawRows(server.store, "select id from webhook_deliveries where account_id = ? and status = 'PENDING'", accountId);
    expect(pendingAfter).toEqual([]);
  });

  /** An endpoint with `count` deliveries waiting behind a head that failed once (so none was sent yet). */
  async function backlog(path: string, count: number) {
    const { accountId, gql } = await account();
    const id = await endpoint(gql, path);
    mode = "fail";
    const events = [await record(accountId, "job.reserved")];
    await waitFor(() => at(path).length === 1, "the first, failed, attempt");
    mode = "ok";
    for (let i = 0; i < count; i++) events.push(await record(accountId, "job.completed"));
    return { accountId, gql, id, events };
  }

  it("stops a run's sends well before its claim runs out, so a node whose clock is ahead never sends the same event alongside", async () => {
    const { events } = await backlog("/slow", 40);
    const ahead = new ManualClock(clock.now());
    const other = new WebhookDeliveryWorker(server.store, ahead, silentLogger, WEBHOOKS, new BackgroundTasks(silentLogger), () => {});
    const racing: Promise<number>[] = [];
    // Each send takes 8 s of this node's time; the other node, 10 s ahead, looks for expired claims meanwhile.
    onDelivery.set("/slow", () => {
      clock.advance(8_000);
      ahead.advance(clock.now().getTime() + 10_000 - ahead.now().getTime());
      racing.push(other.deliverDue());
    });
    try {
      await later(7_000);
      await Promise.all(racing);
      await server.app.services.webhooks.deliverDue();
    } finally {
      onDelivery.delete("/slow");
      await other.close();
    }
    const ids = at("/slow").map((r) => r.id);
    expect(ids).toEqual([events[0], ...events].map((e) => e.id));
  });

  it("ends a run when its endpoint is disabled meanwhile, and lets the rest wait", async () => {
    const { accountId, gql, id, events } = await backlog("/stop", 20);
    let count = 0;
    onDelivery.set("/stop", async () => {
      clock.advance(1_000);
      if (++count === 3) await gql(`mutation ($id: ID!) { webhookEndpointUpdate(input: { id: $id, enabled: false }) { userErrors { code } } }`, { id });
    });
    try {
      await later(7_000);
    } finally {
      onDelivery.delete("/stop");
    }
    // The first event's failed attempt, then its delivery and two more; nothing after the change.
    expect(at("/stop").map((r) => r.id)).toEqual([events[0], ...events.slice(0, 3)].map((e) => e.id));
    const waiting = await rawRows<{ attempts: number }>(
      server.store,
      "select attempts from webhook_deliveries where account_id = ? and status = 'PENDING' order by event_seq",
      accountId,
    );
    expect(waiting.map((d) => d.attempts)).toEqual(events.slice(3).map(() => 0));
  });

  it("resends one event to one endpoint, with the same webhook-id", async () => {
    const { accountId, gql } = await account();
    const id = await endpoint(gql, "/resend");
    const event = await record(accountId, "job.cancelled");
    await waitFor(() => at("/resend").length === 1, "the delivery");
    const resend = `mutation ($e: ID!, $v: ID!) { webhookEventResend(input: { endpointId: $e, eventId: $v }) { delivery { eventId status } userErrors { field code } } }`;
    expect((await gql(resend, { e: id, v: event.id })).webhookEventResend).toEqual({ delivery: { eventId: event.id, status: "PENDING" }, userErrors: [] });
    await waitFor(() => at("/resend").length === 2, "the redelivery");
    expect(at("/resend").map((r) => r.id)).toEqual([event.id, event.id]);

    // Another account sees none of it.
    const stranger = await account();
    const refused = (await stranger.gql(resend, { e: id, v: event.id })).webhookEventResend;
    expect(refused).toEqual({ delivery: null, userErrors: [{ field: ["input", "endpointId"], code: "NOT_FOUND" }] });
    const own = await endpoint(stranger.gql, "/stranger");
    expect((await stranger.gql(resend, { e: own, v: event.id })).webhookEventResend.userErrors).toEqual([{ field: ["input", "eventId"], code: "NOT_FOUND" }]);
    const update = await stranger.gql(
      `mutation ($id: ID!) { webhookEndpointUpdate(input: { id: $id, enabled: false }) { webhookEndpoint { id } userErrors { field code } } }`,
      { id },
    );
    expect(update.webhookEndpointUpdate).toEqual({ webhookEndpoint: null, userErrors: [{ field: ["input", "id"], code: "NOT_FOUND" }] });
    const removed = await stranger.gql(`mutation ($id: ID!) { webhookEndpointDelete(input: { id: $id }) { userErrors { code } } }`, { id });
    expect(removed.webhookEndpointDelete.userErrors).toEqual([{ code: "NOT_FOUND" }]);
    expect((await stranger.gql(`{ viewer { webhookEndpoints { id } } }`)).viewer.webhookEndpoints).toEqual([{ id: own }]);
  });

  /** An endpoint that got one event, which is then past the retention (30 days). */
  async function deliveredLongAgo(path: string) {
    const { accountId, gql } = await account();
    const id = await endpoint(gql, path);
    const event = await record(accountId, "job.completed");
    await waitFor(() => at(path).length === 1, "the delivery");
    clock.advance(PAST_RETENTION_MS);
    return { accountId, gql, id, event };
  }

  it("keeps a resent event past its retention until it is delivered, then forgets it with its deliveries and attempts", async () => {
    const { gql, id, event } = await deliveredLongAgo("/old");
    mode = "fail";
    const resend = `mutation ($e: ID!, $v: ID!) { webhookEventResend(input: { endpointId: $e, eventId: $v }) { userErrors { code } } }`;
    expect((await gql(resend, { e: id, v: event.id })).webhookEventResend.userErrors).toEqual([]);
    await waitFor(() => at("/old").length === 2, "the resend's failed attempt");
    await server.app.services.pruneEvents();
    const kept = (sql: string) => rawRows(server.store, sql, event.id);
    expect(await kept("select id from events where id = ?")).toHaveLength(1);
    mode = "ok";
    await later(10_000);
    expect(at("/old").map((r) => r.id)).toEqual([event.id, event.id, event.id]);
    expect(await server.app.services.pruneEvents()).toBeGreaterThanOrEqual(1);
    expect(await kept("select id from events where id = ?")).toEqual([]);
    expect(await kept("select id from webhook_deliveries where event_id = ?")).toEqual([]);
    expect(await kept("select seq from webhook_attempts where event_id = ?")).toEqual([]);
    expect((await gql(resend, { e: id, v: event.id })).webhookEventResend.userErrors).toEqual([{ code: "NOT_FOUND" }]);
  });

  it("keeps an event a resend queues while retention is deleting it: retention waits for the resend's lock, then sees it", async () => {
    const { accountId, id, event } = await deliveredLongAgo("/race-prune");
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // A resend's transaction, held open between its lock on the event and its queuing.
    const resend = server.store.transaction(async (tx) => {
      expect(await tx.events.getLocked(event.id)).toBeDefined();
      locked();
      await held;
      const now = clock.now().toISOString();
      await tx.webhooks.requeue({
        id: "whd_race",
        endpointId: id,
        eventId: event.id,
        accountId,
        eventSeq: event.seq,
        status: "PENDING",
        nextAttemptAt: now,
        createdAt: now,
      });
    });
    await isLocked;
    const pruning = server.app.services.pruneEvents();
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await resend;
    await pruning;
    expect(await rawRows(server.store, "select id from events where id = ?", event.id)).toHaveLength(1);
    await later(1000);
    expect(at("/race-prune").map((r) => r.id)).toEqual([event.id, event.id]);
  });

  it("fails a queued delivery whose event is gone rather than let it hold up the endpoint's line", async () => {
    const { accountId, gql } = await account();
    await endpoint(gql, "/gone");
    mode = "fail";
    const gone = await record(accountId, "job.completed");
    await waitFor(() => at("/gone").length === 1, "the first, failed, attempt");
    mode = "ok";
    const next = await record(accountId, "job.failed");
    await rawRows(server.store, "delete from events where id = ? returning id", gone.id);
    await later(10_000);
    expect(at("/gone").map((r) => r.id)).toEqual([gone.id, next.id]);
    const deliveries = await rawRows<{ status: string }>(
      server.store,
      "select status from webhook_deliveries where account_id = ? order by event_seq",
      accountId,
    );
    expect(deliveries.map((d) => d.status)).toEqual(["FAILED", "DELIVERED"]);
    // Past the retention both go, the failed one too although its event went first.
    clock.advance(PAST_RETENTION_MS);
    await server.app.services.pruneEvents();
    expect(await rawRows(server.store, "select id from webhook_deliveries where account_id = ?", accountId)).toEqual([]);
    expect(await rawRows(server.store, "select seq from webhook_attempts where event_id in (?, ?)", gone.id, next.id)).toEqual([]);
  });

  it("treats event types stored as a JSON null or an empty list as every type", async () => {
    const { accountId, gql } = await account();
    const id = await endpoint(gql, "/any", ["job.failed"]);
    for (const [stored, type] of [
      ["null", "job.completed"],
      ["[]", "wallet.credits_added"],
    ] as const) {
      await rawRows(server.store, "update webhook_endpoints set event_types = ? where id = ? returning id", stored, id);
      const event = await record(accountId, type);
      await waitFor(() => at("/any").some((r) => r.id === event.id), `the ${type} event with types stored as ${stored}`);
    }
  });

  it("rotates an endpoint's secret: the old one signs beside the new until it expires, or stops at once", async () => {
    const { accountId, gql } = await account();
    const id = await endpoint(gql, "/rotate");
    const first = secrets.get("/rotate")!;
    const ROTATE = `mutation ($input: WebhookEndpointSecretRotateInput!) { webhookEndpointSecretRotate(input: $input) { webhookEndpoint { id previousSecretExpiresAt } secret userErrors { field code message } } }`;
    const rotated = (await gql(ROTATE, { input: { id } })).webhookEndpointSecretRotate;
    expect(rotated).toMatchObject({
      webhookEndpoint: { id, previousSecretExpiresAt: new Date(clock.now().getTime() + 24 * 3600_000).toISOString() },
      userErrors: [],
    });
    const second = rotated.secret as string;
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(first);
    const verifies = (secret: string, r: Received) => {
      try {
        new Webhook(secret).verify(r.body, r.headers);
        return true;
      } catch {
        return false;
      }
    };
    // A receiver still on the old secret verifies the next delivery, and so does one on the new.
    const during = await record(accountId, "job.completed");
    await waitFor(() => at("/rotate").length === 1, "a delivery during the rotation");
    expect(at("/rotate")[0].id).toBe(during.id);
    expect([verifies(first, at("/rotate")[0]), verifies(second, at("/rotate")[0])]).toEqual([true, true]);
    // A day later only the new one signs.
    clock.advance(25 * 3600_000);
    secrets.set("/rotate", second);
    await record(accountId, "job.failed");
    await waitFor(() => at("/rotate").length === 2, "a delivery after the old secret expired");
    expect([verifies(first, at("/rotate")[1]), verifies(second, at("/rotate")[1])]).toEqual([false, true]);
    // With 0 hours the old one stops at once.
    const now = (await gql(ROTATE, { input: { id, previousSecretExpiresInHours: 0 } })).webhookEndpointSecretRotate;
    expect(now.webhookEndpoint.previousSecretExpiresAt).toBeNull();
    secrets.set("/rotate", now.secret);
    await record(accountId, "job.cancelled");
    await waitFor(() => at("/rotate").length === 3, "a delivery after an immediate rotation");
    expect([verifies(second, at("/rotate")[2]), verifies(now.secret, at("/rotate")[2])]).toEqual([false, true]);

    const bad = (await gql(ROTATE, { input: { id, previousSecretExpiresInHours: 169 } })).webhookEndpointSecretRotate;
    expect(bad).toMatchObject({ secret: null, userErrors: [{ field: ["input", "previousSecretExpiresInHours"], code: "BAD_USER_INPUT" }] });
    const stranger = await account();
    expect((await stranger.gql(ROTATE, { input: { id } })).webhookEndpointSecretRotate).toMatchObject({
      secret: null,
      userErrors: [{ field: ["input", "id"], code: "NOT_FOUND" }],
    });
    // Neither secret is readable later.
    const { viewer } = await gql(`{ viewer { webhookEndpoints { id previousSecretExpiresAt } } }`);
    expect(JSON.stringify(viewer)).not.toContain("whsec_");
  });

  it("validates event types and updates, and forgets a deleted endpoint", async () => {
    const { accountId, gql } = await account();
    const bad = (await gql(CREATE, { input: { url: `${base}/x`, eventTypes: ["job.completed", "job.exploded"] } })).webhookEndpointCreate;
    expect(bad.userErrors).toEqual([
      { field: ["input", "eventTypes", "1"], code: "BAD_USER_INPUT", message: expect.stringContaining('"job.exploded" is not an event type') },
    ]);
    const id = await endpoint(gql, "/typed", ["job.failed"]);
    const changed = await gql(
      `mutation ($id: ID!) { webhookEndpointUpdate(input: { id: $id, eventTypes: [], description: "ops" }) { webhookEndpoint { eventTypes enabled } userErrors { code } } }`,
      { id },
    );
    expect(changed.webhookEndpointUpdate).toEqual({ webhookEndpoint: { eventTypes: null, enabled: true }, userErrors: [] });
    await gql(`mutation ($id: ID!) { webhookEndpointDelete(input: { id: $id }) { webhookEndpoint { id } userErrors { code } } }`, { id });
    await record(accountId, "job.expired");
    expect(await rawRows(server.store, "select id from webhook_deliveries where endpoint_id = ?", id)).toEqual([]);
  });

  it("refuses private and link-local URLs at save, and at send when a name resolves to one", async () => {
    const { accountId, gql } = await account(strict);
    const port = (receiver.address() as AddressInfo).port;
    for (const url of [
      "http://169.254.169.254/latest/meta-data",
      "http://10.0.0.1/",
      "http://100.64.0.1/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      `http://localhost:${port}/`,
      "http://0x7f000001/",
    ]) {
      const refused = (await gql(CREATE, { input: { url } })).webhookEndpointCreate;
      expect(refused, url).toMatchObject({ webhookEndpoint: null, secret: null, userErrors: [{ field: ["input", "url"], code: "BAD_USER_INPUT" }] });
      expect(refused.userErrors[0].message, url).toMatch(/must not point at this network/);
    }
    expect((await gql(CREATE, { input: { url: "ftp://example.com/" } })).webhookEndpointCreate.userErrors[0].field).toEqual(["input", "url"]);
    // Link-local (the metadata address) is refused even where private addresses are allowed.
    const local = await server.gql(CREATE, { input: { url: "http://169.254.169.254/" } }, (await createTestAccount(server, "Local")).key);
    expect(local.body.data.webhookEndpointCreate.userErrors[0].code).toBe("BAD_USER_INPUT");

    // A name that passed when saved and now resolves to loopback (DNS rebinding): no connection is made.
    const now = clock.now().toISOString();
    secrets.set("/rebound", "whsec_" + Buffer.alloc(24, 1).toString("base64"));
    await strict.store.transaction((tx) =>
      tx.webhooks.insertEndpoint({
        id: "we_rebound",
        accountId,
        url: `http://localhost:${port}/rebound`,
        enabled: true,
        secret: secrets.get("/rebound")!,
        seq: 1,
        createdAt: now,
        updatedAt: now,
      }),
    );
    await record(accountId, "job.completed", strict);
    await strict.app.services.webhooks.deliverDue();
    const { viewer } = await gql(`{ viewer { webhookEndpoints { attempts { nodes { succeeded error } } } } }`);
    expect(viewer.webhookEndpoints[0].attempts.nodes).toEqual([
      { succeeded: false, error: expect.stringMatching(/^refused to connect to localhost: .* is a loopback or private address$/) },
    ]);
    expect(at("/rebound")).toEqual([]);
  });

  it("is configured by NODE_ENV and WEBHOOK_ALLOW_PRIVATE_URLS", () => {
    expect(loadConfig({ NODE_ENV: "production" }).webhooks).toEqual({ requireHttps: true, allowPrivate: false, timeoutMs: 10_000 });
    expect(loadConfig({ NODE_ENV: "production", WEBHOOK_ALLOW_PRIVATE_URLS: "true" }).webhooks.allowPrivate).toBe(true);
    expect(loadConfig({}).webhooks).toEqual({ requireHttps: false, allowPrivate: true, timeoutMs: 10_000 });
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_URLS: "false", WEBHOOK_TIMEOUT_SECONDS: "3" }).webhooks).toMatchObject({ allowPrivate: false, timeoutMs: 3000 });
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_SECONDS: "60" })).toThrow(/WEBHOOK_TIMEOUT_SECONDS must be a whole number from 1 to 30/);
  });

  it("requires https in production", async () => {
    const production = await startTestServer({ config: { nodeEnv: "production", webhooks: { requireHttps: true, allowPrivate: false } } });
    try {
      const { gql } = await account(production);
      const refused = (await gql(CREATE, { input: { url: "http://93.184.215.14/hook" } })).webhookEndpointCreate;
      expect(refused.userErrors).toEqual([{ field: ["input", "url"], code: "BAD_USER_INPUT", message: "The URL must be https" }]);
      expect((await gql(CREATE, { input: { url: "https://93.184.215.14/hook" } })).webhookEndpointCreate.userErrors).toEqual([]);
    } finally {
      await production.close();
    }
  });

  it("refuses in production IPv6 addresses that carry a loopback, private or metadata IPv4 address, or are site-local", async () => {
    const production = await startTestServer({ config: { nodeEnv: "production", webhooks: { requireHttps: true, allowPrivate: false } } });
    try {
      const { gql } = await account(production);
      for (const host of [
        "[::127.0.0.1]",
        "[::ffff:0:7f00:1]",
        "[2002:7f00:1::]",
        "[2002:a9fe:a9fe::]",
        "[fec0::1]",
        "[64:ff9b:1::a9fe:a9fe]",
        "[64:ff9b::a00:1]",
        "[::FFFF:0:169.254.169.254]",
      ]) {
        const refused = (await gql(CREATE, { input: { url: `https://${host}/hook` } })).webhookEndpointCreate;
        expect(refused, host).toMatchObject({ webhookEndpoint: null, userErrors: [{ field: ["input", "url"], code: "BAD_USER_INPUT" }] });
        expect(refused.userErrors[0].message, host).toMatch(
          /must not point at this network: .* is a (loopback or private|link-local, unspecified or reserved) address$/,
        );
      }
      expect((await gql(CREATE, { input: { url: "https://[2002:5db8:d70e::1]/hook" } })).webhookEndpointCreate.userErrors).toEqual([]);
    } finally {
      await production.close();
    }
  });

  it("refuses at send an IPv6 literal carrying a loopback address, saved before the rule", async () => {
    const { accountId, gql } = await account(strict);
    const port = (receiver.address() as AddressInfo).port;
    const now = clock.now().toISOString();
    const url = `http://[::ffff:0:7f00:1]:${port}/translated`;
    await strict.store.transaction((tx) =>
      tx.webhooks.insertEndpoint({
        id: "we_translated",
        accountId,
        url,
        enabled: true,
        secret: "whsec_" + Buffer.alloc(24, 2).toString("base64"),
        seq: 1,
        createdAt: now,
        updatedAt: now,
      }),
    );
    await record(accountId, "job.completed", strict);
    await strict.app.services.webhooks.deliverDue();
    const { viewer } = await gql(`{ viewer { webhookEndpoints { attempts { nodes { succeeded error } } } } }`);
    expect(viewer.webhookEndpoints[0].attempts.nodes).toEqual([
      { succeeded: false, error: "refused to connect to ::ffff:0:7f00:1 (IPv4-translated, carrying 127.0.0.1) is a loopback or private address" },
    ]);
  });

  it("disables an endpoint failing for 3 days and tells the account by email", async () => {
    const { accountId, gql } = await account(server, "10");
    await gql(
      `mutation { creditAlertUpdate(input: { provider: "ugen", enabled: true, thresholdCredits: "1", email: "ops@partner.example" }) { userErrors { code } } }`,
    );
    const id = await endpoint(gql, "/dead");
    const event = await record(accountId, "job.completed");
    await waitFor(() => at("/dead").length === 1, "the first attempt");
    await server.app.services.webhooks.deliverDue(); // its outcome recorded
    for (let hour = 0; hour < 80; hour += 2) await later(2 * 3600_000);
    const { viewer } = await gql(`{ viewer { webhookEndpoints { id enabled disabledReason failingSince } } }`);
    expect(viewer.webhookEndpoints).toEqual([
      { id, enabled: false, disabledReason: expect.stringMatching(/^Every delivery failed from /), failingSince: expect.any(String) },
    ]);
    const deliveries = await rawRows<{ status: string }>(server.store, "select status from webhook_deliveries where event_id = ?", event.id);
    expect(deliveries).toEqual([{ status: "FAILED" }]);
    const mails = await rawRows<{ recipient: string; subject: string }>(
      server.store,
      "select recipient, subject from email_outbox where account_id = ? and kind = 'WEBHOOK_ENDPOINT_DISABLED'",
      accountId,
    );
    expect(mails).toEqual([{ recipient: "ops@partner.example", subject: `Webhook endpoint ${id} was disabled` }]);
    // Disabled: new events are not queued for it.
    await record(accountId, "job.failed");
    expect(await rawRows(server.store, "select id from webhook_deliveries where endpoint_id = ?", id)).toHaveLength(1);
    const enabled = await gql(
      `mutation ($id: ID!) { webhookEndpointUpdate(input: { id: $id, enabled: true }) { webhookEndpoint { enabled disabledReason failingSince } userErrors { code } } }`,
      { id },
    );
    expect(enabled.webhookEndpointUpdate).toEqual({ webhookEndpoint: { enabled: true, disabledReason: null, failingSince: null }, userErrors: [] });
  });
});
