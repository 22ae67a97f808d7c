/**
 * Buying credit packs end to end over HTTP: a checkout session, the sandbox's checkout page driven
 * with a real form post, the signed webhook it delivers to /webhooks/sandbox, the PURCHASE entry;
 * then every kind of bad or repeated webhook, each changing nothing.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signSandboxPayload } from "../src/billing/sandbox-provider.js";
import { ManualClock } from "../src/clock.js";
import { createTestAccount, startTestServer, TEST_SANDBOX_SECRET, type TestServer } from "./helpers.js";

let server: TestServer;
const clock = new ManualClock(new Date());
beforeAll(async () => {
  server = await startTestServer({ clock });
});
afterAll(() => server.close());

const newAccount = () => createTestAccount(server, "Buyer");

async function openSession(apiKey: string, packId = "ugen/packs/creator", paymentType = "CARD") {
  const { body } = await server.gql(
    `mutation ($input: CheckoutSessionCreateInput!) {
      checkoutSessionCreate(input: $input) {
        checkoutSession { id url status purpose paymentType price { amount currency } credits pack { id name } }
        userErrors { field code message }
      }
    }`,
    { input: { packId, paymentType } },
    { "x-api-key": apiKey },
  );
  expect(body.errors).toBeUndefined();
  return body.data.checkoutSessionCreate;
}

async function viewer(apiKey: string) {
  const { body } = await server.gql(
    `{ viewer {
        balance available
        transactions { nodes { type amount balanceBefore balanceAfter description } }
        checkoutSessions { nodes { id status failureReason transaction { type amount } } }
      } }`,
    undefined,
    { "x-api-key": apiKey },
  );
  return body.data.viewer;
}

/** Posts a sandbox event the way the sandbox provider would, with optional tampering. */
async function deliver(
  event: { id?: string; type: string; sessionId: string; amount: string; currency?: string },
  options: { secret?: string; timestamp?: number; rawBody?: string; signature?: string | null } = {},
) {
  const timestamp = options.timestamp ?? Math.floor(clock.now().getTime() / 1000);
  const payload =
    options.rawBody ??
    JSON.stringify({
      id: event.id ?? `evt_${randomBytes(6).toString("hex")}`,
      type: event.type,
      created: timestamp,
      data: { session_id: event.sessionId, amount: event.amount, currency: event.currency ?? "USD" },
    });
  const headers: Record<string, string> = { "content-type": "application/json" };
  const signature = options.signature === undefined ? signSandboxPayload(options.secret ?? TEST_SANDBOX_SECRET, payload, timestamp) : options.signature;
  if (signature !== null) headers["sandbox-signature"] = signature;
  const response = await fetch(`${server.url}/webhooks/sandbox`, { method: "POST", headers, body: payload });
  return { status: response.status, body: (await response.json()) as { outcome?: string; error?: string } };
}

describe("checkout end to end", () => {
  it("pays through the sandbox page, receives the signed webhook, and adds the credits once", async () => {
    const { apiKey } = await newAccount();
    const { checkoutSession: session, userErrors } = await openSession(apiKey);
    expect(userErrors).toEqual([]);
    expect(session).toMatchObject({
      status: "OPEN",
      purpose: "CHECKOUT",
      paymentType: "CARD",
      price: { amount: "45", currency: "USD" },
      credits: "1000",
      pack: { id: "ugen/packs/creator", name: "Creator" },
    });
    expect(session.url).toMatch(new RegExp(`^${server.url}/sandbox/checkout/${session.id}\\?secret=[\\w-]{43}$`));

    const page = await fetch(session.url);
    const html = await page.text();
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(html).toContain("Creator credit pack: <strong>1000 credits</strong>");
    expect(html).toContain('<button name="action" value="pay">Pay 45 USD</button>');

    // The person clicks "Pay": a real form post. Watch the webhook the sandbox sends to us.
    const realFetch = globalThis.fetch;
    const deliveries: Array<{ url: string; init: RequestInit }> = [];
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation((url, init) => {
      deliveries.push({ url: String(url), init: init! });
      return realFetch(url, init);
    });
    const paid = await realFetch(session.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "action=pay",
    });
    spy.mockRestore();
    expect(paid.status).toBe(200);
    expect(await paid.text()).toContain('data-status="COMPLETED"');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].url).toBe(`${server.url}/webhooks/sandbox`);
    expect((deliveries[0].init.headers as Record<string, string>)["sandbox-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

    const after = await viewer(apiKey);
    expect(after.balance).toBe("1000");
    expect(after.transactions.nodes).toEqual([
      {
        type: "PURCHASE",
        amount: "1000",
        balanceBefore: "0",
        balanceAfter: "1000",
        description: `Purchase of ugen/packs/creator (checkout session ${session.id})`,
      },
    ]);
    expect(after.checkoutSessions.nodes[0]).toMatchObject({ id: session.id, status: "COMPLETED", transaction: { type: "PURCHASE", amount: "1000" } });

    // The provider delivers the same webhook again (a retry, or a replay): nothing changes.
    const replay = await realFetch(deliveries[0].url, deliveries[0].init);
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as { outcome: string }).outcome).toMatch(/^duplicate/);
    // A fresh event for the same, already paid session: acknowledged, nothing changes.
    const again = await deliver({ type: "checkout.completed", sessionId: session.id, amount: "45" });
    expect(again.body.outcome).toBe(`ignored: session ${session.id} is already COMPLETED`);
    expect(await viewer(apiKey)).toEqual(after);
    expect(await server.audit()).toEqual([]);
  });

  it("declines without adding anything", async () => {
    const { apiKey } = await newAccount();
    const { checkoutSession: session } = await openSession(apiKey, "ugen/packs/starter", "PAYPAL");
    expect(session.paymentType).toBe("PAYPAL");
    const declined = await fetch(session.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "action=decline",
    });
    expect(await declined.text()).toContain('data-status="DECLINED"');
    const after = await viewer(apiKey);
    expect(after.balance).toBe("0");
    expect(after.checkoutSessions.nodes[0]).toMatchObject({ status: "DECLINED", failureReason: "declined by the buyer", transaction: null });
    // Paying a declined checkout is no longer possible.
    const late = await fetch(session.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "action=pay" });
    expect(await late.text()).toContain('data-status="DECLINED"');
    expect((await viewer(apiKey)).balance).toBe("0");
  });

  it("refuses unknown packs and needs a key", async () => {
    const { apiKey } = await newAccount();
    const result = await openSession(apiKey, "ugen/packs/mega");
    expect(result).toEqual({
      checkoutSession: null,
      userErrors: [{ field: ["input", "packId"], code: "NOT_FOUND", message: "No credit pack ugen/packs/mega" }],
    });
    const anonymous = await server.gql(`mutation { checkoutSessionCreate(input: { packId: "ugen/packs/starter" }) { userErrors { code } } }`);
    expect(anonymous.body.errors![0].extensions!.code).toBe("UNAUTHENTICATED");
  });

  it("lists sessions by status and hides them from other accounts", async () => {
    const { apiKey } = await newAccount();
    const other = await newAccount();
    const { checkoutSession: open } = await openSession(apiKey);
    const { body } = await server.gql(`{ viewer { checkoutSessions(status: OPEN) { nodes { id } } } }`, undefined, { "x-api-key": apiKey });
    expect(body.data.viewer.checkoutSessions.nodes).toEqual([{ id: open.id }]);
    const foreign = await server.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id: open.id }, { "x-api-key": other.apiKey });
    expect(foreign.body.data.node).toBeNull();
    const own = await server.gql(`query ($id: ID!) { node(id: $id) { ... on CheckoutSession { status } } }`, { id: open.id }, { "x-api-key": apiKey });
    expect(own.body.data.node).toEqual({ status: "OPEN" });
  });
});

describe("bad webhooks change nothing", () => {
  let apiKey: string;
  let sessionId: string;
  beforeAll(async () => {
    ({ apiKey } = await newAccount());
    sessionId = (await openSession(apiKey)).checkoutSession.id;
  });

  async function unchanged(action: () => Promise<{ status: number; body: { outcome?: string; error?: string } }>, status: number, message: RegExp) {
    const before = await viewer(apiKey);
    const result = await action();
    expect(result.status).toBe(status);
    expect(result.body.outcome ?? result.body.error).toMatch(message);
    expect(await viewer(apiKey)).toEqual(before);
  }

  it("a bad signature is refused with 400", () =>
    unchanged(() => deliver({ type: "checkout.completed", sessionId, amount: "45" }, { secret: "not-the-secret" }), 400, /signature mismatch/));

  it("a missing signature is refused with 400", () =>
    unchanged(() => deliver({ type: "checkout.completed", sessionId, amount: "45" }, { signature: null }), 400, /missing or malformed/));

  it("a stale timestamp (over 300 s) is refused with 400", () =>
    unchanged(
      () => deliver({ type: "checkout.completed", sessionId, amount: "45" }, { timestamp: Math.floor(clock.now().getTime() / 1000) - 301 }),
      400,
      /timestamp outside the tolerance/,
    ));

  it("a body that is not JSON is refused with 400", () =>
    unchanged(() => deliver({ type: "", sessionId, amount: "" }, { rawBody: "not json" }), 400, /not JSON/));

  it("a payment of another amount is acknowledged but not applied", () =>
    unchanged(() => deliver({ type: "checkout.completed", sessionId, amount: "4.5" }), 200, /rejected: paid 4.5 USD but session .* costs 45 USD/));

  it("a payment in another currency is acknowledged but not applied", () =>
    unchanged(() => deliver({ type: "checkout.completed", sessionId, amount: "45", currency: "EUR" }), 200, /rejected: paid 45 EUR/));

  it("an unknown session is acknowledged but not applied", () =>
    unchanged(() => deliver({ type: "checkout.completed", sessionId: "cs_nope", amount: "45" }), 200, /unknown session/));

  it("an unknown event type is acknowledged and ignored", () =>
    unchanged(() => deliver({ type: "checkout.teleported", sessionId, amount: "45" }), 200, /not handled/));

  it("an unknown provider is 404", async () => {
    const response = await fetch(`${server.url}/webhooks/paypal`, { method: "POST", body: "{}" });
    expect(response.status).toBe(404);
  });

  it("events out of order: a late decline after payment changes nothing, nor a late payment after a decline", async () => {
    const paidId = (await openSession(apiKey)).checkoutSession.id;
    expect((await deliver({ type: "checkout.completed", sessionId: paidId, amount: "45" })).body.outcome).toMatch(/^applied/);
    await unchanged(() => deliver({ type: "checkout.declined", sessionId: paidId, amount: "45" }), 200, /already COMPLETED/);

    const declinedId = (await openSession(apiKey)).checkoutSession.id;
    expect((await deliver({ type: "checkout.declined", sessionId: declinedId, amount: "45" })).body.outcome).toMatch(/declined/);
    await unchanged(() => deliver({ type: "checkout.completed", sessionId: declinedId, amount: "45" }), 200, /already DECLINED/);
  });

  it("the same event delivered twice applies once", async () => {
    const id = (await openSession(apiKey)).checkoutSession.id;
    const eventId = `evt_${randomBytes(6).toString("hex")}`;
    const first = await deliver({ id: eventId, type: "checkout.completed", sessionId: id, amount: "45" });
    expect(first.body.outcome).toMatch(/^applied/);
    await unchanged(() => deliver({ id: eventId, type: "checkout.completed", sessionId: id, amount: "45" }), 200, /^duplicate/);
  });
});

describe("a payment confirmed late", () => {
  it("adds the credits even after this server expired the session: webhooks can arrive days late", async () => {
    const { apiKey } = await newAccount();
    const { checkoutSession } = await openSession(apiKey);
    const id = checkoutSession.id;
    clock.advance(24 * 3600_000 + 1);
    await server.app.services.billing.sweep();
    expect((await viewer(apiKey)).checkoutSessions.nodes[0]).toMatchObject({ id, status: "EXPIRED", failureReason: "checkout expired unpaid" });
    // The sandbox's own page no longer takes the payment.
    const page = await fetch(checkoutSession.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "action=pay" });
    expect(await page.text()).toContain('data-status="EXPIRED"');

    const paid = await deliver({ type: "checkout.completed", sessionId: id, amount: "45" });
    expect(paid.body.outcome).toBe(
      `applied: session ${id} was EXPIRED here (checkout expired unpaid) but is paid: completed, ${checkoutSession.credits} credits added`,
    );
    const after = await viewer(apiKey);
    expect(after.balance).toBe(checkoutSession.credits);
    expect(after.checkoutSessions.nodes[0]).toMatchObject({
      status: "COMPLETED",
      failureReason: null,
      transaction: { type: "PURCHASE", amount: checkoutSession.credits },
    });
    // Paid once, credited once.
    const again = await deliver({ type: "checkout.completed", sessionId: id, amount: "45" });
    expect(again.body.outcome).toBe(`ignored: session ${id} is already COMPLETED`);
    expect(await viewer(apiKey)).toEqual(after);
    expect(await server.audit()).toEqual([]);
  });

  it("still checks the amount of a late payment", async () => {
    const { apiKey } = await newAccount();
    const id = (await openSession(apiKey)).checkoutSession.id;
    clock.advance(24 * 3600_000 + 1);
    await server.app.services.billing.sweep();
    const wrong = await deliver({ type: "checkout.completed", sessionId: id, amount: "4.5" });
    expect(wrong.body.outcome).toMatch(/^rejected: paid 4.5 USD/);
    expect((await viewer(apiKey)).checkoutSessions.nodes[0]).toMatchObject({ status: "EXPIRED" });
  });

  it("changes nothing once the provider itself said the session expired or was declined", async () => {
    const { apiKey } = await newAccount();
    for (const type of ["checkout.expired", "checkout.declined"]) {
      const id = (await openSession(apiKey)).checkoutSession.id;
      expect((await deliver({ type, sessionId: id, amount: "45" })).body.outcome).toMatch(/^applied/);
      const late = await deliver({ type: "checkout.completed", sessionId: id, amount: "45" });
      expect(late.body.outcome).toMatch(new RegExp(`^ignored: session ${id} is already (EXPIRED|DECLINED)$`));
    }
    expect((await viewer(apiKey)).balance).toBe("0");
  });
});
