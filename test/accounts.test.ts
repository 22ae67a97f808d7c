import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../src/accounts/keys.js";
import { ManualClock } from "../src/clock.js";
import { startTestServer, TEST_ADMIN_KEY, type TestServer, SEEDED_PROVIDERS } from "./helpers.js";
import { rawRow, rawRun, STORE_KIND } from "./stores.js";

let server: TestServer;
const clock = new ManualClock("2026-03-01T10:00:00.000Z");
beforeAll(async () => {
  server = await startTestServer({ clock, jobTtlMs: 3600_000 });
});
afterAll(() => server.close());

const admin = { "x-api-key": TEST_ADMIN_KEY };
const as = (key: string) => ({ "x-api-key": key });
const USER_ERRORS = "userErrors { field code message }";
const ACCOUNT = "account { balance reserved available }";

async function createAccount(name = "Acme") {
  const { body } = await server.gql(
    `mutation ($input: AccountCreateInput!) { accountCreate(input: $input) { account { id name balance } apiKey key { id displayPrefix revokedAt } ${USER_ERRORS} } }`,
    { input: { name } },
    admin,
  );
  expect(body.errors).toBeUndefined();
  return body.data.accountCreate as { account: { id: string }; apiKey: string; key: { id: string; displayPrefix: string } };
}

async function grant(accountId: string, credits: string, idempotencyKey?: string, provider = "ugen") {
  const { body } = await server.gql(
    `mutation ($input: CreditsGrantInput!) { creditsGrant(input: $input) { transaction { id type amount balanceBefore balanceAfter } ${ACCOUNT} ${USER_ERRORS} } }`,
    { input: { accountId, provider, credits, reason: "test credits", idempotencyKey } },
    admin,
  );
  expect(body.errors).toBeUndefined();
  return body.data.creditsGrant;
}

const JOB_FIELDS = `job { id status reservedCredits consumedCredits lineItems { code credits } product { id } } transaction { id type amount } ${ACCOUNT} ${USER_ERRORS}`;

async function jobCreate(key: string, input: Record<string, unknown>) {
  const { body } = await server.gql(`mutation ($input: JobCreateInput!) { jobCreate(input: $input) { ${JOB_FIELDS} } }`, { input }, as(key));
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data.jobCreate;
}

async function resolveJob(key: string, mutation: "jobComplete" | "jobFail" | "jobCancel", input: Record<string, unknown>) {
  const inputType = { jobComplete: "JobCompleteInput", jobFail: "JobFailInput", jobCancel: "JobCancelInput" }[mutation];
  const { body } = await server.gql(
    `mutation ($input: ${inputType}!) { ${mutation}(input: $input) { job { id status reservedCredits consumedCredits failureReason resolvedAt } ${ACCOUNT} ${USER_ERRORS} } }`,
    { input },
    as(key),
  );
  expect(body.errors).toBeUndefined();
  return body.data[mutation];
}

async function ledger(key: string, args = "first: 100") {
  const { body } = await server.gql(
    `{ viewer { transactions(${args}) { edges { cursor node { id type amount balanceBefore balanceAfter sequence idempotencyKey job { id } } } pageInfo { hasNextPage endCursor } } } }`,
    undefined,
    as(key),
  );
  expect(body.errors).toBeUndefined();
  return body.data.viewer.transactions;
}

describe("keys and accounts", () => {
  it("needs the admin key to create accounts", async () => {
    const anonymous = await server.gql(`mutation { accountCreate(input: { name: "x" }) { account { id } } }`);
    expect(anonymous.body.errors![0].extensions!.code).toBe("UNAUTHENTICATED");
    const { apiKey } = await createAccount();
    const customer = await server.gql(`mutation { accountCreate(input: { name: "x" }) { account { id } } }`, undefined, as(apiKey));
    expect(customer.body.errors![0].extensions!.code).toBe("FORBIDDEN");
  });

  it("shows a new key once, stores only its hash, and accepts it in X-API-Key or Authorization: Bearer", async () => {
    const created = await createAccount("Keys Inc");
    expect(created.apiKey).toMatch(/^pak_live_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.apiKey.startsWith(created.key.displayPrefix)).toBe(true);
    const row = (await rawRow<Record<string, string>>(server.store, "select * from api_keys where id = ?", created.key.id))!;
    expect(JSON.stringify(row)).not.toContain(created.apiKey.slice(22));
    expect(row.key_hash).toBe(sha256(created.apiKey));

    for (const headers of [as(created.apiKey), { authorization: `Bearer ${created.apiKey}` }]) {
      const { body } = await server.gql(`{ viewer { id name balance reserved available } }`, undefined, headers);
      expect(body.data.viewer).toEqual({ id: created.account.id, name: "Keys Inc", balance: "0", reserved: "0", available: "0" });
    }
  });

  it("answers viewer with UNAUTHENTICATED without a valid key, while the catalog needs none", async () => {
    for (const headers of [{} as Record<string, string>, as("nope"), as("pak_0000000000000000_" + "A".repeat(43)), { authorization: "Basic abc" }]) {
      const { body } = await server.gql(`{ providers { id } viewer { id } }`, undefined, headers);
      expect(body.errors![0].extensions!.code).toBe("UNAUTHENTICATED");
      expect(body.data.providers).toHaveLength(SEEDED_PROVIDERS);
      expect(body.data.viewer).toBeNull();
    }
  });

  it("stops accepting a revoked key with the next request, and only that key", async () => {
    const created = await createAccount();
    const second = await server.gql(
      `mutation ($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { apiKey key { id } ${USER_ERRORS} } }`,
      { input: { accountId: created.account.id } },
      admin,
    );
    const otherKey = second.body.data.apiKeyCreate.apiKey;
    const revoked = await server.gql(
      `mutation ($input: ApiKeyRevokeInput!) { apiKeyRevoke(input: $input) { key { id revokedAt } ${USER_ERRORS} } }`,
      { input: { keyId: created.key.id } },
      admin,
    );
    expect(revoked.body.data.apiKeyRevoke.key.revokedAt).toBe(clock.now().toISOString());
    const refused = await server.gql(`{ viewer { id } }`, undefined, as(created.apiKey));
    expect(refused.body.errors![0].extensions!.code).toBe("UNAUTHENTICATED");
    const accepted = await server.gql(`{ viewer { id apiKeys { id revokedAt } } }`, undefined, as(otherKey));
    expect(accepted.body.data.viewer.id).toBe(created.account.id);
    expect(accepted.body.data.viewer.apiKeys).toHaveLength(2);
  });

  it("reports unknown accounts and keys as NOT_FOUND user errors", async () => {
    const { body } = await server.gql(
      `mutation { apiKeyCreate(input: { accountId: "acct_nope" }) { apiKey ${USER_ERRORS} } apiKeyRevoke(input: { keyId: "key_nope" }) { key { id } ${USER_ERRORS} } }`,
      undefined,
      admin,
    );
    expect(body.data.apiKeyCreate).toEqual({
      apiKey: null,
      userErrors: [{ field: ["input", "accountId"], code: "NOT_FOUND", message: "No account acct_nope" }],
    });
    expect(body.data.apiKeyRevoke.userErrors[0].code).toBe("NOT_FOUND");
  });
});

describe("grants, jobs and the ledger", () => {
  it("runs a job from reservation to completion with the documented entries", async () => {
    const { account, apiKey } = await createAccount();
    const granted = await grant(account.id, "100");
    expect(granted.transaction).toMatchObject({ type: "BONUS", amount: "100", balanceBefore: "0", balanceAfter: "100" });

    const created = await jobCreate(apiKey, { credits: "30" });
    expect(created.userErrors).toEqual([]);
    expect(created.job).toMatchObject({ status: "RESERVED", reservedCredits: "30", consumedCredits: "0", lineItems: [], product: null });
    expect(created.transaction).toMatchObject({ type: "RESERVE", amount: "-30" });
    expect(created.account).toEqual({ balance: "100", reserved: "30", available: "70" });

    const completed = await resolveJob(apiKey, "jobComplete", { jobId: created.job.id, consumedCredits: "12.5" });
    expect(completed.job).toMatchObject({ status: "COMPLETED", reservedCredits: "30", consumedCredits: "12.5" });
    expect(completed.account).toEqual({ balance: "87.5", reserved: "0", available: "87.5" });

    const { edges } = await ledger(apiKey);
    expect(edges.map((e: any) => [e.node.sequence, e.node.type, e.node.amount, e.node.balanceBefore, e.node.balanceAfter])).toEqual([
      [4, "CONSUME", "-12.5", "100", "87.5"],
      [3, "RELEASE", "30", "70", "100"],
      [2, "RESERVE", "-30", "100", "70"],
      [1, "BONUS", "100", "0", "100"],
    ]);
    expect(edges.slice(0, 3).every((e: any) => e.node.job.id === created.job.id)).toBe(true);
  });

  it("resolves a job exactly once", async () => {
    const { account, apiKey } = await createAccount();
    await grant(account.id, "50");
    const { job } = await jobCreate(apiKey, { credits: "10" });
    await resolveJob(apiKey, "jobComplete", { jobId: job.id });
    const before = await ledger(apiKey);
    for (const [mutation, input] of [
      ["jobComplete", { jobId: job.id }],
      ["jobFail", { jobId: job.id, reason: "late" }],
      ["jobCancel", { jobId: job.id }],
    ] as const) {
      const result = await resolveJob(apiKey, mutation, input);
      expect(result.job).toBeNull();
      expect(result.userErrors).toEqual([{ field: ["input", "jobId"], code: "JOB_ALREADY_RESOLVED", message: `Job ${job.id} is already completed` }]);
    }
    expect(await ledger(apiKey)).toEqual(before);
  });

  it("releases everything on failure and on cancellation", async () => {
    const { account, apiKey } = await createAccount();
    await grant(account.id, "50");
    const first = await jobCreate(apiKey, { credits: "20" });
    const failed = await resolveJob(apiKey, "jobFail", { jobId: first.job.id, reason: "upstream timeout" });
    expect(failed.job).toMatchObject({ status: "FAILED", consumedCredits: "0", failureReason: "upstream timeout" });
    const second = await jobCreate(apiKey, { credits: "20" });
    const cancelled = await resolveJob(apiKey, "jobCancel", { jobId: second.job.id });
    expect(cancelled.job.status).toBe("CANCELLED");
    expect(cancelled.account).toEqual({ balance: "50", reserved: "0", available: "50" });
  });

  it("takes consumption above the reservation from available credits, and refuses it with nothing changed when they fall short", async () => {
    const { account, apiKey } = await createAccount();
    await grant(account.id, "15");
    const { job } = await jobCreate(apiKey, { credits: "10" });
    const before = await ledger(apiKey);
    const short = await server.gql(
      `mutation ($input: JobCompleteInput!) { jobComplete(input: $input) { job { id } shortfall { provider { id } missingCredits packs { id credits } } ${USER_ERRORS} } }`,
      { input: { jobId: job.id, consumedCredits: "15.5" } },
      as(apiKey),
    );
    expect(short.body.data.jobComplete.userErrors).toEqual([
      {
        field: ["input", "consumedCredits"],
        code: "INSUFFICIENT_CREDITS",
        message: `Insufficient ugen credits: consuming 15.5 for job ${job.id} needs 5.5 more than its 10 reserved, 5 are available, 0.5 missing`,
      },
    ]);
    expect(short.body.data.jobComplete.shortfall).toMatchObject({ provider: { id: "ugen" }, missingCredits: "0.5" });
    expect(short.body.data.jobComplete.shortfall.packs[0]).toMatchObject({ id: "ugen/packs/starter" });
    expect(await ledger(apiKey)).toEqual(before);
    const over = await resolveJob(apiKey, "jobComplete", { jobId: job.id, consumedCredits: "10.000001" });
    expect(over.userErrors).toEqual([]);
    expect(over.job).toMatchObject({ status: "COMPLETED", consumedCredits: "10.000001" });
    expect(over.account).toMatchObject({ balance: "4.999999", reserved: "0", available: "4.999999" });
    expect((await ledger(apiKey)).edges.slice(0, 2).map((e: { node: { type: string; amount: string } }) => [e.node.type, e.node.amount])).toEqual([
      ["CONSUME", "-10.000001"],
      ["RELEASE", "10"],
    ]);
  });

  it("refuses a negative consumption, and changes nothing", async () => {
    const { account, apiKey } = await createAccount();
    await grant(account.id, "50");
    const { job } = await jobCreate(apiKey, { credits: "10" });
    const before = await ledger(apiKey);
    // 0 is accepted (nothing used), so a negative amount is told the rule that includes it.
    const negative = await resolveJob(apiKey, "jobComplete", { jobId: job.id, consumedCredits: "-1" });
    expect(negative.userErrors).toEqual([{ field: ["input", "consumedCredits"], code: "BAD_USER_INPUT", message: "Credits must be 0 or more; got -1" }]);
    expect(await ledger(apiKey)).toEqual(before);
  });

  it("prices a job from an estimate or a job estimate, reserves from the product's provider's wallet and keeps the line items", async () => {
    const subclip = await createAccount();
    await grant(subclip.account.id, "20", undefined, "subclip");
    const fromEstimate = await jobCreate(subclip.apiKey, {
      estimate: {
        productId: "subclip/text-to-speech",
        parameters: [
          { name: "durationSeconds", value: 60 },
          { name: "voiceClone", value: true },
        ],
      },
    });
    expect(fromEstimate.job).toMatchObject({
      reservedCredits: "10",
      product: { id: "subclip/text-to-speech" },
      lineItems: [
        { code: "speech", credits: "5" },
        { code: "voice_clone", credits: "5" },
      ],
    });
    expect(fromEstimate.account).toEqual({ balance: "20", reserved: "10", available: "10" });
    // U-Gen credits do not pay for a Subclip job: each provider's credits are their own.
    const { account, apiKey } = await createAccount();
    await grant(account.id, "1000");
    const elsewhere = await jobCreate(apiKey, { estimate: { productId: "subclip/text-to-speech", parameters: [{ name: "durationSeconds", value: 60 }] } });
    expect(elsewhere.userErrors).toEqual([
      { field: null, code: "INSUFFICIENT_CREDITS", message: "Insufficient subclip credits: the job needs 5, 0 are available, 5 missing" },
    ]);
    const fromJobEstimate = await jobCreate(apiKey, { jobEstimate: { segmentCount: 3, voiceEnabled: true } });
    expect(fromJobEstimate.job.reservedCredits).toBe("166");
    expect(fromJobEstimate.account).toEqual({ balance: "1000", reserved: "166", available: "834" });
  });

  it("refuses a job it cannot cover with INSUFFICIENT_CREDITS, saying how many are missing, and writes nothing", async () => {
    const { account, apiKey } = await createAccount();
    await grant(account.id, "100");
    await jobCreate(apiKey, { credits: "80" });
    const before = await ledger(apiKey);
    const result = await jobCreate(apiKey, { credits: "25.5" });
    expect(result).toMatchObject({ job: null, transaction: null, account: null });
    expect(result.userErrors).toEqual([
      { field: null, code: "INSUFFICIENT_CREDITS", message: "Insufficient ugen credits: the job needs 25.5, 20 are available, 5.5 missing" },
    ]);
    expect(await ledger(apiKey)).toEqual(before);
    const { body } = await server.gql(`{ viewer { jobs { nodes { id } } } }`, undefined, as(apiKey));
    expect(body.data.viewer.jobs.nodes).toHaveLength(1);
  });

  it("needs exactly one source of credits and a non-zero price", async () => {
    const { account, apiKey } = await createAccount();
    await grant(account.id, "100");
    const none = await jobCreate(apiKey, {});
    expect(none.userErrors[0]).toMatchObject({ field: ["input"], code: "BAD_USER_INPUT" });
    const two = await jobCreate(apiKey, { credits: "1", jobEstimate: { segmentCount: 1 } });
    expect(two.userErrors[0].message).toContain("got jobEstimate and credits");
    const free = await jobCreate(apiKey, { estimate: { productId: "samsar/cancel-render" } });
    expect(free.userErrors[0]).toMatchObject({ field: ["input", "estimate"], code: "BAD_USER_INPUT" });
    const badEstimate = await jobCreate(apiKey, { estimate: { productId: "subclip/text-to-speech", parameters: [{ name: "durationSeconds", value: -1 }] } });
    expect(badEstimate.userErrors[0]).toMatchObject({ field: ["input", "estimate", "parameters", "durationSeconds"], code: "BAD_USER_INPUT" });
    const badJob = await jobCreate(apiKey, { jobEstimate: { segmentCount: 0 } });
    expect(badJob.userErrors[0]).toMatchObject({ field: ["input", "jobEstimate", "segmentCount"], code: "BAD_USER_INPUT" });
    expect((await ledger(apiKey)).edges).toHaveLength(1);
  });

  it("expires reservations older than the TTL and releases them", async () => {
    const { account, apiKey } = await createAccount();
    await grant(account.id, "40");
    const { job } = await jobCreate(apiKey, { credits: "15" });
    await server.app.services.jobs.expireDue();
    clock.advance(3600_000 - 1);
    expect(await server.app.services.jobs.expireDue()).toBe(0);
    clock.advance(1);
    // Reservations left open by earlier tests in this file expire at the same moment.
    expect(await server.app.services.jobs.expireDue()).toBeGreaterThanOrEqual(1);
    const { body } = await server.gql(`{ viewer { available reserved jobs(status: EXPIRED) { nodes { id status failureReason } } } }`, undefined, as(apiKey));
    expect(body.data.viewer).toEqual({
      available: "40",
      reserved: "0",
      jobs: { nodes: [{ id: job.id, status: "EXPIRED", failureReason: "reservation expired" }] },
    });
    const late = await resolveJob(apiKey, "jobComplete", { jobId: job.id });
    expect(late.userErrors[0].code).toBe("JOB_ALREADY_RESOLVED");
  });
});

describe("idempotency", () => {
  it("returns the first result for a retried jobCreate, and refuses the key for other input", async () => {
    const { account, apiKey } = await createAccount();
    await grant(account.id, "100");
    const first = await jobCreate(apiKey, { credits: "10", idempotencyKey: "order-42" });
    const retry = await jobCreate(apiKey, { credits: "10", idempotencyKey: "order-42" });
    expect(retry.job.id).toBe(first.job.id);
    expect(retry.transaction.id).toBe(first.transaction.id);
    expect(retry.account.reserved).toBe("10");
    const reserve = (await ledger(apiKey, "first: 1, type: RESERVE")).edges[0].node;
    expect([reserve.id, reserve.idempotencyKey]).toEqual([first.transaction.id, "order-42"]);
    const reused = await jobCreate(apiKey, { credits: "11", idempotencyKey: "order-42" });
    expect(reused.userErrors).toEqual([
      { field: ["input", "idempotencyKey"], code: "IDEMPOTENCY_KEY_REUSED", message: 'Idempotency key "order-42" was already used for a different request' },
    ]);
    expect((await ledger(apiKey)).edges).toHaveLength(2);
  });

  it("scopes keys to the account", async () => {
    const a = await createAccount();
    const b = await createAccount();
    await grant(a.account.id, "10");
    await grant(b.account.id, "10");
    const jobA = await jobCreate(a.apiKey, { credits: "5", idempotencyKey: "same" });
    const jobB = await jobCreate(b.apiKey, { credits: "5", idempotencyKey: "same" });
    expect(jobB.job.id).not.toBe(jobA.job.id);
  });

  it("makes creditsGrant retries safe", async () => {
    const { account } = await createAccount();
    const first = await grant(account.id, "7", "grant-1");
    const again = await grant(account.id, "7", "grant-1");
    expect(again.transaction.id).toBe(first.transaction.id);
    expect(again.account.balance).toBe("7");
    const other = await grant(account.id, "8", "grant-1");
    expect(other.userErrors[0].code).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  it("refuses keys longer than 255 characters", async () => {
    const { account, apiKey } = await createAccount();
    await grant(account.id, "10");
    const result = await jobCreate(apiKey, { credits: "1", idempotencyKey: "k".repeat(256) });
    expect(result.userErrors[0]).toMatchObject({ field: ["input", "idempotencyKey"], code: "BAD_USER_INPUT" });
  });
});

describe("refunds", () => {
  it("gives back consumed credits, never more than was consumed", async () => {
    const { account, apiKey } = await createAccount();
    await grant(account.id, "100");
    const { job } = await jobCreate(apiKey, { credits: "40" });
    await resolveJob(apiKey, "jobComplete", { jobId: job.id, consumedCredits: "30" });
    const consume = (await ledger(apiKey, "first: 1, type: CONSUME")).edges[0].node;

    const refund = (credits: string | null, extra = "") =>
      server.gql(
        `mutation ($input: TransactionRefundInput!) { transactionRefund(input: $input) { transaction { type amount refundOf { id } job { id } } ${ACCOUNT} ${USER_ERRORS} } }`,
        { input: { transactionId: extra || consume.id, credits, reason: "render glitch" } },
        admin,
      );
    const partial = (await refund("10")).body.data.transactionRefund;
    expect(partial.transaction).toEqual({ type: "REFUND", amount: "10", refundOf: { id: consume.id }, job: { id: job.id } });
    expect(partial.account.balance).toBe("80");
    const tooMuch = (await refund("20.5")).body.data.transactionRefund;
    expect(tooMuch.userErrors[0]).toMatchObject({ code: "BAD_USER_INPUT", message: `At most 20 credits of ${consume.id} can still be refunded` });
    const rest = (await refund(null)).body.data.transactionRefund;
    expect(rest.transaction.amount).toBe("20");
    const none = (await refund("1")).body.data.transactionRefund;
    expect(none.userErrors[0].message).toBe(`Transaction ${consume.id} is already fully refunded`);
    const bonus = (await ledger(apiKey, "first: 1, type: BONUS")).edges[0].node;
    const wrongType = (await refund("1", bonus.id)).body.data.transactionRefund;
    expect(wrongType.userErrors[0].message).toContain("Only CONSUME transactions can be refunded");
    expect(await server.audit()).toEqual([]);
  });
});

describe("connections", () => {
  it("pages newest first with opaque cursors, and filters by type and job", async () => {
    const { account, apiKey } = await createAccount();
    for (let i = 1; i <= 5; i++) await grant(account.id, String(i));
    const { job } = await jobCreate(apiKey, { credits: "2" });
    const page1 = await ledger(apiKey, "first: 4");
    expect(page1.edges.map((e: any) => e.node.sequence)).toEqual([6, 5, 4, 3]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await ledger(apiKey, `first: 4, after: "${page1.pageInfo.endCursor}"`);
    expect(page2.edges.map((e: any) => e.node.sequence)).toEqual([2, 1]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    expect((await ledger(apiKey, "type: RESERVE")).edges.map((e: any) => e.node.amount)).toEqual(["-2"]);
    expect((await ledger(apiKey, `jobId: "${job.id}"`)).edges).toHaveLength(1);
  });

  it("caps first at 100 and refuses foreign cursors", async () => {
    const { apiKey } = await createAccount();
    for (const args of ["first: 101", "first: -1", 'after: "bm9wZQ"']) {
      const { body } = await server.gql(`{ viewer { transactions(${args}) { edges { cursor } } } }`, undefined, as(apiKey));
      expect(body.errors![0].extensions!.code, args).toBe("BAD_USER_INPUT");
    }
  });
});

describe("isolation", () => {
  it("lets a key see and change only its own account; not yours looks like not found", async () => {
    const owner = await createAccount("Owner");
    const other = await createAccount("Other");
    await grant(owner.account.id, "50");
    await grant(other.account.id, "50");
    const { job, transaction } = await jobCreate(owner.apiKey, { credits: "10" });

    for (const mutation of ["jobComplete", "jobFail", "jobCancel"] as const) {
      const foreign = await resolveJob(other.apiKey, mutation, { jobId: job.id });
      const missing = await resolveJob(other.apiKey, mutation, { jobId: "job_000000000000000000000000" });
      expect(foreign.userErrors[0].code).toBe("NOT_FOUND");
      expect(foreign.userErrors[0].message.replace(job.id, "ID")).toBe(missing.userErrors[0].message.replace("job_000000000000000000000000", "ID"));
    }
    for (const id of [job.id, transaction.id, owner.account.id, owner.key.id]) {
      const seen = await server.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id }, as(other.apiKey));
      expect(seen.body.data.node, id).toBeNull();
      const own = await server.gql(`query ($id: ID!) { node(id: $id) { id } }`, { id }, as(owner.apiKey));
      expect(own.body.data.node, id).toEqual({ id });
    }
    expect((await ledger(other.apiKey, `jobId: "${job.id}"`)).edges).toEqual([]);
    const adminView = await server.gql(`query ($id: ID!) { account(id: $id) { available } }`, { id: owner.account.id }, admin);
    expect(adminView.body.data.account.available).toBe("40");
    const customerView = await server.gql(`query ($id: ID!) { account(id: $id) { id } }`, { id: owner.account.id }, as(other.apiKey));
    expect(customerView.body.errors![0].extensions!.code).toBe("FORBIDDEN");
    const stillReserved = await server.gql(`{ viewer { reserved } }`, undefined, as(owner.apiKey));
    expect(stillReserved.body.data.viewer.reserved).toBe("10");
  });
});

describe("bad amounts", () => {
  it.each([
    ["0", "BAD_USER_INPUT", /greater than 0/],
    ["-5", "BAD_USER_INPUT", /greater than 0/],
    ["1.0000001", "BAD_USER_INPUT", /6 decimal places/],
    ["1000000001", "BAD_USER_INPUT", /at most 1000000000/],
  ])("refuses credits %s with a user error and no entry", async (credits, code, message) => {
    const { account, apiKey } = await createAccount();
    await grant(account.id, "10");
    const result = await jobCreate(apiKey, { credits });
    expect(result.userErrors[0]).toMatchObject({ field: ["input", "credits"], code });
    expect(result.userErrors[0].message).toMatch(message);
    const grantResult = await grant(account.id, credits);
    expect(grantResult.userErrors[0].code).toBe(code);
    expect((await ledger(apiKey)).edges).toHaveLength(1);
  });

  it.each([["abc"], ["1e5"], ["NaN"], ["Infinity"], [1.5], [true]])("refuses a Decimal of %j at validation (400)", async (credits) => {
    const { account } = await createAccount();
    const { status, body } = await server.gql(
      `mutation ($input: CreditsGrantInput!) { creditsGrant(input: $input) { ${USER_ERRORS} } }`,
      { input: { accountId: account.id, credits, reason: "x" } },
      admin,
    );
    expect(status).toBe(400);
    expect(body.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
  });

  it("refuses a Float literal for a Decimal", async () => {
    const { account } = await createAccount();
    const { status } = await server.gql(
      `mutation { creditsGrant(input: { accountId: "${account.id}", provider: "ugen", credits: 1.5, reason: "x" }) { ${USER_ERRORS} } }`,
      undefined,
      admin,
    );
    expect(status).toBe(400);
  });
});

describe("the ledger table", () => {
  it("cannot be updated, deleted from or truncated, even with SQL", async () => {
    const entry = (await rawRow<{ id: string }>(server.store, "select id from ledger_entries limit 1"))!;
    await expect(rawRun(server.store, "update ledger_entries set amount_micros = 1 where id = ?", entry.id)).rejects.toThrow(/append-only/);
    await expect(rawRun(server.store, "delete from ledger_entries where id = ?", entry.id)).rejects.toThrow(/append-only/);
    if (STORE_KIND === "postgres") await expect(rawRun(server.store, "truncate ledger_entries cascade")).rejects.toThrow(/append-only/);
    expect(await rawRow(server.store, "select id from ledger_entries where id = ?", entry.id)).toEqual(entry);
  });

  it("refuses an overdraft at the database, even written around the services", async () => {
    const wallet = (await rawRow<{ account_id: string; provider_id: string }>(
      server.store,
      "select account_id, provider_id from wallets where balance_micros > 0 limit 1",
    ))!;
    const overdraw = rawRun(
      server.store,
      "update wallets set reserved_micros = balance_micros + 1 where account_id = ? and provider_id = ?",
      wallet.account_id,
      wallet.provider_id,
    );
    await expect(overdraw).rejects.toThrow(/wallets_available_non_negative|CHECK constraint failed/);
  });

  it("holds every invariant after all of the above", async () => {
    expect(await server.audit()).toEqual([]);
  });
});
