/** Subscriptions over simulated months, with an injected clock and a restart in between. */
import { describe, expect, it } from "vitest";
import { addMonths } from "../src/billing/subscriptions.js";
import { ManualClock } from "../src/clock.js";
import { Decimal } from "../src/pricing/decimal.js";
import { createTestAccount, freshCatalog, startTestServer, until } from "./helpers.js";
import { openTestStore } from "./stores.js";

const DAY = 24 * 3600_000;

const ATTACH = (token: string) => `mutation { paymentMethodAttach(input: { token: "${token}" }) { userErrors { code } } }`;

describe("addMonths", () => {
  it("keeps the anchor day, falling back to a month's last day", () => {
    const jan31 = new Date("2026-01-31T09:30:00.000Z");
    expect(addMonths(jan31, 1, 31).toISOString()).toBe("2026-02-28T09:30:00.000Z");
    expect(addMonths(new Date("2026-02-28T09:30:00.000Z"), 1, 31).toISOString()).toBe("2026-03-31T09:30:00.000Z");
    expect(addMonths(new Date("2026-12-15T00:00:00.000Z"), 1, 15).toISOString()).toBe("2027-01-15T00:00:00.000Z");
  });
});

describe("subscriptions", () => {
  it("grants the plan's credits at the start of each of three months, once per period across sweeps and a restart", async () => {
    const clock = new ManualClock("2026-01-31T12:00:00.000Z");
    const store = await openTestStore();
    const catalog = freshCatalog();
    let server = await startTestServer({ store, catalog, clock });
    const { key } = await createTestAccount(server, "Subscriber");
    await server.gql(ATTACH("tok_visa"), undefined, key);

    const { body } = await server.gql(
      `mutation { subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) {
        subscription { id status monthlyCredits currentPeriodStart currentPeriodEnd cancelAtPeriodEnd plan { name price { amount } } }
        userErrors { code message }
      } }`,
      undefined,
      key,
    );
    const subscription = body.data.subscriptionCreate.subscription;
    expect(subscription).toMatchObject({
      status: "PENDING",
      monthlyCredits: "500",
      currentPeriodStart: "2026-01-31T12:00:00.000Z",
      currentPeriodEnd: "2026-02-28T12:00:00.000Z",
      cancelAtPeriodEnd: false,
      plan: { name: "API Starter", price: { amount: "99" } },
    });

    const viewer = async () => {
      const result = await server.gql(
        `{ viewer { balance transactions(type: PURCHASE) { nodes { amount description } } expired: transactions(type: EXPIRE) { nodes { amount } } subscriptions { status } checkoutSessions { nodes { purpose status price { amount } } } } }`,
        undefined,
        key,
      );
      return result.body.data.viewer;
    };
    const purchases = (count: number) => until(viewer, (v) => v.transactions.nodes.length === count);

    // The first period is charged at once ($99 to the default card); its credits follow the payment.
    const first = await purchases(1);
    expect(first.balance).toBe("500");
    expect(first.subscriptions).toEqual([{ status: "ACTIVE" }]);
    expect(first.checkoutSessions.nodes).toEqual([{ purpose: "SUBSCRIPTION", status: "COMPLETED", price: { amount: "99" } }]);

    // A sweep before the period ends charges and grants nothing.
    clock.advance(27 * DAY);
    await server.app.services.billing.sweep();
    expect((await viewer()).checkoutSessions.nodes).toHaveLength(1);

    // Month 2 begins on Feb 28 (Jan 31 + 1 month); sweeping twice still charges and grants once.
    // The plan's credits last their period (ASSUMED for Creatify): January's unspent 500 expire.
    clock.advance(DAY);
    await server.app.services.billing.sweep();
    await server.app.services.billing.sweep();
    const second = await purchases(2);
    expect(second.checkoutSessions.nodes).toHaveLength(2);
    expect(second).toMatchObject({ balance: "500", expired: { nodes: [{ amount: "-500" }] } });

    // A restart on the same database: the sweep at start does not charge or grant the period again.
    await server.app.close();
    server = await startTestServer({ store, catalog, clock });
    await server.app.services.billing.sweep();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await viewer()).balance).toBe("500");
    expect((await viewer()).checkoutSessions.nodes).toHaveLength(2);

    // Month 3 starts on Mar 31, back on the anchor day.
    clock.advance(31 * DAY);
    await server.app.services.billing.sweep();
    const third = await purchases(3);
    expect(third.balance).toBe("500");
    expect(third.expired.nodes).toHaveLength(2);
    expect(third.transactions.nodes.map((n: any) => n.description.match(/\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}/)[0])).toEqual([
      "2026-03-31 to 2026-04-30",
      "2026-02-28 to 2026-03-31",
      "2026-01-31 to 2026-02-28",
    ]);

    // Cancelled: no renewal at the period's end, and the subscription ends.
    const cancelled = await server.gql(
      `mutation ($id: ID!) { subscriptionCancel(input: { subscriptionId: $id }) { subscription { status cancelAtPeriodEnd } userErrors { code } } }`,
      { id: subscription.id },
      key,
    );
    expect(cancelled.body.data.subscriptionCancel.subscription).toEqual({ status: "ACTIVE", cancelAtPeriodEnd: true });
    clock.advance(31 * DAY);
    await server.app.services.billing.sweep();
    // The last period's credits expire when it ends, as the subscription does.
    await server.app.services.credits.expireDue();
    const ended = await server.gql(`{ viewer { balance subscriptions { status endedAt } } }`, undefined, key);
    expect(ended.body.data.viewer).toEqual({ balance: "0", subscriptions: [{ status: "ENDED", endedAt: "2026-04-30T12:00:00.000Z" }] });
    expect(await server.audit()).toEqual([]);
    await server.close();
  });

  it("grants every missed period when the server was down for months", async () => {
    const clock = new ManualClock("2026-05-10T00:00:00.000Z");
    const server = await startTestServer({ clock });
    const { key } = await createTestAccount(server, "Away");
    await server.gql(ATTACH("tok_visa"), undefined, key);
    await server.gql(`mutation { subscriptionCreate(input: { planId: "creatify/plans/api-pro" }) { userErrors { code } } }`, undefined, key);
    // The first period's payment completes (in real time, seconds) before the server goes away.
    await until(
      async () => (await server.gql(`{ viewer { balance } }`, undefined, key)).body.data.viewer.balance,
      (b) => b === "2000",
    );
    clock.advance(95 * DAY); // Aug 13: periods began Jun 10, Jul 10 and Aug 10
    await server.app.services.billing.sweep();
    const viewer = await until(
      async () =>
        (await server.gql(`{ viewer { balance subscriptions { currentPeriodStart } transactions(type: PURCHASE) { nodes { id } } } }`, undefined, key)).body
          .data.viewer,
      (v) => v.transactions.nodes.length === 4,
    );
    // Each period's credits were granted; only the current period's are still valid.
    expect(viewer).toMatchObject({ balance: "2000", subscriptions: [{ currentPeriodStart: "2026-08-10T00:00:00.000Z" }] });
    await server.close();
  });

  it("grants a period whose payment is confirmed after the session expired here, and is active again", async () => {
    const clock = new ManualClock("2026-03-01T12:00:00.000Z");
    const server = await startTestServer({ clock });
    const { key } = await createTestAccount(server, "Late");
    await server.gql(ATTACH("tok_chargeDelayed"), undefined, key);
    await server.gql(`mutation { subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) { userErrors { code } } }`, undefined, key);
    const state = () =>
      server
        .gql(`{ viewer { balance subscriptions { status lastPaymentError } checkoutSessions { nodes { id purpose status } } } }`, undefined, key)
        .then((r) => r.body.data.viewer);
    const session = (await state()).checkoutSessions.nodes[0];
    expect(session).toMatchObject({ purpose: "SUBSCRIPTION", status: "OPEN" });

    // No word from the provider within the checkout's time: this server gives up on the payment.
    clock.advance(DAY + 1);
    await server.app.services.billing.sweep();
    expect(await state()).toMatchObject({
      balance: "0",
      subscriptions: [{ status: "PAST_DUE", lastPaymentError: "checkout expired unpaid" }],
      checkoutSessions: { nodes: [{ id: session.id, status: "EXPIRED" }] },
    });

    // Then the provider's confirmation arrives: the card was charged, so the period is granted.
    const delivered = await server.app.services.billing.sandbox.deliver("checkout.completed", session.id, new Decimal("99"), "USD");
    expect(delivered.status).toBe(200);
    expect(await state()).toEqual({
      balance: "500",
      subscriptions: [{ status: "ACTIVE", lastPaymentError: null }],
      checkoutSessions: { nodes: [{ id: session.id, purpose: "SUBSCRIPTION", status: "COMPLETED" }] },
    });
    expect(await server.audit()).toEqual([]);
    await server.close();
  });

  it("refuses to cancel a subscription that has ended, cancelled or unpaid, and changes nothing", async () => {
    const clock = new ManualClock("2026-06-01T00:00:00.000Z");
    const server = await startTestServer({ clock, billing: { subscriptionRetryDays: [1] } });
    const CANCEL = `mutation ($id: ID!) { subscriptionCancel(input: { subscriptionId: $id }) { subscription { id } userErrors { field code message } } }`;
    const STATE = `{ viewer { subscriptions { id status cancelAtPeriodEnd endedAt nextPaymentAttemptAt } checkoutSessions { nodes { id } } events(first: 100) { nodes { type } } } }`;
    const declined = async (name: string) => {
      const { key } = await createTestAccount(server, name);
      await server.gql(ATTACH("tok_chargeDeclined"), undefined, key);
      await server.gql(`mutation { subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) { userErrors { code } } }`, undefined, key);
      const state = async () => (await server.gql(STATE, undefined, key)).body.data.viewer;
      const cancel = async (id: string) => (await server.gql(CANCEL, { id }, key)).body.data.subscriptionCancel;
      return { state, cancel, pastDue: await until(state, (v) => v.subscriptions[0]?.status === "PAST_DUE") };
    };

    // Cancelled while past due: it ends at once; a second cancel is refused.
    const cancelled = await declined("Cancelled");
    const id = cancelled.pastDue.subscriptions[0].id;
    expect((await cancelled.cancel(id)).userErrors).toEqual([]);
    const ended = await cancelled.state();
    expect(ended.subscriptions[0]).toMatchObject({ status: "ENDED", endedAt: "2026-06-01T00:00:00.000Z" });
    clock.advance(DAY);
    expect(await cancelled.cancel(id)).toEqual({
      subscription: null,
      userErrors: [
        {
          field: ["input", "subscriptionId"],
          code: "BAD_USER_INPUT",
          message: `Subscription ${id} has already ended: there is nothing to cancel (subscriptionCreate starts a new one)`,
        },
      ],
    });
    expect(await cancelled.state()).toEqual(ended);

    // Ended unpaid after its last retry: refused too.
    const unpaid = await declined("Unpaid");
    clock.advance(DAY);
    await server.app.services.billing.sweep();
    const last = await until(unpaid.state, (v) => v.subscriptions[0].status === "UNPAID");
    const refused = await unpaid.cancel(last.subscriptions[0].id);
    expect(refused.userErrors).toEqual([
      { field: ["input", "subscriptionId"], code: "BAD_USER_INPUT", message: expect.stringContaining("has already ended unpaid") },
    ]);
    expect(await unpaid.state()).toEqual(last);
    expect(await server.audit()).toEqual([]);
    await server.close();
  });

  it("answers the Enterprise plan with its contact-sales nature, and refuses a second identical subscription", async () => {
    const server = await startTestServer();
    const { key } = await createTestAccount(server, "Big");
    await server.gql(ATTACH("tok_visa"), undefined, key);
    const subscribe = async (planId: string) =>
      (
        await server.gql(
          `mutation ($planId: ID!) { subscriptionCreate(input: { planId: $planId }) { subscription { id } userErrors { field code message } } }`,
          { planId },
          key,
        )
      ).body.data.subscriptionCreate;
    const enterprise = await subscribe("creatify/plans/api-enterprise");
    expect(enterprise.subscription).toBeNull();
    expect(enterprise.userErrors[0]).toMatchObject({ field: ["input", "planId"], code: "CONTACT_SALES" });
    expect(enterprise.userErrors[0].message).toContain("sales");
    expect((await subscribe("creatify/plans/nope")).userErrors[0].code).toBe("NOT_FOUND");
    expect((await subscribe("creatify/plans/api-starter")).userErrors).toEqual([]);
    expect((await subscribe("creatify/plans/api-starter")).userErrors[0].code).toBe("BAD_USER_INPUT");
    const other = await createTestAccount(server, "Other");
    const { body } = await server.gql(`{ viewer { subscriptions { id } } }`, undefined, key);
    const foreign = await server.gql(
      `mutation ($id: ID!) { subscriptionCancel(input: { subscriptionId: $id }) { userErrors { code } } }`,
      { id: body.data.viewer.subscriptions[0].id },
      other.key,
    );
    expect(foreign.body.data.subscriptionCancel.userErrors[0].code).toBe("NOT_FOUND");
    await server.close();
  });
});
