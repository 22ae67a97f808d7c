/**
 * Subscriptions whose payments fail (dunning, as Stripe does it) and subscribing again: retries on
 * a schedule, at once with a new default card, UNPAID after the last failure; a cancelled
 * subscription resumed instead of a second charge; never two live subscriptions to one plan.
 */
import { describe, expect, it, vi } from "vitest";
import { ManualClock } from "../src/clock.js";
import { createTestAccount, startTestServer, until, type TestServer } from "./helpers.js";
import { rawRun, STORE_KIND } from "./stores.js";

const DAY = 24 * 3600_000;
const PLAN = "creatify/plans/api-starter";
const ATTACH = `mutation ($token: String!, $makeDefault: Boolean) {
  paymentMethodAttach(input: { token: $token, makeDefault: $makeDefault }) { paymentMethod { id isDefault } userErrors { code message } } }`;
const SUBSCRIBE = `mutation ($planId: ID!) { subscriptionCreate(input: { planId: $planId }) {
  subscription { id status cancelAtPeriodEnd } userErrors { field code message } } }`;
const STATE = `{ viewer { balance
  subscriptions { id status lastPaymentError failedPaymentAttempts nextPaymentAttemptAt cancelAtPeriodEnd endedAt }
  checkoutSessions { nodes { purpose status failureReason } } } }`;

async function subscriber(server: TestServer, token: string) {
  const account = await createTestAccount(server, `Subscriber with ${token}`);
  await server.gql(ATTACH, { token }, account.key);
  const state = async () => (await server.gql(STATE, undefined, account.key)).body.data.viewer;
  const subscribe = async () => (await server.gql(SUBSCRIBE, { planId: PLAN }, account.key)).body.data.subscriptionCreate;
  return { ...account, state, subscribe };
}

describe("dunning", () => {
  it("retries a declined payment 1, 3, 5 and 7 days after the period's start, then ends the subscription UNPAID without credits", async () => {
    const clock = new ManualClock("2026-06-01T00:00:00.000Z");
    const server = await startTestServer({ clock });
    const buyer = await subscriber(server, "tok_chargeDeclined");
    expect((await buyer.subscribe()).userErrors).toEqual([]);
    const attempts = async (n: number) => (await until(buyer.state, (v) => v.subscriptions[0].failedPaymentAttempts === n)).subscriptions[0];

    expect(await attempts(1)).toMatchObject({ status: "PAST_DUE", lastPaymentError: "card declined", nextPaymentAttemptAt: "2026-06-02T00:00:00.000Z" });
    // Before its time, a sweep retries nothing.
    clock.advance(DAY - 1);
    await server.app.services.billing.sweep();
    expect((await buyer.state()).checkoutSessions.nodes).toHaveLength(1);

    const retry = async (advanceMs: number) => {
      clock.advance(advanceMs);
      await server.app.services.billing.sweep();
    };
    await retry(1); // June 2
    expect(await attempts(2)).toMatchObject({ status: "PAST_DUE", nextPaymentAttemptAt: "2026-06-04T00:00:00.000Z" });
    await retry(2 * DAY);
    expect(await attempts(3)).toMatchObject({ status: "PAST_DUE", nextPaymentAttemptAt: "2026-06-06T00:00:00.000Z" });
    await retry(2 * DAY);
    expect(await attempts(4)).toMatchObject({ status: "PAST_DUE", nextPaymentAttemptAt: "2026-06-08T00:00:00.000Z" });
    await retry(2 * DAY); // June 8: the last retry
    const ended = await attempts(5);
    expect(ended).toMatchObject({ status: "UNPAID", nextPaymentAttemptAt: null, endedAt: "2026-06-08T00:00:00.000Z" });
    const after = await buyer.state();
    expect(after.balance).toBe("0");
    expect(after.checkoutSessions.nodes.map((s: any) => s.status)).toEqual(["DECLINED", "DECLINED", "DECLINED", "DECLINED", "DECLINED"]);

    // Ended: no more charges, not even at the next period; subscribing again starts anew.
    clock.advance(40 * DAY);
    await server.app.services.billing.sweep();
    expect((await buyer.state()).checkoutSessions.nodes).toHaveLength(5);
    await server.gql(ATTACH, { token: "tok_visa", makeDefault: true }, buyer.key);
    const again = await buyer.subscribe();
    expect(again.userErrors).toEqual([]);
    expect(again.subscription.id).not.toBe(ended.id);
    expect((await until(buyer.state, (v) => v.balance === "500")).balance).toBe("500");
    expect(await server.audit()).toEqual([]);
    await server.close();
  });

  it("follows a configured schedule", async () => {
    const clock = new ManualClock("2026-06-01T00:00:00.000Z");
    const server = await startTestServer({ clock, billing: { subscriptionRetryDays: [2] } });
    const buyer = await subscriber(server, "tok_chargeDeclined");
    await buyer.subscribe();
    expect((await until(buyer.state, (v) => v.subscriptions[0].status === "PAST_DUE")).subscriptions[0].nextPaymentAttemptAt).toBe("2026-06-03T00:00:00.000Z");
    clock.advance(2 * DAY);
    await server.app.services.billing.sweep();
    expect((await until(buyer.state, (v) => v.subscriptions[0].status === "UNPAID")).subscriptions[0].failedPaymentAttempts).toBe(2);
    await server.close();
  });

  it("retries at once when a new default payment method is attached, and grants the period once paid", async () => {
    const clock = new ManualClock("2026-06-01T00:00:00.000Z");
    const server = await startTestServer({ clock });
    const buyer = await subscriber(server, "tok_chargeDeclined");
    await buyer.subscribe();
    await until(buyer.state, (v) => v.subscriptions[0].status === "PAST_DUE");
    clock.advance(3600_000);
    // A second card that is not the default changes nothing; making one the default retries.
    await server.gql(ATTACH, { token: "tok_mastercard", makeDefault: false }, buyer.key);
    expect((await buyer.state()).checkoutSessions.nodes).toHaveLength(1);
    await server.gql(ATTACH, { token: "tok_visa", makeDefault: true }, buyer.key);
    // The fields of one query are separate reads: wait for the paid period on both.
    const paid = await until(buyer.state, (v) => v.balance === "500" && v.subscriptions[0].status === "ACTIVE");
    expect(paid).toMatchObject({
      balance: "500",
      subscriptions: [{ status: "ACTIVE", lastPaymentError: null, failedPaymentAttempts: 0, nextPaymentAttemptAt: null }],
    });
    expect(paid.checkoutSessions.nodes.map((s: any) => s.status)).toEqual(["COMPLETED", "DECLINED"]);
    // The retry schedule is gone: the next charge is the next period's.
    clock.advance(10 * DAY);
    await server.app.services.billing.sweep();
    expect((await buyer.state()).checkoutSessions.nodes).toHaveLength(2);
    clock.advance(20 * DAY);
    await server.app.services.billing.sweep();
    expect((await until(buyer.state, (v) => v.balance === "1000")).checkoutSessions.nodes).toHaveLength(3);
    await server.close();
  });

  it("answers subscriptionCreate on a past-due plan by retrying its payment, not by a second subscription", async () => {
    const server = await startTestServer({ clock: new ManualClock("2026-06-01T00:00:00.000Z") });
    const buyer = await subscriber(server, "tok_chargeDeclined");
    const first = await buyer.subscribe();
    await until(buyer.state, (v) => v.subscriptions[0].status === "PAST_DUE");
    const again = await buyer.subscribe();
    expect(again).toMatchObject({ subscription: { id: first.subscription.id }, userErrors: [] });
    const state = await until(buyer.state, (v) => v.subscriptions[0].failedPaymentAttempts === 2);
    expect(state.subscriptions).toHaveLength(1);
    expect(state.checkoutSessions.nodes).toHaveLength(2);
    await server.close();
  });

  it("charges nothing when its list of due retries is stale: another node's retry was declined, or paid, meanwhile", async () => {
    const clock = new ManualClock("2026-06-01T00:00:00.000Z");
    const server = await startTestServer({ clock });
    const buyer = await subscriber(server, "tok_chargeDeclined");
    await buyer.subscribe();
    await until(buyer.state, (v) => v.subscriptions[0].failedPaymentAttempts === 1);
    const subscriptions = server.app.services.billing.subscriptions;
    const reads = server.store.reads.subscriptions;
    clock.advance(DAY); // June 2: the first retry is due
    // A node reads the due list; before it acts, another node's retry runs to its end.
    const staleRetryList = () => vi.spyOn(reads, "pastDue").mockResolvedValueOnce(structuredClone(read));
    let read = await reads.pastDue({ retryBy: { now: clock.now().toISOString(), testClockId: null } });
    expect(read).toHaveLength(1);
    await subscriptions.retryDue();
    await until(buyer.state, (v) => v.subscriptions[0].failedPaymentAttempts === 2);
    staleRetryList();
    expect(await subscriptions.retryDue()).toBe(0);
    expect(await buyer.state()).toMatchObject({ subscriptions: [{ failedPaymentAttempts: 2, nextPaymentAttemptAt: "2026-06-04T00:00:00.000Z" }] });

    // The same, when the other node's retry is paid: the period is never charged twice.
    read = await reads.pastDue({ accountId: buyer.accountId });
    await server.gql(ATTACH, { token: "tok_visa", makeDefault: true }, buyer.key);
    await until(buyer.state, (v) => v.balance === "500");
    staleRetryList();
    expect(await subscriptions.retryPastDue(buyer.accountId)).toBe(0);
    clock.advance(2 * DAY);
    read = read.map((due) => ({ ...due, nextPaymentAttemptAt: "2026-06-04T00:00:00.000Z" }));
    staleRetryList();
    expect(await subscriptions.retryDue()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const state = await buyer.state();
    expect(state.balance).toBe("500");
    expect(state.checkoutSessions.nodes.map((s: any) => s.status)).toEqual(["COMPLETED", "DECLINED", "DECLINED"]);
    expect(await server.audit()).toEqual([]);
    vi.restoreAllMocks();
    await server.close();
  });

  it("declines a card that needs the cardholder's confirmation, saying how to confirm", async () => {
    const server = await startTestServer({ clock: new ManualClock("2026-06-01T00:00:00.000Z") });
    const buyer = await subscriber(server, "tok_authenticationRequired");
    await buyer.subscribe();
    const state = await until(buyer.state, (v) => v.subscriptions[0].status === "PAST_DUE");
    expect(state.subscriptions[0].lastPaymentError).toMatch(/^authentication_required: .*confirm.*checkoutSessionCreate.*paymentMethodSetupCreate/);
    expect(state.checkoutSessions.nodes[0]).toMatchObject({ purpose: "SUBSCRIPTION", status: "DECLINED" });
    expect(state.balance).toBe("0");
    await server.close();
  });
});

describe("subscribing again", () => {
  it("resumes a cancelled subscription that is still running: no charge, renewal back on", async () => {
    const clock = new ManualClock("2026-06-01T00:00:00.000Z");
    const server = await startTestServer({ clock });
    const buyer = await subscriber(server, "tok_visa");
    const first = await buyer.subscribe();
    await until(buyer.state, (v) => v.balance === "500");
    const cancelled = await server.gql(
      `mutation ($id: ID!) { subscriptionCancel(input: { subscriptionId: $id }) { subscription { cancelAtPeriodEnd } } }`,
      { id: first.subscription.id },
      buyer.key,
    );
    expect(cancelled.body.data.subscriptionCancel.subscription.cancelAtPeriodEnd).toBe(true);

    const resumed = await buyer.subscribe();
    expect(resumed).toEqual({ subscription: { id: first.subscription.id, status: "ACTIVE", cancelAtPeriodEnd: false }, userErrors: [] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const state = await buyer.state();
    expect(state.balance).toBe("500");
    expect(state.subscriptions).toHaveLength(1);
    expect(state.checkoutSessions.nodes).toHaveLength(1);

    // Renewal is back on: the next period is charged and granted.
    clock.advance(30 * DAY);
    await server.app.services.billing.sweep();
    expect((await until(buyer.state, (v) => v.balance === "1000")).subscriptions[0].status).toBe("ACTIVE");
    await server.close();
  });

  it("makes one subscription and one charge of concurrent subscriptionCreate calls", async () => {
    const server = await startTestServer();
    const buyer = await subscriber(server, "tok_visa");
    const results = await Promise.all(Array.from({ length: 8 }, () => buyer.subscribe()));
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
    expect(results.filter((r) => r.userErrors[0]?.code === "BAD_USER_INPUT")).toHaveLength(7);
    const state = await until(buyer.state, (v) => v.balance === "500");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await buyer.state()).balance).toBe("500");
    expect(state.subscriptions).toHaveLength(1);
    expect(state.checkoutSessions.nodes).toHaveLength(1);
    await server.close();
  });

  it("refuses, at the database, a second live subscription to one plan", async () => {
    const server = await startTestServer();
    const buyer = await subscriber(server, "tok_visa");
    const { subscription } = await buyer.subscribe();
    // Even written around the service, the partial unique index refuses it.
    const insert = rawRun(
      server.store,
      `insert into subscriptions (id, account_id, plan_id, monthly_credits_micros, status, anchor_day, current_period_start, current_period_end, cancel_at_period_end)
       values ('sub_twin', ?, ?, 1, 'ACTIVE', 1, '2026-01-01', '2026-02-01', ?)`,
      buyer.accountId,
      PLAN,
      STORE_KIND === "postgres" ? false : 0,
    );
    await expect(insert).rejects.toThrow(/UNIQUE constraint failed|duplicate key value violates unique constraint/);
    expect(subscription.id).toMatch(/^sub_/);
    await server.close();
  });
});
