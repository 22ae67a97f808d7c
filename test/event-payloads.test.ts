/**
 * Typed events through the API: the real flow of an account (jobs, a pack bought on the sandbox's
 * page, a refund, an alert, a subscription, an expiry on a test clock, a clawback) makes events
 * whose Event.payload is the type of their event type, carrying the API's objects; and every
 * webhook body a real receiver got validates against the JSON Schema the server serves.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { EVENT_TYPES } from "../src/events/definitions.js";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, until, type TestAccount, type TestServer } from "./helpers.js";
import { describeStore } from "./stores.js";

const admin = { "x-api-key": TEST_ADMIN_KEY };
let server: TestServer;
let receiver: Server;
const bodies: string[] = [];
let secret = "";
let account: TestAccount;

async function gql(key: Record<string, string>, query: string, variables?: Record<string, unknown>) {
  const { body } = await server.gql(query, variables, key);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      new Webhook(secret).verify(body, request.headers as Record<string, string>);
      bodies.push(body);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  server = await startTestServer({ config: { webhooks: { requireHttps: false, allowPrivate: true, timeoutMs: 2000 } } });
  const clock = (await gql(admin, `mutation { testClockCreate(input: { name: "events", frozenTime: "2026-03-01T00:00:00Z" }) { testClock { id } } }`))
    .testClockCreate.testClock.id;
  account = await createTestAccount(server, "Eventful", "0", "ugen", { testClockId: clock });
  const endpoint = await gql(account.key, `mutation ($url: String!) { webhookEndpointCreate(input: { url: $url }) { secret userErrors { code } } }`, {
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
  });
  secret = endpoint.webhookEndpointCreate.secret;

  // The flow: a pack bought on the sandbox's page, jobs, a refund, a low balance, a plan, an expiry, a clawback.
  const bought = await gql(account.key, `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/creator" }) { checkoutSession { id url } } }`);
  const { url } = bought.checkoutSessionCreate.checkoutSession;
  const pay = (action: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: action, redirect: "manual" });
  expect((await pay("action=pay")).status).toBe(303);
  await until(
    () => gql(account.key, `{ viewer { wallet(provider: "ugen") { balance } } }`),
    (d) => d.viewer.wallet?.balance === "1000",
  );
  const job = async (credits: string) =>
    (await gql(account.key, `mutation ($c: Decimal!) { jobCreate(input: { credits: $c }) { job { id } } }`, { c: credits })).jobCreate.job.id;
  const done = await job("100");
  await gql(account.key, `mutation ($id: ID!) { jobComplete(input: { jobId: $id }) { job { id } } }`, { id: done });
  await gql(account.key, `mutation ($id: ID!) { jobFail(input: { jobId: $id, reason: "broke" }) { job { id } } }`, { id: await job("5") });
  await gql(account.key, `mutation ($id: ID!) { jobCancel(input: { jobId: $id }) { job { id } } }`, { id: await job("5") });
  const consumed = await gql(account.key, `query ($id: ID!) { viewer { transactions(jobId: $id, type: CONSUME) { nodes { id } } } }`, { id: done });
  await gql(admin, `mutation ($t: ID!) { transactionRefund(input: { transactionId: $t, credits: "10", reason: "sorry" }) { userErrors { code } } }`, {
    t: consumed.viewer.transactions.nodes[0].id,
  });
  await gql(
    admin,
    `mutation ($id: ID!) { creditsGrant(input: { accountId: $id, provider: "ugen", credits: "5", reason: "short", expiresAt: "2026-03-02T00:00:00Z" }) { userErrors { code } } }`,
    { id: account.accountId },
  );
  await gql(
    account.key,
    `mutation { creditAlertUpdate(input: { provider: "ugen", enabled: true, thresholdCredits: "5000", email: "ops@example.com" }) { userErrors { code } } }`,
  );
  await gql(account.key, `mutation { paymentMethodAttach(input: { token: "tok_visa", makeDefault: true }) { userErrors { code } } }`);
  const subscribed = await gql(
    account.key,
    `mutation { subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) { subscription { id } userErrors { code } } }`,
  );
  await server.app.services.background.drain();
  await gql(account.key, `mutation ($id: ID!) { subscriptionCancel(input: { subscriptionId: $id }) { userErrors { code } } }`, {
    id: subscribed.subscriptionCreate.subscription.id,
  });
  await gql(admin, `mutation ($c: ID!) { testClockAdvance(input: { testClockId: $c, days: 2 }) { userErrors { code } } }`, { c: clock });
  // The buyer disputes the pack: its grant is clawed back (refund and dispute need the admin key too).
  expect((await pay("action=dispute", { "x-api-key": TEST_ADMIN_KEY })).status).toBe(200);
  await server.app.services.background.drain();
  await server.app.services.webhooks.deliverDue();
});
afterAll(async () => {
  await server.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

const PAYLOADS = `{ viewer { events(first: 100) { nodes { type payload { __typename
  ... on JobReserved { job { id status } wallet { id } }
  ... on JobCompleted { job { id status consumedCredits } wallet { id available } }
  ... on JobFailed { job { status failureReason } }
  ... on JobCancelled { job { status } }
  ... on WalletCreditsAdded { wallet { id } grant { id kind } type credits transaction { type } refundOf { type } }
  ... on WalletCreditsExpired { credits transactions { type } grants { status } }
  ... on WalletLowBalance { thresholdCredits email wallet { id } }
  ... on CheckoutSessionCompleted { checkoutSession { id status } }
  ... on SubscriptionRenewed { subscription { id } transaction { type provider { id } } }
  ... on SubscriptionCancelled { subscription { cancelAtPeriodEnd } endsAt }
  ... on GrantClawedBack { grant { status } claimed reason transactions { type } }
} } } } }`;

describeStore("typed events", () => {
  it("gives each event type its own payload type, with the API's objects in it", async () => {
    const events = (await gql(account.key, PAYLOADS)).viewer.events.nodes as Array<{ type: string; payload: Record<string, any> }>;
    const byType = new Map<string, Array<Record<string, any>>>();
    for (const event of events) byType.set(event.type, [...(byType.get(event.type) ?? []), event.payload]);
    const names = Object.fromEntries(events.map((event) => [event.type, event.payload.__typename]));
    expect(names).toMatchObject({
      "job.reserved": "JobReserved",
      "job.completed": "JobCompleted",
      "job.failed": "JobFailed",
      "job.cancelled": "JobCancelled",
      "wallet.credits_added": "WalletCreditsAdded",
      "wallet.credits_expired": "WalletCreditsExpired",
      "wallet.low_balance": "WalletLowBalance",
      "checkout_session.completed": "CheckoutSessionCompleted",
      "subscription.renewed": "SubscriptionRenewed",
      "subscription.cancelled": "SubscriptionCancelled",
      "grant.clawed_back": "GrantClawedBack",
    });
    const walletId = `wallet_${account.accountId.slice(5)}_ugen`;
    expect(byType.get("job.completed")![0]).toMatchObject({ job: { status: "COMPLETED", consumedCredits: "100" }, wallet: { id: walletId } });
    expect(byType.get("job.failed")![0]).toMatchObject({ job: { status: "FAILED", failureReason: "broke" } });
    // One type, one shape: a purchase's credits name their grant; a refund's name the entry it refunds.
    const added = byType.get("wallet.credits_added")!;
    expect(added.find((p) => p.type === "PURCHASE")).toMatchObject({
      grant: { kind: "PAID" },
      transaction: { type: "PURCHASE" },
      refundOf: null,
      credits: "1000",
    });
    expect(added.find((p) => p.type === "REFUND")).toMatchObject({
      grant: null,
      transaction: { type: "REFUND" },
      refundOf: { type: "CONSUME" },
      credits: "10",
    });
    expect(byType.get("wallet.credits_expired")![0]).toMatchObject({ credits: "-5", transactions: [{ type: "EXPIRE" }], grants: [{ status: "EXPIRED" }] });
    expect(byType.get("wallet.low_balance")![0]).toMatchObject({ thresholdCredits: "5000", email: "ops@example.com", wallet: { id: walletId } });
    expect(byType.get("subscription.renewed")![0]).toMatchObject({ transaction: { type: "PURCHASE", provider: { id: "creatify" } } });
    expect(byType.get("subscription.cancelled")![0]).toMatchObject({ subscription: { cancelAtPeriodEnd: true } });
    expect(byType.get("grant.clawed_back")![0]).toMatchObject({
      grant: { status: "CLAWED_BACK" },
      claimed: "1000",
      transactions: expect.arrayContaining([{ type: "CLAWBACK" }]),
    });
  });

  it("sends webhook bodies that validate against the served JSON Schema, one branch per event type", async () => {
    const response = await fetch(`${server.url}/schemas/webhook-events.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/schema+json");
    // Cacheable, and revalidated by its ETag (a hash of the schema: a build with other shapes has another).
    const etag = response.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]{43}"$/);
    const unchanged = await fetch(`${server.url}/schemas/webhook-events.json`, { headers: { "if-none-match": etag } });
    expect([unchanged.status, await unchanged.text()]).toEqual([304, ""]);
    expect((await fetch(`${server.url}/schemas/webhook-events.json`, { headers: { "if-none-match": '"other"' } })).status).toBe(200);
    const schema = (await response.json()) as { anyOf?: unknown[]; oneOf?: unknown[] };
    expect((schema.anyOf ?? schema.oneOf)!.length).toBe(EVENT_TYPES.length);
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    await until(
      async () => bodies.length,
      (n) => n >= 15,
    );
    const types = new Set<string>();
    for (const body of bodies) {
      const event = JSON.parse(body) as { type: string };
      types.add(event.type);
      expect(validate(event), `${event.type}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(types.size).toBeGreaterThanOrEqual(11);
    // The schema is a check, not a formality: a body of another shape fails it.
    const first = JSON.parse(bodies[0]) as { data: Record<string, unknown> };
    expect(validate({ ...first, data: { ...first.data, wallet: { provider: "ugen" } } })).toBe(false);
  });
});
