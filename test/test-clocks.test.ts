/**
 * Test clocks through the API (over SQLite, and over PostgreSQL in the postgres project): TEST
 * accounts on a clock live at its time, which only testClockAdvance moves; what falls due for them
 * happens when the clock passes it, never by the server's own time; a clock advanced on one node
 * moves its accounts' time on another; one advance at a time; deleting a clock ends its accounts' keys.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgStore } from "../src/store/postgres/store.js";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, until, type TestAccount, type TestServer } from "./helpers.js";
import { createTestDatabase, describePostgres, describeStore, rawRun, STORE_KIND } from "./stores.js";

const admin = { "x-api-key": TEST_ADMIN_KEY };
const JANUARY = "2026-01-10T00:00:00.000Z";
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function gql(on: TestServer, key: Record<string, string>, query: string, variables?: Record<string, unknown>) {
  const { body } = await on.gql(query, variables, key);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

async function newClock(on: TestServer, frozenTime = JANUARY): Promise<string> {
  const data = await gql(
    on,
    admin,
    `mutation ($t: DateTime) { testClockCreate(input: { name: "a clock", frozenTime: $t }) { testClock { id frozenTime status } userErrors { code } } }`,
    { t: frozenTime },
  );
  expect(data.testClockCreate.testClock).toMatchObject({ frozenTime, status: "READY" });
  return data.testClockCreate.testClock.id;
}

const ADVANCE = `mutation ($input: TestClockAdvanceInput!) { testClockAdvance(input: $input) { testClock { frozenTime status } expiredGrants expiredJobs renewedPeriods userErrors { field code message } } }`;
const advance = (on: TestServer, key: Record<string, string>, input: Record<string, unknown>) =>
  gql(on, key, ADVANCE, { input }).then((d) => d.testClockAdvance);

const JOB = `mutation ($c: Decimal!) { jobCreate(input: { credits: $c }) { job { id status createdAt expiresAt } userErrors { code } } }`;
const state = (on: TestServer, account: TestAccount) =>
  gql(
    on,
    account.key,
    `{ viewer { createdAt testClock { frozenTime } wallet(provider: "ugen") { balance available grants { nodes { status remaining } } } jobs(first: 5) { nodes { id status } } } }`,
  ).then((d) => d.viewer);

describeStore("a TEST account on a test clock", () => {
  let clock: string;
  let account: TestAccount;
  beforeAll(async () => {
    clock = await newClock(server);
    account = await createTestAccount(server, "Clocked", "0", "ugen", { testClockId: clock });
  });

  it("lives at the clock's time: its records carry it, and rules about the future measure from it", async () => {
    const viewer = await state(server, account);
    expect(viewer).toMatchObject({ createdAt: JANUARY, testClock: { frozenTime: JANUARY } });
    // Five days after the clock's time: in the future for the account, long past for the server.
    const grant = `mutation ($id: ID!, $at: DateTime!) { creditsGrant(input: { accountId: $id, provider: "ugen", credits: "100", reason: "clocked", expiresAt: $at }) { grant { expiresAt } userErrors { field code } } }`;
    expect((await gql(server, admin, grant, { id: account.accountId, at: "2026-01-15T00:00:00.000Z" })).creditsGrant.userErrors).toEqual([]);
    expect((await gql(server, admin, grant, { id: account.accountId, at: "2026-01-09T00:00:00.000Z" })).creditsGrant.userErrors).toEqual([
      { field: ["input", "expiresAt"], code: "BAD_USER_INPUT" },
    ]);
    const job = (await gql(server, account.key, JOB, { c: "30" })).jobCreate.job;
    expect(job).toMatchObject({ status: "RESERVED", createdAt: JANUARY, expiresAt: "2026-01-11T00:00:00.000Z" });
  });

  it("is left alone by the server's sweeps, however far the server's time is past what is due", async () => {
    await server.app.sweeper.sweep();
    const viewer = await state(server, account);
    expect(viewer.jobs.nodes[0].status).toBe("RESERVED");
    expect(viewer.wallet).toMatchObject({ balance: "100", available: "70", grants: { nodes: [{ status: "ACTIVE", remaining: "100" }] } });
  });

  it("has what falls due run as the clock passes it, in order, before the advance answers", async () => {
    const day = await advance(server, account.key, { testClockId: clock, days: 1, seconds: 1 });
    expect(day).toMatchObject({ testClock: { frozenTime: "2026-01-11T00:00:01.000Z", status: "READY" }, expiredJobs: 1, expiredGrants: 0, userErrors: [] });
    expect((await state(server, account)).jobs.nodes[0].status).toBe("EXPIRED");
    const later = await advance(server, admin, { testClockId: clock, frozenTime: "2026-01-20T00:00:00.000Z" });
    expect(later).toMatchObject({ testClock: { frozenTime: "2026-01-20T00:00:00.000Z" }, expiredGrants: 1, expiredJobs: 0 });
    const viewer = await state(server, account);
    expect(viewer.wallet).toMatchObject({ balance: "0", grants: { nodes: [{ status: "EXPIRED" }] } });
    const expired = await gql(server, account.key, `{ viewer { transactions(type: EXPIRE) { nodes { amount createdAt } } } }`);
    // Expired when the sweep of the step that passed it ran: at the end of that day on the clock.
    expect(expired.viewer.transactions.nodes).toEqual([{ amount: "-100", createdAt: "2026-01-15T00:00:01.000Z" }]);
    expect(await server.audit()).toEqual([]);
  });

  it("retries a declined subscription payment when the clock, not the server, reaches the retry", async () => {
    const subscriber = await createTestAccount(server, "Dunning", "0", "ugen", { testClockId: clock });
    await gql(server, subscriber.key, `mutation { paymentMethodAttach(input: { token: "tok_chargeDeclined", makeDefault: true }) { userErrors { code } } }`);
    await gql(server, subscriber.key, `mutation { subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) { userErrors { code } } }`);
    const subscription = () =>
      gql(server, subscriber.key, `{ viewer { subscriptions { status failedPaymentAttempts nextPaymentAttemptAt currentPeriodStart } } }`).then(
        (d) => d.viewer.subscriptions[0],
      );
    const pastDue = await until(subscription, (s) => s.failedPaymentAttempts === 1);
    expect(pastDue).toMatchObject({ status: "PAST_DUE", currentPeriodStart: "2026-01-20T00:00:00.000Z", nextPaymentAttemptAt: "2026-01-21T00:00:00.000Z" });
    await server.app.sweeper.sweep();
    await server.app.services.background.drain();
    expect((await subscription()).failedPaymentAttempts).toBe(1);
    await advance(server, subscriber.key, { testClockId: clock, days: 1 });
    expect(await subscription()).toMatchObject({ status: "PAST_DUE", failedPaymentAttempts: 2, nextPaymentAttemptAt: "2026-01-23T00:00:00.000Z" });
  });
});

describeStore("testClockAdvance", () => {
  it("is the admin's, or a key of an account on that very clock", async () => {
    const clock = await newClock(server);
    const elsewhere = await createTestAccount(server, "Other clock", "0", "ugen", { testClockId: await newClock(server) });
    const live = await createTestAccount(server, "Live", "0", "ugen", { mode: "LIVE" });
    for (const key of [elsewhere.key, live.key, {}]) {
      const { body } = await server.gql(ADVANCE, { input: { testClockId: clock, days: 1 } }, key);
      expect(body.errors![0].extensions!.code).toBe(Object.keys(key).length ? "FORBIDDEN" : "UNAUTHENTICATED");
    }
    expect((await gql(server, admin, `{ testClocks { id } }`)).testClocks.map((c: { id: string }) => c.id)).toContain(clock);
  });

  it("refuses moves that are not forward, too far, or ambiguous, and changes nothing", async () => {
    const clock = await newClock(server);
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ seconds: 0 }, ["input", "seconds"]],
      [{ days: -1 }, ["input", "days"]],
      [{ days: 367 }, ["input", "days"]],
      [{ frozenTime: JANUARY }, ["input", "frozenTime"]],
      [{ frozenTime: "2025-12-31T00:00:00.000Z" }, ["input", "frozenTime"]],
      [{ frozenTime: "2026-02-01T00:00:00.000Z", days: 1 }, ["input", "frozenTime"]],
    ];
    for (const [input, field] of cases) {
      const answer = await advance(server, admin, { testClockId: clock, ...input });
      expect(answer, JSON.stringify(input)).toMatchObject({ testClock: null, userErrors: [{ field, code: "BAD_USER_INPUT" }] });
    }
    expect((await advance(server, admin, { testClockId: "clock_0000000000000000", days: 1 })).userErrors).toMatchObject([{ code: "NOT_FOUND" }]);
    const created = await gql(
      server,
      admin,
      `mutation { testClockCreate(input: { name: "far", frozenTime: "2101-01-01T00:00:00Z" }) { testClock { id } userErrors { field code } } }`,
    );
    expect(created.testClockCreate).toEqual({ testClock: null, userErrors: [{ field: ["input", "frozenTime"], code: "BAD_USER_INPUT" }] });
    const node = await gql(server, admin, `query ($id: ID!) { node(id: $id) { ... on TestClock { frozenTime } } }`, { id: clock });
    expect(node.node.frozenTime).toBe(JANUARY);
  });

  it("runs one advance at a time per clock: another is refused while one holds it, and a lapsed hold lets go", async () => {
    const clock = await newClock(server);
    await rawRun(server.store, "update test_clocks set advancing_until = ? where id = ?", "2999-01-01T00:00:00.000Z", clock);
    expect((await gql(server, admin, `query ($id: ID!) { node(id: $id) { ... on TestClock { status } } }`, { id: clock })).node.status).toBe("ADVANCING");
    expect((await advance(server, admin, { testClockId: clock, days: 1 })).userErrors).toMatchObject([
      { field: ["input", "testClockId"], code: "BAD_USER_INPUT", message: expect.stringContaining("being advanced") },
    ]);
    await rawRun(server.store, "update test_clocks set advancing_until = ? where id = ?", "2000-01-01T00:00:00.000Z", clock);
    expect(await advance(server, admin, { testClockId: clock, days: 1 })).toMatchObject({
      testClock: { frozenTime: "2026-01-11T00:00:00.000Z", status: "READY" },
      userErrors: [],
    });
  });

  it("ends a deleted clock: it never moves again, and its accounts' keys stop working", async () => {
    const clock = await newClock(server);
    const account = await createTestAccount(server, "Doomed", "0", "ugen", { testClockId: clock });
    const deleted = await gql(
      server,
      admin,
      `mutation ($id: ID!) { testClockDelete(input: { testClockId: $id }) { testClock { status deletedAt } userErrors { code } } }`,
      { id: clock },
    );
    expect(deleted.testClockDelete).toMatchObject({ testClock: { status: "DELETED" }, userErrors: [] });
    expect((await server.gql(`{ viewer { id } }`, undefined, account.key)).body.errors![0].extensions!.code).toBe("UNAUTHENTICATED");
    const newKey = await gql(server, admin, `mutation ($id: ID!) { apiKeyCreate(input: { accountId: $id }) { apiKey userErrors { field code } } }`, {
      id: account.accountId,
    });
    expect(newKey.apiKeyCreate).toEqual({ apiKey: null, userErrors: [{ field: ["input", "accountId"], code: "BAD_USER_INPUT" }] });
    expect((await advance(server, admin, { testClockId: clock, days: 1 })).userErrors).toMatchObject([{ code: "BAD_USER_INPUT" }]);
    const onDeleted = await gql(
      server,
      admin,
      `mutation ($c: ID!) { accountCreate(input: { name: "late", mode: TEST, testClockId: $c }) { account { id } userErrors { field code } } }`,
      { c: clock },
    );
    expect(onDeleted.accountCreate.userErrors).toEqual([{ field: ["input", "testClockId"], code: "BAD_USER_INPUT" }]);
    expect((await gql(server, admin, `{ testClocks { id } }`)).testClocks.map((c: { id: string }) => c.id)).not.toContain(clock);
  });
});

describeStore("an advance under way", () => {
  it("waits for its own accounts' work only, not for the node's other background work", async () => {
    const clock = await newClock(server);
    await createTestAccount(server, "On the clock", "0", "ugen", { testClockId: clock });
    let release!: () => void;
    // Work for another account that will not end while the advance runs (a slow receiver, say).
    server.app.services.background.run("elsewhere", () => new Promise<void>((resolve) => (release = resolve)), { accountId: "acct_elsewhere" });
    try {
      const answer = await advance(server, admin, { testClockId: clock, days: 3 });
      expect(answer).toMatchObject({ testClock: { frozenTime: "2026-01-13T00:00:00.000Z" }, userErrors: [] });
    } finally {
      release();
    }
  });

  it("stops with a typed error when its clock is deleted while it moves, where it then stands", async () => {
    const clock = await newClock(server);
    await createTestAccount(server, "Cut short", "0", "ugen", { testClockId: clock });
    const running = advance(server, admin, { testClockId: clock, days: 366 });
    const status = () => gql(server, admin, `query ($id: ID!) { node(id: $id) { ... on TestClock { status frozenTime } } }`, { id: clock }).then((d) => d.node);
    await until(status, (s) => s.status === "ADVANCING" && s.frozenTime > JANUARY);
    await gql(server, admin, `mutation ($id: ID!) { testClockDelete(input: { testClockId: $id }) { userErrors { code } } }`, { id: clock });
    const answer = await running;
    expect(answer).toMatchObject({
      testClock: null,
      userErrors: [{ field: ["input", "testClockId"], code: "BAD_USER_INPUT", message: expect.stringContaining("deleted") }],
    });
    const after = await status();
    expect(after.status).toBe("DELETED");
    expect(after.frozenTime < "2027-01-10T00:00:00.000Z").toBe(true);
  });
});

// Once, in the postgres project (this file runs in both).
(STORE_KIND === "postgres" ? describePostgres : describe.skip)("a test clock over several nodes", () => {
  it("moves its accounts' time on every node: advanced on one, the other sees it at once", async () => {
    const database = await createTestDatabase();
    const [one, two] = await Promise.all([
      startTestServer({ store: await PgStore.open(database.url, { max: 3 }) }),
      startTestServer({ store: await PgStore.open(database.url, { max: 3 }) }),
    ]);
    try {
      const clock = await newClock(one);
      const account = await createTestAccount(one, "Two nodes", "50", "ugen", { testClockId: clock });
      // Node two learns the account's time before the move (and would keep it, if it cached times).
      expect((await gql(two, account.key, JOB, { c: "1" })).jobCreate.job.createdAt).toBe(JANUARY);
      await advance(one, admin, { testClockId: clock, days: 3 });
      const job = (await gql(two, account.key, JOB, { c: "1" })).jobCreate.job;
      expect(job).toMatchObject({ createdAt: "2026-01-13T00:00:00.000Z", expiresAt: "2026-01-14T00:00:00.000Z" });
      expect((await state(two, account)).testClock.frozenTime).toBe("2026-01-13T00:00:00.000Z");
      // What node one's advance expired is expired for node two: the first job's hold is back.
      expect((await state(two, account)).wallet.available).toBe("49");
    } finally {
      await Promise.all([one.close(), two.close()]);
      await database.drop();
    }
  });
});
