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
import { rawRun } from "./stores.js";
import { rawRows } from "./stores.js";

const WEBHOOK_SECRET = "whsec_test_secret";
const stripe = new Stripe("sk_test_123");
let fakeStripe: Server;
const created: Array<Record<string, string>> = [];
const customers: Array<Record<string, string>> = [];
const attached: Array<Record<string, string>> = [];
const intents: Array<Record<string, string>> = [];
/** While true, Stripe answers every request with a 500, after recording it here. */
let outage = false;
const whileDown: Array<Record<string, string>> = [];
let fakeStripePort: number;
let server: TestServer;

beforeAll(async () => {
  fakeStripe = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      const answer = (status: number, json: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
      const record = (list: Array<Record<string, string>>) => list.push({ ...form, idempotencyKey: String(req.headers["idempotency-key"]) });
      if (outage) {
        record(whileDown);
        return answer(500, { error: { type: "api_error", message: "Stripe is having trouble" } });
      }
      if (req.method === "POST" && req.url === "/v1/checkout/sessions") {
        record(created);
        const id = `cs_test_${created.length}`;
        return answer(200, { id, object: "checkout.session", url: `https://checkout.stripe.com/c/pay/${id}` });
      }
      if (req.method === "POST" && req.url === "/v1/customers") {
        record(customers);
        return answer(200, { id: `cus_test_${customers.length}`, object: "customer" });
      }
      const attach = req.url?.match(/^\/v1\/payment_methods\/(\w+)\/attach$/);
      if (req.method === "POST" && attach) {
        record(attached);
        return answer(200, { id: attach[1], object: "payment_method", customer: form.customer, card: { brand: "visa", last4: "4242" } });
      }
      if (req.method === "POST" && req.url === "/v1/payment_intents") {
        record(intents);
        if (form.payment_method === "pm_card_authenticationRequired") {
          return answer(402, {
            error: { type: "card_error", code: "authentication_required", message: "Your card was declined. This transaction requires authentication." },
          });
        }
        return answer(200, { id: `pi_test_${intents.length}`, object: "payment_intent", status: "succeeded" });
      }
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not here" } }));
    });
  });
  await new Promise<void>((resolve) => fakeStripe.listen(0, "127.0.0.1", resolve));
  fakeStripePort = (fakeStripe.address() as AddressInfo).port;
  server = await startTestServer({
    billing: {
      stripe: { secretKey: "sk_test_123", webhookSecret: WEBHOOK_SECRET, apiHost: { host: "127.0.0.1", port: fakeStripePort, protocol: "http" } },
      checkoutReturnOrigins: ["https://app.example.com"],
    },
  });
});
afterAll(async () => {
  await server.close();
  fakeStripe.close();
});

async function account() {
  return (await accountWithId()).apiKey;
}

async function accountWithId() {
  const { body } = await server.gql(`mutation { accountCreate(input: { name: "Stripe buyer" }) { account { id } apiKey } }`, undefined, {
    "x-api-key": TEST_ADMIN_KEY,
  });
  return { accountId: body.data.accountCreate.account.id as string, apiKey: body.data.accountCreate.apiKey as string };
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
    const { body } = await server.gql(`mutation { checkoutSessionCreate(input: { packId: "ugen/packs/starter" }) { checkoutSession { url } } }`, undefined, {
      "x-api-key": apiKey,
    });
    const stripeId = body.data.checkoutSessionCreate.checkoutSession.url.split("/").at(-1);
    const completion = (fields: Record<string, unknown>) =>
      stripeEvent("checkout.session.completed", {
        id: stripeId,
        object: "checkout.session",
        amount_total: 1000,
        currency: "usd",
        payment_status: "paid",
        ...fields,
      });

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

  it("refuses PayPal for a LIVE account (no real PayPal provider yet), and never sends it to the sandbox", async () => {
    const apiKey = await account();
    const { body } = await server.gql(
      `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/starter", paymentType: PAYPAL }) { checkoutSession { url } userErrors { field code } } }`,
      undefined,
      { "x-api-key": apiKey },
    );
    expect(body.data.checkoutSessionCreate).toEqual({
      checkoutSession: null,
      userErrors: [{ field: ["input", "paymentType"], code: "PAYMENT_PROVIDER_UNAVAILABLE" }],
    });
    const listed = await server.gql(`{ viewer { checkoutSessions(first: 5) { nodes { id } } } }`, undefined, { "x-api-key": apiKey });
    expect(listed.body.data.viewer.checkoutSessions.nodes).toEqual([]);
  });

  it("sends a TEST account's payments to the sandbox, never to Stripe, and a LIVE account's never to the sandbox", async () => {
    const admin = { "x-api-key": TEST_ADMIN_KEY };
    const made = await server.gql(`mutation { accountCreate(input: { name: "Test buyer", mode: TEST }) { apiKey } }`, undefined, admin);
    const testKey = { "x-api-key": made.body.data.accountCreate.apiKey as string };
    const sessionsBefore = created.length;
    const { body } = await server.gql(
      `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/starter" }) { checkoutSession { url } userErrors { code } } }`,
      undefined,
      testKey,
    );
    expect(body.data.checkoutSessionCreate.checkoutSession.url).toContain(`${server.url}/sandbox/checkout/cs_`);
    expect(created.length).toBe(sessionsBefore);
    const pm = await server.gql(`mutation { paymentMethodAttach(input: { token: "pm_card_visa" }) { userErrors { field code } } }`, undefined, testKey);
    expect(pm.body.data.paymentMethodAttach.userErrors).toEqual([{ field: ["input", "token"], code: "BAD_USER_INPUT" }]);

    const liveKey = { "x-api-key": await account() };
    const tok = await server.gql(
      `mutation { paymentMethodAttach(input: { token: "tok_visa" }) { paymentMethod { id } userErrors { field code message } } }`,
      undefined,
      liveKey,
    );
    expect(tok.body.data.paymentMethodAttach).toMatchObject({
      paymentMethod: null,
      userErrors: [{ field: ["input", "token"], code: "BAD_USER_INPUT", message: expect.stringContaining("sandbox test token") }],
    });
    const live = await server.gql(
      `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/starter" }) { checkoutSession { url } } }`,
      undefined,
      liveKey,
    );
    expect(live.body.data.checkoutSessionCreate.checkoutSession.url).toMatch(/^https:\/\/checkout\.stripe\.com\//);
  });

  it("keeps a real payment made for a TEST account's session for an operator to refund, never as credits", async () => {
    const made = await server.gql(`mutation { accountCreate(input: { name: "Test, paid at Stripe", mode: TEST }) { account { id } apiKey } }`, undefined, {
      "x-api-key": TEST_ADMIN_KEY,
    });
    const { account: testAccount, apiKey } = made.body.data.accountCreate;
    // A Stripe session of a TEST account: none is opened any more; one from before modes (the demo account's) may be.
    await rawRun(
      server.store,
      `insert into checkout_sessions (id, account_id, pack_id, price_micros, currency, credits_micros, provider, payment_type, purpose, status, provider_session_id, expires_at)
       values (?, ?, 'ugen/packs/starter', 10000000, 'USD', 200000000, 'stripe', 'CARD', 'CHECKOUT', 'OPEN', 'cs_test_old_demo', '2999-01-01T00:00:00.000Z')`,
      "cs_old_demo_session",
      testAccount.id,
    );
    const paid = stripeEvent("checkout.session.completed", {
      id: "cs_test_old_demo",
      object: "checkout.session",
      amount_total: 1000,
      currency: "usd",
      payment_status: "paid",
      client_reference_id: "cs_old_demo_session",
    });
    expect((await post(paid, signed(paid))).body.outcome).toMatch(
      /^unapplied: session cs_old_demo_session paid, but the credits could not be added: the account's mode takes no stripe payments/,
    );
    const admin = { "x-api-key": TEST_ADMIN_KEY };
    const open = await server.gql(`{ unappliedPayments(open: true) { nodes { id provider account { id } checkoutSession { status } } } }`, undefined, admin);
    const kept = open.body.data.unappliedPayments.nodes.find((n: { account: { id: string } }) => n.account.id === testAccount.id);
    expect(kept).toMatchObject({ provider: "stripe", checkoutSession: { status: "PAID_NOT_CREDITED" } });
    // An operator cannot make it credits either: only dismiss it, once refunded at Stripe.
    const resolve = (action: string) =>
      server.gql(
        `mutation ($id: ID!, $a: UnappliedPaymentAction!) { unappliedPaymentResolve(input: { unappliedPaymentId: $id, action: $a }) { unappliedPayment { resolution } userErrors { field code } } }`,
        { id: kept.id, a: action },
        admin,
      );
    expect((await resolve("APPLY")).body.data.unappliedPaymentResolve).toEqual({
      unappliedPayment: null,
      userErrors: [{ field: ["input", "action"], code: "PAYMENT_PROVIDER_UNAVAILABLE" }],
    });
    expect((await resolve("DISMISS")).body.data.unappliedPaymentResolve).toEqual({ unappliedPayment: { resolution: "DISMISSED" }, userErrors: [] });
    const wallet = await server.gql(`{ viewer { wallets { balance } } }`, undefined, { "x-api-key": apiKey });
    expect(wallet.body.data.viewer.wallets).toEqual([]);
  });

  it("sends buyers back to this server's outcome pages, or to allowed pages of the client's own", async () => {
    const apiKey = await account();
    const open = (input: string) =>
      server.gql(
        `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/starter", ${input} }) { checkoutSession { id } userErrors { field code message } } }`,
        undefined,
        {
          "x-api-key": apiKey,
        },
      );
    const plain = (await open("")).body.data.checkoutSessionCreate.checkoutSession;
    expect(created.at(-1)).toMatchObject({
      success_url: `${server.url}/checkout/${plain.id}/done`,
      cancel_url: `${server.url}/checkout/${plain.id}/cancelled`,
    });
    // Stripe's sessions have no page secret: their outcome pages tell nothing about the session.
    const done = await fetch(`${server.url}/checkout/${plain.id}/done`);
    expect(done.status).toBe(200);
    const doneHtml = await done.text();
    expect(doneHtml).toContain("Thank you");
    expect(doneHtml).not.toContain("data-status");
    expect(doneHtml).not.toContain("Starter");
    expect(await (await fetch(`${server.url}/checkout/${plain.id}/cancelled`)).text()).toContain("You left the payment page.");

    const own = (await open(`successUrl: "https://app.example.com/paid?session={CHECKOUT_SESSION_ID}", cancelUrl: "https://app.example.com/cart"`)).body.data
      .checkoutSessionCreate;
    expect(own.userErrors).toEqual([]);
    expect(created.at(-1)).toMatchObject({
      success_url: `https://app.example.com/paid?session=${own.checkoutSession.id}`,
      cancel_url: "https://app.example.com/cart",
    });

    const before = created.length;
    for (const [input, pattern] of [
      [`successUrl: "https://evil.example.net/x"`, /https:\/\/evil\.example\.net is not allowed .*CHECKOUT_RETURN_ORIGINS/],
      [`cancelUrl: "javascript:alert(1)"`, /must be an http\(s\) URL/],
      [`successUrl: "not a url"`, /is not a URL/],
    ] as const) {
      const refused = (await open(input)).body.data.checkoutSessionCreate;
      expect(refused.checkoutSession).toBeNull();
      expect(refused.userErrors[0]).toMatchObject({ code: "BAD_USER_INPUT", message: expect.stringMatching(pattern) });
      expect(refused.userErrors[0].field[0]).toBe("input");
    }
    expect(created.length).toBe(before);
  });

  it("attaches saved cards to the account's Stripe Customer and charges them off-session with customer and method", async () => {
    const { accountId, apiKey } = await accountWithId();
    const key = { "x-api-key": apiKey };
    const attach = (token: string) =>
      server.gql(
        `mutation ($token: String!) { paymentMethodAttach(input: { token: $token }) { paymentMethod { label provider isDefault } userErrors { code message } } }`,
        { token },
        key,
      );
    const first = await attach("pm_card_visa");
    expect(first.body.data.paymentMethodAttach).toEqual({
      paymentMethod: { label: "visa •••• 4242 (stripe)", provider: "stripe", isDefault: true },
      userErrors: [],
    });
    const mine = customers.filter((c) => c["metadata[accountId]"] === accountId);
    expect(mine).toHaveLength(1);
    expect(mine[0].idempotencyKey).toBe(`customer-${accountId}`);
    const customerId = `cus_test_${customers.indexOf(mine[0]) + 1}`;
    expect(attached.at(-1)).toMatchObject({ customer: customerId });
    await attach("pm_card_mastercard");
    expect(customers.filter((c) => c["metadata[accountId]"] === accountId)).toHaveLength(1);

    const subscribed = await server.gql(
      `mutation { subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) { subscription { status } userErrors { code } } }`,
      undefined,
      key,
    );
    expect(subscribed.body.data.subscriptionCreate.userErrors).toEqual([]);
    const intent = intents.at(-1)!;
    expect(intent).toMatchObject({
      amount: "9900",
      currency: "usd",
      customer: customerId,
      payment_method: "pm_card_visa",
      off_session: "true",
      confirm: "true",
    });
    const paid = stripeEvent("payment_intent.succeeded", { id: `pi_test_${intents.length}`, object: "payment_intent", amount_received: 9900, currency: "usd" });
    expect((await post(paid, signed(paid))).body.outcome).toMatch(/^applied: session cs_\w+ completed, 500 credits added$/);
    const { body } = await server.gql(`{ viewer { balance subscriptions { status } } }`, undefined, key);
    expect(body.data.viewer).toEqual({ balance: "500", subscriptions: [{ status: "ACTIVE" }] });
  });

  it("saves a card through Stripe Checkout in setup mode, confirmed by setup_intent.succeeded", async () => {
    const { accountId, apiKey } = await accountWithId();
    const key = { "x-api-key": apiKey };
    const { body } = await server.gql(
      `mutation { paymentMethodSetupCreate { paymentMethodSetup { id url status provider } userErrors { code } } }`,
      undefined,
      key,
    );
    const setup = body.data.paymentMethodSetupCreate.paymentMethodSetup;
    expect(setup).toMatchObject({ status: "OPEN", provider: "stripe", url: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\//) });
    const customerId = `cus_test_${customers.findIndex((c) => c["metadata[accountId]"] === accountId) + 1}`;
    expect(created.at(-1)).toMatchObject({
      mode: "setup",
      customer: customerId,
      "setup_intent_data[metadata][setupId]": setup.id,
      success_url: `${server.url}/checkout/${setup.id}/done`,
    });

    const forged = stripeEvent("setup_intent.succeeded", {
      id: "seti_2",
      object: "setup_intent",
      payment_method: "pm_other",
      customer: "cus_someone_else",
      metadata: { setupId: setup.id },
    });
    expect((await post(forged, signed(forged))).body.outcome).toMatch(/^rejected: setup pms_\w+ belongs to another customer/);
    const succeeded = stripeEvent("setup_intent.succeeded", {
      id: "seti_1",
      object: "setup_intent",
      payment_method: "pm_saved_123",
      customer: customerId,
      metadata: { setupId: setup.id },
    });
    expect((await post(succeeded, signed(succeeded))).body.outcome).toMatch(/^applied: setup pms_\w+ saved payment method pmt_\w+ as the default$/);
    expect((await post(succeeded, signed(succeeded))).body.outcome).toMatch(/^duplicate/);

    const after = await server.gql(
      `query ($id: ID!) { viewer { paymentMethods { provider isDefault } } node(id: $id) { ... on PaymentMethodSetup { status } } }`,
      { id: setup.id },
      key,
    );
    expect(after.body.data).toEqual({ viewer: { paymentMethods: [{ provider: "stripe", isDefault: true }] }, node: { status: "COMPLETED" } });
    expect(await (await fetch(`${server.url}/checkout/${setup.id}/done`)).text()).not.toContain("data-status");
  });

  it("declines a charge whose card needs the cardholder's confirmation, and says how to confirm", async () => {
    const apiKey = await account();
    const key = { "x-api-key": apiKey };
    await server.gql(`mutation { paymentMethodAttach(input: { token: "pm_card_authenticationRequired" }) { userErrors { code } } }`, undefined, key);
    await server.gql(`mutation { subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) { userErrors { code } } }`, undefined, key);
    const { body } = await server.gql(
      `{ viewer { balance subscriptions { status lastPaymentError } checkoutSessions { nodes { status failureReason } } } }`,
      undefined,
      key,
    );
    expect(body.data.viewer.balance).toBe("0");
    expect(body.data.viewer.subscriptions[0].status).toBe("PAST_DUE");
    expect(body.data.viewer.checkoutSessions.nodes[0].status).toBe("DECLINED");
    expect(body.data.viewer.checkoutSessions.nodes[0].failureReason).toMatch(
      /^authentication_required: the card's bank asks the cardholder to confirm this payment\. Buy it with checkoutSessionCreate/,
    );
  });

  describe("while Stripe is down", () => {
    /** Runs `action` with every Stripe call failing (500, retried by the package, then given up). */
    const down = async <T>(action: () => Promise<T>): Promise<T> => {
      outage = true;
      try {
        return await action();
      } finally {
        outage = false;
      }
    };
    /** An account with a webhook endpoint, so that any event of it would be queued for delivery. */
    async function watched() {
      const { accountId, apiKey } = await accountWithId();
      const key = { "x-api-key": apiKey };
      const { body } = await server.gql(
        `mutation ($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { userErrors { code } } }`,
        { input: { url: `http://127.0.0.1:${fakeStripePort}/hooks` } },
        key,
      );
      expect(body.data.webhookEndpointCreate.userErrors).toEqual([]);
      const told = async () => ({
        events: (await server.gql(`{ viewer { events(first: 10) { nodes { type } } } }`, undefined, key)).body.data.viewer.events.nodes,
        deliveries: await rawRows(server.store, "select id from webhook_deliveries where account_id = ?", accountId),
      });
      return { accountId, key, told };
    }
    const providerError = { code: "PAYMENT_PROVIDER_ERROR", message: expect.stringMatching(/^The payment provider refused the request: /) };

    it("opening a checkout is PAYMENT_PROVIDER_ERROR and leaves no session, event or webhook; Stripe's late events for it change nothing", async () => {
      const { key, told } = await watched();
      const { body } = await down(() =>
        server.gql(
          `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/starter" }) { checkoutSession { id } userErrors { code message } } }`,
          undefined,
          key,
        ),
      );
      expect(body.data.checkoutSessionCreate).toEqual({ checkoutSession: null, userErrors: [providerError] });
      // The id Stripe was asked to make a session for: the caller never saw it, and nothing shows it.
      const sessionId = whileDown.at(-1)!.client_reference_id;
      expect(sessionId).toMatch(/^cs_/);
      const seen = await server.gql(`query ($id: ID!) { viewer { checkoutSessions { nodes { id status } } } node(id: $id) { id } }`, { id: sessionId }, key);
      expect(seen.body.data).toEqual({ viewer: { checkoutSessions: { nodes: [] } }, node: null });
      expect(await told()).toEqual({ events: [], deliveries: [] });

      // Stripe may have made the session before its answer was lost: its events name an id never recorded here.
      const paid = stripeEvent("checkout.session.completed", {
        id: "cs_test_lost",
        object: "checkout.session",
        amount_total: 1000,
        currency: "usd",
        payment_status: "paid",
        client_reference_id: sessionId,
      });
      expect((await post(paid, signed(paid))).body.outcome).toBe("ignored: unknown session");
      const expired = stripeEvent("checkout.session.expired", { id: "cs_test_lost", object: "checkout.session", client_reference_id: sessionId });
      expect((await post(expired, signed(expired))).body.outcome).toBe("ignored: unknown session");
      expect((await server.gql(`{ viewer { balance checkoutSessions { nodes { id } } } }`, undefined, key)).body.data.viewer).toEqual({
        balance: "0",
        checkoutSessions: { nodes: [] },
      });
      expect(await told()).toEqual({ events: [], deliveries: [] });
    });

    it("opening a setup page, or attaching a card, is PAYMENT_PROVIDER_ERROR and saves and tells nothing", async () => {
      const { key, told } = await watched();
      const setup = () => server.gql(`mutation { paymentMethodSetupCreate { paymentMethodSetup { id } userErrors { code message } } }`, undefined, key);
      const attach = () =>
        server.gql(`mutation { paymentMethodAttach(input: { token: "pm_card_visa" }) { paymentMethod { id } userErrors { code message } } }`, undefined, key);
      // No Stripe Customer yet: making it is what fails first.
      expect((await down(setup)).body.data.paymentMethodSetupCreate).toEqual({ paymentMethodSetup: null, userErrors: [providerError] });
      expect((await down(attach)).body.data.paymentMethodAttach).toEqual({ paymentMethod: null, userErrors: [providerError] });
      // With a customer (made by an attach while Stripe is up), the page itself fails.
      expect((await attach()).body.data.paymentMethodAttach.userErrors).toEqual([]);
      expect((await down(setup)).body.data.paymentMethodSetupCreate).toEqual({ paymentMethodSetup: null, userErrors: [providerError] });
      expect((await server.gql(`{ viewer { paymentMethods { label } } }`, undefined, key)).body.data.viewer.paymentMethods).toEqual([
        { label: "visa •••• 4242 (stripe)" },
      ]);
      expect(await told()).toEqual({ events: [], deliveries: [] });
    });

    it("an off-session charge that fails is still DECLINED by this server and told: the charge may have gone through", async () => {
      const { key, told } = await watched();
      await server.gql(`mutation { paymentMethodAttach(input: { token: "pm_card_visa" }) { userErrors { code } } }`, undefined, key);
      await down(() => server.gql(`mutation { subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) { userErrors { code } } }`, undefined, key));
      const { body } = await server.gql(`{ viewer { subscriptions { status } checkoutSessions { nodes { status failureReason } } } }`, undefined, key);
      expect(body.data.viewer.subscriptions).toEqual([{ status: "PAST_DUE" }]);
      expect(body.data.viewer.checkoutSessions.nodes).toEqual([{ status: "DECLINED", failureReason: expect.stringMatching(/^payment provider error: /) }]);
      expect((await told()).events.map((e: { type: string }) => e.type)).toContain("checkout_session.declined");
    });
  });
});
