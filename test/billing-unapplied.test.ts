/**
 * A payment that would push a balance past the 1e9-credit limit: refused up front when it can be
 * known, and, when a confirmed payment still cannot be credited, kept for an operator (not a
 * failing webhook): visible through the API, counted in metrics, applied or dismissed once.
 */
import { describe, expect, it } from "vitest";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, type TestServer } from "./helpers.js";

const admin = { "x-api-key": TEST_ADMIN_KEY };
const OPEN = `mutation ($packId: ID!) { checkoutSessionCreate(input: { packId: $packId }) { checkoutSession { id url status } userErrors { field code message } } }`;
const GRANT = `mutation ($id: ID!, $credits: Decimal!) { creditsGrant(input: { accountId: $id, provider: "ugen", credits: $credits, reason: "big" }) { userErrors { code } } }`;
const UNAPPLIED = `{ unappliedPayments(open: true) { nodes { id provider amount { amount currency } credits reason resolution
  account { id } checkoutSession { id status } } } }`;
const RESOLVE = `mutation ($id: ID!, $action: UnappliedPaymentAction!) {
  unappliedPaymentResolve(input: { unappliedPaymentId: $id, action: $action, note: "checked by ops" }) {
    unappliedPayment { id resolution note resolvedAt } userErrors { code message } } }`;

async function nearlyFull(server: TestServer) {
  const account = await createTestAccount(server, "Whale", "999998000");
  await server.gql(GRANT, { id: account.accountId, credits: "1500" }, admin);
  return account; // 999,999,500 credits: a 1000-credit pack no longer fits, a 200-credit one does
}

describe("the balance limit at checkout", () => {
  it("refuses a checkout whose credits could not be added, and opens nothing", async () => {
    const server = await startTestServer();
    const whale = await nearlyFull(server);
    const { body } = await server.gql(OPEN, { packId: "ugen/packs/creator" }, whale.key);
    expect(body.data.checkoutSessionCreate.checkoutSession).toBeNull();
    expect(body.data.checkoutSessionCreate.userErrors).toEqual([
      {
        field: ["input", "packId"],
        code: "BAD_USER_INPUT",
        message: "Buying 1000 credits would take the ugen balance (999999500) past the maximum of 1000000000 credits",
      },
    ]);
    const { body: after } = await server.gql(`{ viewer { checkoutSessions { nodes { id } } } }`, undefined, whale.key);
    expect(after.data.viewer.checkoutSessions.nodes).toEqual([]);
    await server.close();
  });

  it("keeps a confirmed payment it cannot credit for an operator, acknowledges the webhook and returns the buyer", async () => {
    const server = await startTestServer();
    const whale = await createTestAccount(server, "Whale", "999998500");
    // Each checkout fits when it opens; together they do not.
    const first = (await server.gql(OPEN, { packId: "ugen/packs/creator" }, whale.key)).body.data.checkoutSessionCreate.checkoutSession;
    const second = (await server.gql(OPEN, { packId: "ugen/packs/creator" }, whale.key)).body.data.checkoutSessionCreate.checkoutSession;
    const pay = (url: string) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "action=pay", redirect: "manual" });
    expect((await pay(first.url)).status).toBe(303);
    const paid = await pay(second.url);
    expect(paid.status).toBe(303);
    // The default return page carries the page secret: without it, it would tell nothing.
    expect(paid.headers.get("location")).toBe(`${server.url}/checkout/${second.id}/done?secret=${new URL(second.url).searchParams.get("secret")}`);
    const page = await (await fetch(paid.headers.get("location")!)).text();
    expect(page).toContain('data-status="PAID_NOT_CREDITED"');

    const { body } = await server.gql(`{ viewer { balance checkoutSessions { nodes { id status failureReason } } } }`, undefined, whale.key);
    expect(body.data.viewer.balance).toBe("999999500");
    const [unpaid] = body.data.viewer.checkoutSessions.nodes;
    expect(unpaid).toMatchObject({ id: second.id, status: "PAID_NOT_CREDITED" });
    expect(unpaid.failureReason).toMatch(
      /^paid, but the credits could not be added: The balance would exceed the maximum .* \(kept for an operator as upa_\w+\)$/,
    );

    const listed = (await server.gql(UNAPPLIED, undefined, admin)).body.data.unappliedPayments.nodes;
    expect(listed).toEqual([
      {
        id: expect.stringMatching(/^upa_/),
        provider: "sandbox",
        amount: { amount: "45", currency: "USD" },
        credits: "1000",
        reason: expect.stringMatching(/maximum of 1000000000 credits/),
        resolution: null,
        account: { id: whale.accountId },
        checkoutSession: { id: second.id, status: "PAID_NOT_CREDITED" },
      },
    ]);
    expect((await server.gql(UNAPPLIED, undefined, whale.key)).body.errors![0].extensions!.code).toBe("FORBIDDEN");

    // Applying it while the credits still do not fit fails and changes nothing …
    const tooSoon = await server.gql(RESOLVE, { id: listed[0].id, action: "APPLY" }, admin);
    expect(tooSoon.body.data.unappliedPaymentResolve.userErrors[0].code).toBe("BAD_USER_INPUT");
    // … and works once they do.
    const job = await server.gql(`mutation { jobCreate(input: { credits: "5000" }) { job { id } } }`, undefined, whale.key);
    await server.gql(`mutation ($id: ID!) { jobComplete(input: { jobId: $id }) { userErrors { code } } }`, { id: job.body.data.jobCreate.job.id }, whale.key);
    const applied = await server.gql(RESOLVE, { id: listed[0].id, action: "APPLY" }, admin);
    expect(applied.body.data.unappliedPaymentResolve).toMatchObject({ unappliedPayment: { resolution: "APPLIED", note: "checked by ops" }, userErrors: [] });
    const twice = await server.gql(RESOLVE, { id: listed[0].id, action: "DISMISS" }, admin);
    expect(twice.body.data.unappliedPaymentResolve.userErrors[0].message).toMatch(/already resolved/);

    const { body: settled } = await server.gql(`{ viewer { balance checkoutSessions { nodes { status } } } }`, undefined, whale.key);
    expect(settled.data.viewer).toEqual({ balance: "999995500", checkoutSessions: { nodes: [{ status: "COMPLETED" }, { status: "COMPLETED" }] } });
    expect((await server.gql(UNAPPLIED, undefined, admin)).body.data.unappliedPayments.nodes).toEqual([]);
    expect(await server.audit()).toEqual([]);
    await server.close();
  });

  it("does not charge a subscription period whose credits would not fit: the payment fails as a decline would", async () => {
    const server = await startTestServer();
    const whale = await createTestAccount(server, "Subscribing whale", "999999800", "creatify");
    await server.gql(`mutation { paymentMethodAttach(input: { token: "tok_visa" }) { userErrors { code } } }`, undefined, whale.key);
    const { body } = await server.gql(
      `mutation { subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) {
      subscription { status lastPaymentError failedPaymentAttempts } userErrors { code } } }`,
      undefined,
      whale.key,
    );
    expect(body.data.subscriptionCreate.subscription).toEqual({
      status: "PAST_DUE",
      lastPaymentError: "Buying 500 credits would take the creatify balance (999999800) past the maximum of 1000000000 credits",
      failedPaymentAttempts: 1,
    });
    const { body: after } = await server.gql(`{ viewer { balance checkoutSessions { nodes { id } } } }`, undefined, whale.key);
    expect(after.data.viewer).toEqual({ balance: "999999800", checkoutSessions: { nodes: [] } });
    await server.close();
  });
});
