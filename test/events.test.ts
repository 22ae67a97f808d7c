/**
 * The event log (issue 16), through the GraphQL API: every change a partner cares about is an
 * event written in the change's own transaction, numbered 1, 2, 3 … per account with no gap, and
 * readable with viewer.events to catch up from the last sequence number seen.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../src/clock.js";
import { Decimal } from "../src/pricing/decimal.js";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, until, type TestAccount, type TestServer } from "./helpers.js";

const DAY = 24 * 3600_000;
const clock = new ManualClock("2026-06-01T00:00:00.000Z");
let server: TestServer;
beforeAll(async () => {
  // Its tests move the clock months on: retention is tested on a server of its own (the last test).
  server = await startTestServer({ clock, jobTtlMs: 3600_000, config: { eventRetentionMs: 3650 * DAY } });
});
afterAll(() => server.close());

const admin = { "x-api-key": TEST_ADMIN_KEY };
const EVENTS = `query ($first: Int, $after: String, $types: [String!], $afterSequence: Int) {
  viewer { events(first: $first, after: $after, types: $types, afterSequence: $afterSequence) {
    nodes { id type sequence createdAt data } pageInfo { hasNextPage endCursor } } } }`;
async function events(account: TestAccount, variables: Record<string, unknown> = {}) {
  const { body } = await server.gql(EVENTS, { first: 100, ...variables }, account.key);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data.viewer.events;
}
const typesOf = async (account: TestAccount) => (await events(account)).nodes.map((e: any) => e.type);
const mutate = async (account: TestAccount, mutation: string) => (await server.gql(`mutation { ${mutation} }`, undefined, account.key)).body;
const grant = (account: TestAccount, credits: string, extra = "") =>
  server.gql(
    `mutation { creditsGrant(input: { accountId: "${account.accountId}", provider: "ugen", credits: "${credits}", reason: "test"${extra} }) { userErrors { code } } }`,
    undefined,
    admin,
  );
const createJob = async (account: TestAccount, credits: string) =>
  (await mutate(account, `jobCreate(input: { credits: "${credits}" }) { job { id } userErrors { code } }`)).data.jobCreate;

describe("the event log", () => {
  it("tells of a job's life and the wallet after each change, numbered from 1 per account", async () => {
    const account = await createTestAccount(server, "Events");
    await grant(account, "100");
    const job = (await createJob(account, "30")).job;
    await mutate(account, `jobComplete(input: { jobId: "${job.id}", consumedCredits: "25" }) { job { id } }`);
    const log = await events(account);
    expect(log.nodes.map((e: any) => [e.sequence, e.type])).toEqual([
      [1, "wallet.credits_added"],
      [2, "job.reserved"],
      [3, "job.completed"],
    ]);
    const [added, reserved, completed] = log.nodes;
    expect(added.data).toMatchObject({
      wallet: { provider: "ugen", balance: "100", reserved: "0", available: "100" },
      grant: { kind: "PROMOTIONAL", amount: "100" },
      change: { type: "BONUS", credits: "100" },
    });
    expect(reserved.data).toMatchObject({
      job: { id: job.id, status: "RESERVED", reservedCredits: "30" },
      wallet: { balance: "100", reserved: "30", available: "70" },
    });
    expect(completed.data).toMatchObject({
      job: { id: job.id, status: "COMPLETED", consumedCredits: "25" },
      wallet: { balance: "75", reserved: "0", available: "75" },
    });
    expect(new Set(log.nodes.map((e: any) => e.id)).size).toBe(3);
    expect(log.nodes[0].id).toMatch(/^evt_/);
  });

  it("writes nothing for a change that is refused, and only the account's own events", async () => {
    const poor = await createTestAccount(server, "Poor");
    await grant(poor, "5");
    expect((await createJob(poor, "10")).userErrors[0].code).toBe("INSUFFICIENT_CREDITS");
    expect(await typesOf(poor)).toEqual(["wallet.credits_added"]);
    const other = await createTestAccount(server, "Other");
    expect(await typesOf(other)).toEqual([]);
  });

  it("numbers concurrent changes without a gap or a repeat", async () => {
    const busy = await createTestAccount(server, "Busy");
    await grant(busy, "1000");
    await Promise.all(Array.from({ length: 20 }, () => createJob(busy, "1")));
    const log = await events(busy);
    expect(log.nodes.map((e: any) => e.sequence)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });

  it("catches up from a cursor or from the last sequence number seen, of some types only", async () => {
    const account = await createTestAccount(server, "Catching up");
    await grant(account, "50");
    for (let i = 0; i < 3; i++) await createJob(account, "1");
    const first = await events(account, { first: 2 });
    expect(first.nodes.map((e: any) => e.sequence)).toEqual([1, 2]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect((await events(account, { after: first.pageInfo.endCursor })).nodes.map((e: any) => e.sequence)).toEqual([3, 4]);
    expect((await events(account, { afterSequence: 3 })).nodes.map((e: any) => e.sequence)).toEqual([4]);
    expect((await events(account, { types: ["wallet.credits_added"] })).nodes.map((e: any) => e.sequence)).toEqual([1]);
    const bad = await server.gql(EVENTS, { types: ["job.exploded"] }, account.key);
    expect(bad.body.errors![0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: ["types"] } });
    expect(bad.body.errors![0].message).toMatch(/Unknown event type "job.exploded"; the types are: job.reserved/);
  });

  it("tells of failed, cancelled and expired jobs, expired credits and a low balance", async () => {
    const account = await createTestAccount(server, "Everything");
    await grant(account, "100", `, expiresAt: "${new Date(clock.now().getTime() + DAY).toISOString()}"`);
    await mutate(account, `creditAlertUpdate(input: { enabled: true, thresholdCredits: "50", email: "ops@example.com" }) { userErrors { code } }`);
    const failed = (await createJob(account, "10")).job;
    await mutate(account, `jobFail(input: { jobId: "${failed.id}", reason: "upstream error" }) { job { id } }`);
    const cancelled = (await createJob(account, "10")).job;
    await mutate(account, `jobCancel(input: { jobId: "${cancelled.id}" }) { job { id } }`);
    await createJob(account, "60"); // available falls to 40: below the alert's 50
    clock.advance(2 * 3600_000);
    await server.app.sweeper.sweep(); // the job's reservation expires
    clock.advance(DAY);
    await server.app.sweeper.sweep(); // the grant expires
    const log = (await events(account)).nodes;
    // Events of one transaction keep the order of its steps: the alert is decided as the ledger
    // moves, before the job's own event.
    expect(log.map((e: any) => e.type)).toEqual([
      "wallet.credits_added",
      "job.reserved",
      "job.failed",
      "job.reserved",
      "job.cancelled",
      "wallet.low_balance", // 60 more reserved: 40 available, below 50
      "job.reserved",
      "job.expired", // released: 100 again, the alert re-armed
      "wallet.low_balance", // the grant expires: 0
      "wallet.credits_expired",
    ]);
    expect(log[2].data.job).toMatchObject({ status: "FAILED", failureReason: "upstream error" });
    expect(log[5].data).toMatchObject({ wallet: { available: "40" }, alert: { thresholdCredits: "50" } });
    expect(log[9].data).toMatchObject({ wallet: { balance: "0", available: "0" }, change: { credits: "-100" } });
  });
});

describe("credits that leave as they come back", () => {
  it("tells of credits that expire as an expired job releases them to their expired grant", async () => {
    const account = await createTestAccount(server, "Released late");
    await grant(account, "100", `, expiresAt: "${new Date(clock.now().getTime() + DAY).toISOString()}"`);
    await createJob(account, "60");
    clock.advance(DAY + 1);
    await server.app.sweeper.sweep(); // the grant expires (40 free), then the job (its 60 come back, to leave)
    const log = (await events(account)).nodes;
    expect(log.map((e: any) => [e.type, e.data.change?.credits ?? null])).toEqual([
      ["wallet.credits_added", "100"],
      ["job.reserved", null],
      ["wallet.credits_expired", "-40"],
      ["wallet.credits_expired", "-60"],
      ["job.expired", null],
    ]);
    expect(log[3].data.wallet).toMatchObject({ balance: "0", reserved: "0" });
  });
});

describe("billing events", () => {
  it("tells of a paid checkout, a subscription renewed, a payment failed and a cancellation", async () => {
    const account = await createTestAccount(server, "Subscriber");
    await mutate(account, `paymentMethodAttach(input: { token: "tok_visa", makeDefault: true }) { userErrors { code } }`);
    await mutate(account, `subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) { subscription { id } userErrors { code } }`);
    await until(
      () => typesOf(account),
      (types) => types.includes("subscription.renewed"),
    );
    // The card is declined from now on: the next period's payment fails.
    await mutate(account, `paymentMethodAttach(input: { token: "tok_chargeDeclined", makeDefault: true }) { userErrors { code } }`);
    clock.advance(31 * DAY);
    await server.app.sweeper.sweep();
    await until(
      () => typesOf(account),
      (types) => types.includes("subscription.payment_failed"),
    );
    const subscription = (await server.gql(`{ viewer { subscriptions { id } } }`, undefined, account.key)).body.data.viewer.subscriptions[0];
    // Several cancels at once (say, a double click on two nodes) cancel once, and say so once.
    await Promise.all(
      Array.from({ length: 6 }, () => mutate(account, `subscriptionCancel(input: { subscriptionId: "${subscription.id}" }) { subscription { id } }`)),
    );
    const log = (await events(account)).nodes;
    expect(log.map((e: any) => e.type)).toEqual([
      "wallet.credits_added",
      "subscription.renewed",
      "checkout_session.completed",
      "wallet.credits_expired", // the first month's credits, at its end
      "checkout_session.declined",
      "subscription.payment_failed",
      "subscription.cancelled",
    ]);
    expect(log[1].data.subscription).toMatchObject({ id: subscription.id, status: "ACTIVE" });
    expect(log[2].data.checkoutSession).toMatchObject({ status: "COMPLETED", purpose: "SUBSCRIPTION", credits: "500" });
    expect(log[5].data).toMatchObject({ subscription: { status: "PAST_DUE", failedPaymentAttempts: 1 }, change: { reason: "card declined" } });
    expect(log[6].data.subscription).toMatchObject({ status: "ENDED" });
  });

  it("tells of a cancellation once when it is asked for several times at once", async () => {
    const account = await createTestAccount(server, "Double click");
    await mutate(account, `paymentMethodAttach(input: { token: "tok_visa", makeDefault: true }) { userErrors { code } }`);
    const created = await mutate(account, `subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) { subscription { id } userErrors { code } }`);
    const id = created.data.subscriptionCreate.subscription.id;
    await until(
      () => typesOf(account),
      (types) => types.includes("subscription.renewed"),
    );
    await Promise.all(
      Array.from({ length: 6 }, () => mutate(account, `subscriptionCancel(input: { subscriptionId: "${id}" }) { subscription { cancelAtPeriodEnd } }`)),
    );
    const cancelled = (await events(account, { types: ["subscription.cancelled"] })).nodes;
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0].data.subscription).toMatchObject({ id, status: "ACTIVE", cancelAtPeriodEnd: true });
  });

  it("tells of a grant clawed back when its purchase is refunded", async () => {
    const account = await createTestAccount(server, "Refunded");
    const opened = await mutate(account, `checkoutSessionCreate(input: { packId: "ugen/packs/starter" }) { checkoutSession { id url } }`);
    const session = opened.data.checkoutSessionCreate.checkoutSession;
    await fetch(session.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "action=pay" });
    await server.app.services.billing.sandbox.deliver("checkout.refunded", session.id, new Decimal("10"), "USD");
    const types = await typesOf(account);
    expect(types).toEqual(["wallet.credits_added", "checkout_session.completed", "grant.clawed_back"]);
    const clawed = (await events(account, { types: ["grant.clawed_back"] })).nodes[0];
    expect(clawed.data).toMatchObject({ grant: { amount: "200" }, wallet: { balance: "0" }, change: { claimed: "200" } });
  });

  it("forgets events past EVENT_RETENTION_DAYS (30) at a sweep, and numbers new ones on from the last", async () => {
    const kept = server;
    server = await startTestServer({ clock });
    try {
      await retention();
    } finally {
      await server.close();
      server = kept;
    }
  });
  it("reads EVENT_RETENTION_DAYS, at least the webhooks' 3-day retry window", async () => {
    const { loadConfig } = await import("../src/config.js");
    expect(loadConfig({}).eventRetentionMs).toBe(30 * DAY);
    expect(loadConfig({ EVENT_RETENTION_DAYS: "90" }).eventRetentionMs).toBe(90 * DAY);
    expect(() => loadConfig({ EVENT_RETENTION_DAYS: "2" })).toThrow(/EVENT_RETENTION_DAYS must be a whole number from 3 to 3650/);
  });
  async function retention() {
    const account = await createTestAccount(server, "Retained");
    await grant(account, "10");
    await grant(account, "5");
    clock.advance(29 * DAY);
    await grant(account, "1");
    clock.advance(2 * DAY);
    await grant(account, "2");
    expect((await events(account)).nodes.map((e: any) => e.sequence)).toEqual([1, 2, 3, 4]);
    const counts = await server.app.sweeper.sweep();
    expect(counts?.prunedEvents).toBeGreaterThanOrEqual(2);
    // 31 and 2 days old: the first two are gone, the others stay; catching up from before them starts at what is kept.
    expect((await events(account)).nodes.map((e: any) => [e.sequence, e.data.change.credits])).toEqual([
      [3, "1"],
      [4, "2"],
    ]);
    expect((await events(account, { afterSequence: 1 })).nodes.map((e: any) => e.sequence)).toEqual([3, 4]);
    await grant(account, "3");
    expect((await events(account)).nodes.map((e: any) => e.sequence)).toEqual([3, 4, 5]);
    expect((await server.app.sweeper.sweep())?.prunedEvents).toBe(0);
  }
});
