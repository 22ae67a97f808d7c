/**
 * /metrics shows business volume: it is served only to a scraper holding METRICS_TOKEN, or on a
 * port of its own (METRICS_PORT), and not at all by default. It counts mutations' userErrors by
 * code and payment webhooks by outcome.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signSandboxPayload } from "../src/billing/sandbox-provider.js";
import { loadConfig } from "../src/config.js";
import { createTestAccount, readMetrics, startTestServer, TEST_METRICS_TOKEN, TEST_SANDBOX_SECRET, type TestServer } from "./helpers.js";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("where /metrics is served", () => {
  it("nowhere by default: 404 on the API port", async () => {
    const server = await startTestServer({ config: { metrics: {} } });
    const response = await fetch(`${server.url}/metrics`, { headers: bearer(TEST_METRICS_TOKEN) });
    await server.close();
    expect(response.status).toBe(404);
    expect(await response.text()).not.toMatch(/http_requests_total|ledger_entries_total/);
  });

  it("with METRICS_TOKEN, on the API port to `Authorization: Bearer <token>` only; 401 with WWW-Authenticate otherwise", async () => {
    const server = await startTestServer({ config: { metrics: { token: TEST_METRICS_TOKEN } } });
    const refused = await Promise.all([
      fetch(`${server.url}/metrics`),
      fetch(`${server.url}/metrics`, { headers: bearer(`${TEST_METRICS_TOKEN}x`) }),
      fetch(`${server.url}/metrics`, { headers: bearer(TEST_METRICS_TOKEN.slice(1)) }),
      fetch(`${server.url}/metrics`, { headers: bearer(`${TEST_METRICS_TOKEN.slice(0, -1)}X`) }),
      fetch(`${server.url}/metrics`, { headers: { "x-api-key": TEST_METRICS_TOKEN } }),
    ]);
    const served = await fetch(`${server.url}/metrics`, { headers: bearer(TEST_METRICS_TOKEN) });
    await server.close();
    for (const response of refused) {
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
      expect(await response.text()).not.toMatch(/http_requests_total/);
    }
    expect(served.status).toBe(200);
    expect(await served.text()).toMatch(/^http_requests_total\{/m);
  });

  it("with METRICS_PORT, on a listener of its own that starts and stops with the app, and no longer on the API port", async () => {
    const server = await startTestServer({ config: { metrics: { port: 0 } } });
    const port = (server.app.metricsServer!.address() as { port: number }).port;
    expect(port).not.toBe(Number(new URL(server.url).port));
    const metricsUrl = `http://127.0.0.1:${port}`;
    const onApiPort = await fetch(`${server.url}/metrics`, { headers: bearer(TEST_METRICS_TOKEN) });
    const served = await fetch(`${metricsUrl}/metrics`);
    const elsewhere = await fetch(`${metricsUrl}/graphql`);
    await server.close();
    expect(onApiPort.status).toBe(404);
    expect(served.status).toBe(200);
    expect(await served.text()).toMatch(/^http_requests_total\{/m);
    expect(elsewhere.status).toBe(404);
    await expect(fetch(`${metricsUrl}/metrics`)).rejects.toThrow();
  });

  it("with both, on METRICS_PORT, to the token's holder", async () => {
    const server = await startTestServer({ config: { metrics: { port: 0, token: TEST_METRICS_TOKEN } } });
    const metricsUrl = `http://127.0.0.1:${(server.app.metricsServer!.address() as { port: number }).port}/metrics`;
    const refused = await fetch(metricsUrl);
    const served = await fetch(metricsUrl, { headers: bearer(TEST_METRICS_TOKEN) });
    await server.close();
    expect(refused.status).toBe(401);
    expect(served.status).toBe(200);
  });

  it("is configured with checked METRICS_TOKEN and METRICS_PORT", () => {
    expect(loadConfig({}).metrics).toEqual({ token: undefined, port: undefined });
    expect(loadConfig({ METRICS_TOKEN: TEST_METRICS_TOKEN, METRICS_PORT: "9464" }).metrics).toEqual({ token: TEST_METRICS_TOKEN, port: 9464 });
    expect(() => loadConfig({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ METRICS_PORT: "4000" })).toThrow(/METRICS_PORT must differ from PORT/);
    expect(() => loadConfig({ METRICS_PORT: "http" })).toThrow(/METRICS_PORT/);
  });
});

describe("what /metrics counts", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("mutations' userErrors by code, each root field's (aliases too)", async () => {
    const { key } = await createTestAccount(server, "Refused", "5");
    await server.gql(
      `mutation {
        a: jobComplete(input: { jobId: "job_nope", consumedCredits: "1" }) { userErrors { code } }
        b: jobCancel(input: { jobId: "job_nope" }) { userErrors { code message } }
        c: jobCreate(input: { credits: "50" }) { userErrors { code } }
        d: jobCreate(input: { credits: "1" }) { job { id } userErrors { message } }
      }`,
      undefined,
      key,
    );
    // The client did not select the code: counted, but as "unselected".
    await server.gql(`mutation { jobCancel(input: { jobId: "job_nope" }) { userErrors { message } } }`, undefined, key);
    const metrics = await readMetrics(server);
    expect(metrics).toMatch(/^graphql_user_errors_total\{code="NOT_FOUND"\} 2$/m);
    expect(metrics).toMatch(/^graphql_user_errors_total\{code="INSUFFICIENT_CREDITS"\} 1$/m);
    expect(metrics).toMatch(/^graphql_user_errors_total\{code="unselected"\} 1$/m);
  });

  it("payment webhooks by provider and outcome", async () => {
    const { key } = await createTestAccount(server, "Buyer");
    const open = async () => {
      const { body } = await server.gql(
        `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/creator" }) { checkoutSession { id } } }`,
        undefined,
        key,
      );
      return body.data.checkoutSessionCreate.checkoutSession.id as string;
    };
    const deliver = async (id: string, sessionId: string, amount: string, secret = TEST_SANDBOX_SECRET) => {
      const timestamp = Math.floor(Date.now() / 1000);
      const payload = JSON.stringify({ id, type: "checkout.completed", created: timestamp, data: { session_id: sessionId, amount, currency: "USD" } });
      const response = await fetch(`${server.url}/webhooks/sandbox`, {
        method: "POST",
        headers: { "content-type": "application/json", "sandbox-signature": signSandboxPayload(secret, payload, timestamp) },
        body: payload,
      });
      return response.status;
    };
    const paid = await open();
    const eventId = `evt_${randomBytes(6).toString("hex")}`;
    expect(await deliver(eventId, paid, "45")).toBe(200); // applied
    expect(await deliver(eventId, paid, "45")).toBe(200); // duplicate
    expect(await deliver(`evt_${randomBytes(6).toString("hex")}`, await open(), "1")).toBe(200); // rejected: wrong amount
    expect(await deliver(`evt_${randomBytes(6).toString("hex")}`, "cs_unknown", "45")).toBe(200); // ignored
    expect(await deliver(`evt_${randomBytes(6).toString("hex")}`, paid, "45", "forged")).toBe(400); // refused
    const metrics = await readMetrics(server);
    for (const outcome of ["applied", "duplicate", "rejected", "ignored", "refused"]) {
      expect(metrics).toMatch(new RegExp(`^payment_webhooks_total\\{provider="sandbox",outcome="${outcome}"\\} 1$`, "m"));
    }
  });
});
