/**
 * The Stripe provider with the official package: checkout sessions created against a local
 * stand-in for api.stripe.com (no network), webhooks verified by the package's own signature
 * check and signed here with its test-header helper.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from "./helpers.js";

const WEBHOOK_SECRET = "whsec_test_secret";
const stripe = new Stripe("sk_test_123");
let fakeStripe: Server;
const created: Array<Record<string, string>> = [];
let server: TestServer;

beforeAll(async () => {
  fakeStripe = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      if (req.method === "POST" && req.url === "/v1/checkout/sessions") {
        created.push({ ...form, idempotencyKey: String(req.headers["idempotency-key"]) });
        const id = `cs_test_${created.length}`;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ id, object: "checkout.session", url: `https://checkout.stripe.com/c/pay/${id}` }));
        return;
      }
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not here" } }));
    });
  });
  await new Promise<void>((resolve) => fakeStripe.listen(0, "127.0.0.1", resolve));
  const port = (fakeStripe.address() as AddressInfo).port;
  server = await startTestServer({
    billing: { stripe: { secretKey: "sk_test_123", webhookSecret: WEBHOOK_SECRET, apiHost: { host: "127.0.0.1", port, protocol: "http" } } },
  });
});
afterAll(async () => {
  await server.close();
  fakeStripe.close();
});

async function account() {
  const { body } = await server.gql(`mutation { accountCreate(input: { name: "Stripe buyer" }) { apiKey } }`, undefined, { "x-api-key": TEST_ADMIN_KEY });
  return body.data.accountCreate.apiKey as string;
}

function stripeEvent(type: string, object: Record<string, unknown>, id = `evt_${Math.random().toString(16).slice(2)}`) {
  return JSON.stringify({ id, object: "event", type, api_version: "2024-06-20", created: Math.floor(Date.now() / 1000), data: { object } });
}

async function post(payload: string, header: string) {
  const response = await fetch(`${server.url}/webhooks/stripe`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": header },
    body: payload,
  });
  return { status: response.status, body: (await response.json()) as { outcome?: string; error?: string } };
}

const signed = (payload: string, options: { secret?: string; timestamp?: number } = {}) =>
  stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? WEBHOOK_SECRET, timestamp: options.timestamp });

describe("Stripe", () => {
  it("creates a Checkout Session for the pack's price and adds credits on checkout.session.completed", async () => {
    const apiKey = await account();
    const { body } = await server.gql(
      `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/studio", paymentType: CARD }) { checkoutSession { id url status } userErrors { code } } }`,
      undefined,
      { "x-api-key": apiKey },
    );
    const session = body.data.checkoutSessionCreate.checkoutSession;
    expect(session.url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_\d+$/);
    const request = created.at(-1)!;
    expect(request).toMatchObject({
      mode: "payment",
      client_reference_id: session.id,
      "line_items[0][price_data][currency]": "usd",
      "line_items[0][price_data][unit_amount]": "17500",
      "line_items[0][quantity]": "1",
      idempotencyKey: `checkout-${session.id}`,
    });
    const stripeId = session.url.split("/").at(-1);

    const paid = stripeEvent("checkout.session.completed", {
      id: stripeId,
      object: "checkout.session",
      amount_total: 17500,
      currency: "usd",
      payment_status: "paid",
      client_reference_id: session.id,
    });
    const first = await post(paid, signed(paid));
    expect(first).toMatchObject({ status: 200, body: { outcome: `applied: session ${session.id} completed, 5000 credits added` } });
    const again = await post(paid, signed(paid));
    expect(again.body.outcome).toMatch(/^duplicate/);

    const { body: after } = await server.gql(`{ viewer { balance checkoutSessions { nodes { status } } } }`, undefined, { "x-api-key": apiKey });
    expect(after.data.viewer).toEqual({ balance: "5000", checkoutSessions: { nodes: [{ status: "COMPLETED" }] } });
  });

  it("does not add credits for an unpaid completion, a wrong amount, a bad signature or a stale one", async () => {
    const apiKey = await account();
    const { body } = await server.gql(
      `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/starter" }) { checkoutSession { url } } }`,
      undefined,
      { "x-api-key": apiKey },
    );
    const stripeId = body.data.checkoutSessionCreate.checkoutSession.url.split("/").at(-1);
    const completion = (fields: Record<string, unknown>) =>
      stripeEvent("checkout.session.completed", { id: stripeId, object: "checkout.session", amount_total: 1000, currency: "usd", payment_status: "paid", ...fields });

    const unpaid = completion({ payment_status: "unpaid" });
    expect((await post(unpaid, signed(unpaid))).body.outcome).toMatch(/not handled/);
    const cheap = completion({ amount_total: 100 });
    expect((await post(cheap, signed(cheap))).body.outcome).toMatch(/rejected: paid 1 USD/);
    const forged = completion({});
    expect((await post(forged, signed(forged, { secret: "whsec_wrong" }))).status).toBe(400);
    const stale = completion({});
    expect((await post(stale, signed(stale, { timestamp: Math.floor(Date.now() / 1000) - 301 }))).status).toBe(400);

    const { body: after } = await server.gql(`{ viewer { balance checkoutSessions { nodes { status } } } }`, undefined, { "x-api-key": apiKey });
    expect(after.data.viewer).toEqual({ balance: "0", checkoutSessions: { nodes: [{ status: "OPEN" }] } });

    const expired = stripeEvent("checkout.session.expired", { id: stripeId, object: "checkout.session" });
    expect((await post(expired, signed(expired))).body.outcome).toMatch(/expired/);
  });

  it("sends PayPal through the sandbox even with Stripe configured", async () => {
    const apiKey = await account();
    const { body } = await server.gql(
      `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/starter", paymentType: PAYPAL }) { checkoutSession { url } } }`,
      undefined,
      { "x-api-key": apiKey },
    );
    expect(body.data.checkoutSessionCreate.checkoutSession.url).toContain(`${server.url}/sandbox/checkout/cs_`);
  });
});
