/**
 * Live and test mode through the API, on a real server (over SQLite, and over PostgreSQL in the
 * postgres project): a LIVE account's money comes only from a real payment provider and never
 * through the sandbox, in any environment; a TEST account pays through the sandbox, in production
 * too; keys show their mode; an account's mode never changes. (With Stripe configured:
 * billing-stripe.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../src/accounts/keys.js";
import { SANDBOX_SIGNATURE_HEADER, signSandboxPayload } from "../src/billing/sandbox-provider.js";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, TEST_SANDBOX_SECRET, until, type TestAccount, type TestServer } from "./helpers.js";
import { describeStore, rawRow, rawRows, rawRun } from "./stores.js";

const admin = { "x-api-key": TEST_ADMIN_KEY };
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const BUY = `mutation ($type: PaymentType) { checkoutSessionCreate(input: { packId: "ugen/packs/creator", paymentType: $type }) { checkoutSession { id url status } userErrors { field code message } } }`;
const WALLET = `{ viewer { mode wallet(provider: "ugen") { balance } checkoutSessions(first: 10) { nodes { id status } } } }`;

async function gql(on: TestServer, key: Record<string, string>, query: string, variables?: Record<string, unknown>) {
  const { body } = await on.gql(query, variables, key);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

/** A signed sandbox event, as the sandbox (or whoever holds its secret) would POST it. */
async function sandboxEvent(on: TestServer, type: string, sessionId: string, amount: string) {
  const created = Math.floor(Date.now() / 1000);
  const payload = JSON.stringify({ id: `evt_${type}_${sessionId}`, type, created, data: { session_id: sessionId, amount, currency: "USD" } });
  const response = await fetch(`${on.url}/webhooks/sandbox`, {
    method: "POST",
    headers: { "content-type": "application/json", [SANDBOX_SIGNATURE_HEADER]: signSandboxPayload(TEST_SANDBOX_SECRET, payload, created) },
    body: payload,
  });
  return { status: response.status, ...((await response.json()) as { outcome: string }) };
}

/** Presses Pay on a sandbox checkout page (its url carries the page secret). */
const pay = (url: string) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "action=pay", redirect: "manual" });

describeStore("modes", () => {
  it("makes LIVE accounts by default and TEST ones when asked, with keys that show the mode", async () => {
    const create = (mode?: string) =>
      gql(
        server,
        admin,
        `mutation ($mode: Mode) { accountCreate(input: { name: "Moded", mode: $mode }) { account { id mode testClock { id } } apiKey key { displayPrefix } } }`,
        { mode },
      );
    const live = (await create()).accountCreate;
    expect(live.account).toMatchObject({ mode: "LIVE", testClock: null });
    expect(live.apiKey).toMatch(/^pak_live_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(live.key.displayPrefix).toBe(live.apiKey.slice(0, "pak_live_".length + 8));
    const test = (await create("TEST")).accountCreate;
    expect(test.account.mode).toBe("TEST");
    expect(test.apiKey).toMatch(/^pak_test_[0-9a-f]{16}_/);
    const more = await gql(server, admin, `mutation ($id: ID!) { apiKeyCreate(input: { accountId: $id }) { apiKey } }`, { id: test.account.id });
    expect(more.apiKeyCreate.apiKey).toMatch(/^pak_test_/);
    expect((await gql(server, { "x-api-key": test.apiKey }, `{ viewer { id mode } }`)).viewer).toEqual({ id: test.account.id, mode: "TEST" });
  });

  it("keeps accepting keys issued before modes (pak_<id>_<secret>)", async () => {
    const account = await createTestAccount(server, "Old key", "0", "ugen", { mode: "LIVE" });
    const token = `pak_00112233445566aa_${"B".repeat(43)}`;
    await rawRun(
      server.store,
      "insert into api_keys (id, account_id, key_hash, display_prefix) values (?, ?, ?, ?)",
      "key_00112233445566aa",
      account.accountId,
      sha256(token),
      token.slice(0, 12),
    );
    expect((await gql(server, { "x-api-key": token }, `{ viewer { id mode } }`)).viewer).toEqual({ id: account.accountId, mode: "LIVE" });
    const wrong = await server.gql(`{ viewer { id } }`, undefined, { "x-api-key": `pak_live_00112233445566aa_${"B".repeat(43)}` });
    expect(wrong.body.errors![0].extensions!.code).toBe("UNAUTHENTICATED");
  });

  it("puts only TEST accounts on test clocks", async () => {
    const clock = (await gql(server, admin, `mutation { testClockCreate(input: { name: "modes" }) { testClock { id } } }`)).testClockCreate.testClock.id;
    const refused = await gql(
      server,
      admin,
      `mutation ($c: ID!) { accountCreate(input: { name: "Live on a clock", testClockId: $c }) { account { id } userErrors { field code } } }`,
      { c: clock },
    );
    expect(refused.accountCreate).toEqual({ account: null, userErrors: [{ field: ["input", "testClockId"], code: "BAD_USER_INPUT" }] });
    const unknown = await gql(
      server,
      admin,
      `mutation { accountCreate(input: { name: "x", mode: TEST, testClockId: "clock_00000000" }) { account { id } userErrors { field code } } }`,
    );
    expect(unknown.accountCreate.userErrors).toEqual([{ field: ["input", "testClockId"], code: "NOT_FOUND" }]);
    const before = Number((await rawRow<{ n: number }>(server.store, "select count(*) as n from accounts"))!.n);
    expect(before).toBeGreaterThan(0);
    // And the database refuses it whatever the code does.
    const live = await createTestAccount(server, "Live", "0", "ugen", { mode: "LIVE" });
    await expect(rawRun(server.store, "update accounts set test_clock_id = ? where id = ?", clock, live.accountId)).rejects.toThrow();
  });

  it("never changes an account's mode: the database refuses it", async () => {
    const live = await createTestAccount(server, "Fixed", "0", "ugen", { mode: "LIVE" });
    await expect(rawRun(server.store, "update accounts set mode = 'TEST' where id = ?", live.accountId)).rejects.toThrow(/mode and test clock never change/);
    await expect(rawRun(server.store, "update accounts set mode = 'BOTH' where id = ?", live.accountId)).rejects.toThrow();
    expect((await rawRow<{ mode: string }>(server.store, "select mode from accounts where id = ?", live.accountId))!.mode).toBe("LIVE");
  });
});

describeStore("a LIVE account never reaches the sandbox", () => {
  let live: TestAccount;
  beforeAll(async () => {
    live = await createTestAccount(server, "Live buyer", "0", "ugen", { mode: "LIVE" });
  });

  it("refuses every payment while no real provider is configured, and opens nothing", async () => {
    for (const type of ["CARD", "PAYPAL"]) {
      const data = await gql(server, live.key, BUY, { type });
      expect(data.checkoutSessionCreate).toMatchObject({
        checkoutSession: null,
        userErrors: [{ field: ["input", "paymentType"], code: "PAYMENT_PROVIDER_UNAVAILABLE" }],
      });
    }
    const attach = await gql(
      server,
      live.key,
      `mutation { paymentMethodAttach(input: { token: "tok_visa", makeDefault: true }) { paymentMethod { id } userErrors { field code } } }`,
    );
    expect(attach.paymentMethodAttach).toEqual({ paymentMethod: null, userErrors: [{ field: ["input", "token"], code: "PAYMENT_PROVIDER_UNAVAILABLE" }] });
    const setup = await gql(server, live.key, `mutation { paymentMethodSetupCreate(input: {}) { paymentMethodSetup { id } userErrors { code } } }`);
    expect(setup.paymentMethodSetupCreate.userErrors).toEqual([{ code: "PAYMENT_PROVIDER_UNAVAILABLE" }]);
    const after = await gql(server, live.key, `{ viewer { paymentMethods { id } checkoutSessions(first: 10) { nodes { id } } } }`);
    expect(after.viewer).toEqual({ paymentMethods: [], checkoutSessions: { nodes: [] } });
  });

  it("refuses a sandbox card saved before modes for subscriptions and top-ups, charging nothing", async () => {
    const account = await createTestAccount(server, "Old sandbox card", "0", "ugen", { mode: "LIVE" });
    await rawRun(
      server.store,
      "insert into payment_methods (id, account_id, provider, provider_token, label, is_default) values (?, ?, 'sandbox', 'tok_visa', 'visa (sandbox)', ?)",
      `pmt_old_${account.accountId.slice(5)}`,
      account.accountId,
      1, // is_default: 1 is true to SQLite and to PostgreSQL alike
    );
    const subscribed = await gql(
      server,
      account.key,
      `mutation { subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) { subscription { id } userErrors { code } } }`,
    );
    expect(subscribed.subscriptionCreate).toEqual({ subscription: null, userErrors: [{ code: "PAYMENT_PROVIDER_UNAVAILABLE" }] });
    // Auto top-up turned on with it: a job's spending triggers a charge the mode refuses.
    await gql(
      server,
      admin,
      `mutation ($id: ID!) { creditsGrant(input: { accountId: $id, provider: "ugen", credits: "50", reason: "t" }) { userErrors { code } } }`,
      { id: account.accountId },
    );
    await gql(
      server,
      account.key,
      `mutation { autoTopUpUpdate(input: { enabled: true, thresholdCredits: "100", packId: "ugen/packs/creator" }) { userErrors { code } } }`,
    );
    await gql(server, account.key, `mutation { jobCreate(input: { credits: "10" }) { job { id } userErrors { code } } }`);
    await server.app.services.background.drain();
    const state = await gql(
      server,
      account.key,
      `{ viewer { subscriptions { id } checkoutSessions(first: 10) { nodes { id } } autoTopUp { lastError } wallet(provider: "ugen") { balance } } }`,
    );
    expect(state.viewer.subscriptions).toEqual([]);
    expect(state.viewer.checkoutSessions.nodes).toEqual([]);
    expect(state.viewer.autoTopUp.lastError).toMatch(/LIVE account pays only through a real payment provider/);
    expect(state.viewer.wallet.balance).toBe("50");
  });

  it("rejects a sandbox payment event for a LIVE account's session opened before modes: no credit enters", async () => {
    const id = `cs_old_${live.accountId.slice(5)}`;
    await rawRun(
      server.store,
      `insert into checkout_sessions (id, account_id, pack_id, price_micros, currency, credits_micros, provider, payment_type, purpose, status, provider_session_id, expires_at)
       values (?, ?, 'ugen/packs/creator', 45000000, 'USD', 1000000000, 'sandbox', 'CARD', 'CHECKOUT', 'OPEN', ?, '2999-01-01T00:00:00.000Z')`,
      id,
      live.accountId,
      id,
    );
    const event = await sandboxEvent(server, "checkout.completed", id, "45");
    expect(event).toMatchObject({ status: 200, outcome: expect.stringMatching(/^rejected: .*LIVE account/) });
    const data = await gql(server, live.key, WALLET);
    expect(data.viewer.wallet).toBeNull();
    expect(data.viewer.checkoutSessions.nodes).toEqual([{ id, status: "OPEN" }]);
    expect(await rawRows(server.store, "select id from ledger_entries where account_id = ?", live.accountId)).toEqual([]);
  });
});

describe("a TEST account pays through the sandbox, in production too", () => {
  let production: TestServer;
  beforeAll(async () => {
    production = await startTestServer({ config: { nodeEnv: "production" } });
  });
  afterAll(() => production.close());

  it("buys a pack on the sandbox's page and saves sandbox test cards, never Stripe methods", async () => {
    const buyer = await createTestAccount(production, "Partner test", "0", "ugen", { mode: "TEST" });
    const data = await gql(production, buyer.key, BUY, { type: "CARD" });
    const session = data.checkoutSessionCreate.checkoutSession;
    expect(session.url).toContain(`${production.url}/sandbox/checkout/${session.id}?secret=`);
    expect((await pay(session.url)).status).toBe(303);
    const wallet = await until(
      () => gql(production, buyer.key, WALLET),
      (d) => d.viewer.wallet?.balance === "1000",
    );
    expect(wallet.viewer).toMatchObject({ mode: "TEST", wallet: { balance: "1000" }, checkoutSessions: { nodes: [{ status: "COMPLETED" }] } });
    const paypal = await gql(production, buyer.key, BUY, { type: "PAYPAL" });
    expect(paypal.checkoutSessionCreate.checkoutSession.url).toContain("/sandbox/checkout/");

    const attach = (token: string) =>
      gql(production, buyer.key, `mutation ($t: String!) { paymentMethodAttach(input: { token: $t }) { paymentMethod { label } userErrors { field code } } }`, {
        t: token,
      });
    expect((await attach("tok_visa")).paymentMethodAttach).toEqual({ paymentMethod: { label: "visa (sandbox)" }, userErrors: [] });
    expect((await attach("pm_card_visa")).paymentMethodAttach).toEqual({
      paymentMethod: null,
      userErrors: [{ field: ["input", "token"], code: "BAD_USER_INPUT" }],
    });
  });

  it("keeps a LIVE account away from the sandbox in production", async () => {
    const live = await createTestAccount(production, "Live in production", "0", "ugen", { mode: "LIVE" });
    const data = await gql(production, live.key, BUY, { type: "PAYPAL" });
    expect(data.checkoutSessionCreate.userErrors).toMatchObject([{ code: "PAYMENT_PROVIDER_UNAVAILABLE" }]);
    const attach = await gql(production, live.key, `mutation { paymentMethodAttach(input: { token: "tok_visa" }) { userErrors { code } } }`);
    expect(attach.paymentMethodAttach.userErrors).toEqual([{ code: "PAYMENT_PROVIDER_UNAVAILABLE" }]);
  });
});
