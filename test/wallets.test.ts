/**
 * Wallets and grants through the GraphQL API on a real server, for TEST accounts on a test clock the
 * test moves with testClockAdvance: credits per provider, the spending order, expiry (with credits a
 * running job holds), refunds to expired grants, over-consumption, shortfalls, and clawbacks of
 * purchases refunded or disputed at the sandbox provider.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_SIGNATURE_HEADER, signSandboxPayload } from "../src/billing/sandbox-provider.js";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, TEST_SANDBOX_SECRET, until, type TestAccount, type TestServer } from "./helpers.js";

const admin = { "x-api-key": TEST_ADMIN_KEY };
const HOUR = 3600;
let server: TestServer;
/** The test clock every account of this file lives on. */
let clockId: string;
beforeAll(async () => {
  server = await startTestServer();
  const created = await server.gql(`mutation { testClockCreate(input: { name: "wallets" }) { testClock { id } userErrors { code } } }`, undefined, admin);
  clockId = created.body.data.testClockCreate.testClock.id;
});
afterAll(() => server.close());

async function gql(key: Record<string, string>, query: string, variables?: Record<string, unknown>) {
  const { body } = await server.gql(query, variables, key);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

const advance = (input: { days?: number; seconds?: number }) =>
  gql(
    admin,
    `mutation ($input: TestClockAdvanceInput!) { testClockAdvance(input: $input) { testClock { frozenTime } expiredGrants renewedPeriods expiredJobs userErrors { code } } }`,
    {
      input: { testClockId: clockId, ...input },
    },
  ).then(({ testClockAdvance: { testClock, ...counts } }) => ({ now: testClock.frozenTime, ...counts }));

/** A TEST account on this file's clock. */
const onClock = (name: string, credits?: string, provider?: string) => createTestAccount(server, name, credits, provider, { testClockId: clockId });

async function grant(accountId: string, provider: string, credits: string, terms: { expiresAt?: string; priority?: number } = {}) {
  const data = await gql(
    admin,
    `mutation ($input: CreditsGrantInput!) { creditsGrant(input: $input) { grant { id kind status amount expiresAt priority costBasis { amount } } userErrors { field code message } } }`,
    { input: { accountId, provider, credits, reason: "test", ...terms } },
  );
  expect(data.creditsGrant.userErrors).toEqual([]);
  return data.creditsGrant.grant;
}

const JOB = `job { id status reservedCredits consumedCredits provider { id } } transaction { type amount grants { grant { id } credits } } shortfall { provider { id } missingCredits packs { id credits } } userErrors { field code message }`;
const jobCreate = (account: TestAccount, input: Record<string, unknown>) =>
  gql(account.key, `mutation ($input: JobCreateInput!) { jobCreate(input: $input) { ${JOB} } }`, { input }).then((d) => d.jobCreate);
const jobComplete = (account: TestAccount, jobId: string, consumedCredits?: string) =>
  gql(
    account.key,
    `mutation ($input: JobCompleteInput!) { jobComplete(input: $input) { job { status consumedCredits } shortfall { missingCredits } userErrors { field code message } } }`,
    {
      input: { jobId, consumedCredits },
    },
  ).then((d) => d.jobComplete);

const wallet = (account: TestAccount, provider: string) =>
  gql(
    account.key,
    `query ($p: ID!) { viewer { wallet(provider: $p) { balance reserved available owed grants { nodes { id kind status amount remaining held } } } } }`,
    { p: provider },
  ).then((d) => d.viewer.wallet);
const entries = (account: TestAccount, provider: string) =>
  gql(
    account.key,
    `query ($p: ID!) { viewer { transactions(provider: $p, first: 100) { nodes { type amount balanceBefore balanceAfter provider { id } } } } }`,
    { p: provider },
  ).then((d) => d.viewer.transactions.nodes.map((n: { type: string; amount: string }) => `${n.type} ${n.amount}`).reverse());

/** Buys a pack through the sandbox's payment page, as a person would; resolves once its credits are in. */
async function buyPack(account: TestAccount, packId: string): Promise<string> {
  const data = await gql(
    account.key,
    `mutation ($p: ID!) { checkoutSessionCreate(input: { packId: $p }) { checkoutSession { id url } userErrors { code } } }`,
    { p: packId },
  );
  const { id, url } = data.checkoutSessionCreate.checkoutSession;
  const paid = await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "action=pay", redirect: "manual" });
  expect(paid.status).toBe(303);
  await until(
    () => gql(account.key, `query ($id: ID!) { node(id: $id) { ... on CheckoutSession { status } } }`, { id }),
    (d) => d.node.status === "COMPLETED",
  );
  return id;
}

describe("the README's worked example", () => {
  it("keeps U-Gen and Creatify credits apart; a month later the Creatify period's credits expire and the U-Gen ones stay", async () => {
    const buyer = await onClock("Worked example");
    await buyPack(buyer, "ugen/packs/creator");
    await gql(buyer.key, `mutation { paymentMethodAttach(input: { token: "tok_visa", makeDefault: true }) { userErrors { code } } }`);
    const subscribed = await gql(
      buyer.key,
      `mutation { subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) { subscription { id } userErrors { code } } }`,
    );
    expect(subscribed.subscriptionCreate.userErrors).toEqual([]);
    const both = () => gql(buyer.key, `{ viewer { wallets { provider { id } balance reserved available } } }`).then((d) => d.viewer.wallets);
    expect(await until(both, (w) => w.length === 2)).toEqual([
      { provider: { id: "creatify" }, balance: "500", reserved: "0", available: "500" },
      { provider: { id: "ugen" }, balance: "1000", reserved: "0", available: "1000" },
    ]);

    // A job spends its product's provider's credits, never another's.
    const video = await jobCreate(buyer, { jobEstimate: { segmentCount: 3 } });
    expect(video.job).toMatchObject({ provider: { id: "ugen" }, reservedCredits: "160" });
    const shorts = await jobCreate(buyer, { estimate: { productId: "creatify/ai-shorts", parameters: [{ name: "durationSeconds", value: 60 }] } });
    expect(shorts.job).toMatchObject({ provider: { id: "creatify" }, reservedCredits: "10" });
    await jobComplete(buyer, video.job.id);
    await jobComplete(buyer, shorts.job.id);

    // Cancelled, so that the month's end shows the expiry alone (a renewal is the next test).
    await gql(buyer.key, `mutation ($id: ID!) { subscriptionCancel(input: { subscriptionId: $id }) { userErrors { code } } }`, {
      id: subscribed.subscriptionCreate.subscription.id,
    });
    const moved = await advance({ days: 31 });
    expect(moved).toMatchObject({ expiredGrants: 1, renewedPeriods: 0, userErrors: [] });
    expect(await both()).toEqual([
      { provider: { id: "creatify" }, balance: "0", reserved: "0", available: "0" },
      { provider: { id: "ugen" }, balance: "840", reserved: "0", available: "840" },
    ]);
    expect(await entries(buyer, "creatify")).toEqual(["PURCHASE 500", "RESERVE -10", "RELEASE 10", "CONSUME -10", "EXPIRE -490"]);
    expect((await wallet(buyer, "creatify")).grants.nodes).toMatchObject([{ kind: "SUBSCRIPTION", status: "EXPIRED", amount: "500", remaining: "0" }]);
    expect((await wallet(buyer, "ugen")).grants.nodes).toMatchObject([{ kind: "PAID", status: "ACTIVE", amount: "1000", remaining: "840" }]);
    expect(await server.audit()).toEqual([]);
  });

  it("renews a subscription on the moved clock: the old period's rest expires, the new period's credits arrive", async () => {
    const subscriber = await onClock("Renewing");
    await gql(subscriber.key, `mutation { paymentMethodAttach(input: { token: "tok_visa", makeDefault: true }) { userErrors { code } } }`);
    await gql(subscriber.key, `mutation { subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) { userErrors { code } } }`);
    await until(
      () => wallet(subscriber, "creatify"),
      (w) => w?.balance === "500",
    );
    const moved = await advance({ days: 32 });
    expect(moved.renewedPeriods).toBeGreaterThanOrEqual(1);
    const after = await wallet(subscriber, "creatify");
    expect(after.balance).toBe("500");
    expect(after.grants.nodes.map((g: { status: string }) => g.status)).toEqual(["ACTIVE", "EXPIRED"]);
    expect(await server.audit()).toEqual([]);
  });
});

describe("credits per provider", () => {
  it("says in the catalog how long credits last: packs forever, Creatify's plan credits to the period's end (assumed)", async () => {
    const data = await gql(
      {},
      `{ creditPacks(provider: "ugen") { creditsExpireAfterDays } subscriptionPlans(provider: "creatify") { id creditsExpireAtPeriodEnd creditsExpiry { source note } contactSales } }`,
    );
    expect(new Set(data.creditPacks.map((p: { creditsExpireAfterDays: number | null }) => p.creditsExpireAfterDays))).toEqual(new Set([null]));
    const starter = data.subscriptionPlans.find((p: { id: string }) => p.id === "creatify/plans/api-starter");
    expect(starter).toMatchObject({
      creditsExpireAtPeriodEnd: true,
      creditsExpiry: { source: "ASSUMED", note: expect.stringContaining("Not stated on the pricing page") },
    });
  });

  it("answers balance without a provider only for an account holding one provider's credits", async () => {
    const account = await onClock("Two wallets", "30", "ugen");
    expect(await gql(account.key, `{ viewer { balance available reserved } }`)).toEqual({ viewer: { balance: "30", available: "30", reserved: "0" } });
    await grant(account.accountId, "hoox", "7");
    // The contract's own example: the figures without a provider fail where they stand, never the viewer.
    const { body } = await server.gql(`{ viewer { id balance available wallets { id balance } } }`, undefined, account.key);
    expect(body.data.viewer).toEqual({
      id: account.accountId,
      balance: null,
      available: null,
      wallets: [
        { id: `wallet_${account.accountId.slice(5)}_hoox`, balance: "7" },
        { id: `wallet_${account.accountId.slice(5)}_ugen`, balance: "30" },
      ],
    });
    expect(body.errors!.map((e) => e.path)).toEqual([
      ["viewer", "balance"],
      ["viewer", "available"],
    ]);
    expect(body.errors![0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: ["provider"] } });
    expect(body.errors![0].message).toContain("several providers (hoox, ugen)");
    // A wallet is a Node: its account fetches it again by id; no other account does.
    const walletId = body.data.viewer.wallets[1].id;
    expect(await gql(account.key, `query ($id: ID!) { node(id: $id) { ... on Wallet { id balance provider { id } } } }`, { id: walletId })).toEqual({
      node: { id: walletId, balance: "30", provider: { id: "ugen" } },
    });
    // Connections beyond the contract's fail where they stand too, on a bad argument.
    const bad = await server.gql(
      `{ viewer { id events(after: "nope") { nodes { id } } checkoutSessions(first: 1000) { nodes { id } } wallet(provider: "ugen") { id grants(after: "x") { nodes { id } } } } }`,
      undefined,
      account.key,
    );
    expect(bad.body.data.viewer).toEqual({ id: account.accountId, events: null, checkoutSessions: null, wallet: { id: walletId, grants: null } });
    expect(bad.body.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([
      [["viewer", "events"], "BAD_USER_INPUT"],
      [["viewer", "checkoutSessions"], "BAD_USER_INPUT"],
      [["viewer", "wallet", "grants"], "BAD_USER_INPUT"],
    ]);
    const stranger = await onClock("Stranger", "1", "ugen");
    expect(await gql(stranger.key, `query ($id: ID!) { node(id: $id) { id } }`, { id: walletId })).toEqual({ node: null });
    expect(
      await gql(
        account.key,
        `{ viewer { ugen: balance(provider: "ugen") hoox: available(provider: "hoox") none: balance(provider: "samsar") missing: wallet(provider: "samsar") { balance } } }`,
      ),
    ).toEqual({
      viewer: { ugen: "30", hoox: "7", none: "0", missing: null },
    });
  });

  it("needs the provider of bare credits when the account holds several, and refuses an unknown one", async () => {
    const account = await onClock("Bare credits", "30", "ugen");
    await grant(account.accountId, "subclip", "5");
    expect((await jobCreate(account, { credits: "1" })).userErrors).toEqual([
      {
        field: ["input", "provider"],
        code: "BAD_USER_INPUT",
        message: "The account holds credits of several providers (subclip, ugen): name one with provider",
      },
    ]);
    expect((await jobCreate(account, { credits: "1", provider: "acme" })).userErrors).toMatchObject([{ field: ["input", "provider"], code: "NOT_FOUND" }]);
    expect((await jobCreate(account, { jobEstimate: { segmentCount: 1 }, provider: "subclip" })).userErrors).toMatchObject([
      { field: ["input", "provider"], code: "BAD_USER_INPUT" },
    ]);
    const job = await jobCreate(account, { credits: "5", provider: "subclip" });
    expect(job.job).toMatchObject({ provider: { id: "subclip" }, reservedCredits: "5" });
    const noWallet = await onClock("No credits");
    const granted = await server.gql(
      `mutation ($id: ID!) { creditsGrant(input: { accountId: $id, credits: "1", reason: "x" }) { userErrors { field code } } }`,
      { id: noWallet.accountId },
      admin,
    );
    expect(granted.body.data.creditsGrant.userErrors).toEqual([{ field: ["input", "provider"], code: "BAD_USER_INPUT" }]);
  });

  it("says how many credits are missing and which of the provider's packs would cover them, smallest first", async () => {
    const account = await onClock("Short", "100", "ugen");
    const refused = await jobCreate(account, { credits: "400", provider: "ugen" });
    expect(refused.userErrors).toEqual([
      { field: null, code: "INSUFFICIENT_CREDITS", message: "Insufficient ugen credits: the job needs 400, 100 are available, 300 missing" },
    ]);
    const { packs } = await gql({}, `{ creditPacks(provider: "ugen") { id credits } }`).then((d) => ({ packs: d.creditPacks }));
    const covering = packs
      .filter((p: { credits: string }) => Number(p.credits) >= 300)
      .sort((a: { credits: string }, b: { credits: string }) => Number(a.credits) - Number(b.credits));
    expect(covering.length).toBeGreaterThan(0);
    expect(refused.shortfall).toEqual({ provider: { id: "ugen" }, missingCredits: "300", packs: covering });
    expect(await entries(account, "ugen")).toEqual(["BONUS 100"]);
  });
});

describe("grants", () => {
  it("spends by priority, then soonest expiry (never last), then promotional before paid, then oldest", async () => {
    const account = await onClock("Order");
    const now = new Date((await advance({ seconds: 1 })).now).getTime();
    const soon = new Date(now + 40 * 86_400_000).toISOString();
    const later = new Date(now + 80 * 86_400_000).toISOString();
    const never = await grant(account.accountId, "ugen", "10");
    const laterGrant = await grant(account.accountId, "ugen", "10", { expiresAt: later });
    const soonGrant = await grant(account.accountId, "ugen", "10", { expiresAt: soon });
    const urgent = await grant(account.accountId, "ugen", "10", { priority: 5 });
    expect(urgent).toMatchObject({ kind: "PROMOTIONAL", status: "ACTIVE", priority: 5, expiresAt: null, costBasis: { amount: "0" } });
    const job = await jobCreate(account, { credits: "35" });
    expect(job.transaction.grants).toEqual([
      { grant: { id: urgent.id }, credits: "10" },
      { grant: { id: soonGrant.id }, credits: "10" },
      { grant: { id: laterGrant.id }, credits: "10" },
      { grant: { id: never.id }, credits: "5" },
    ]);
    const held = await wallet(account, "ugen");
    expect(held).toMatchObject({ balance: "40", reserved: "35", available: "5" });
    expect(held.grants.nodes.find((g: { id: string }) => g.id === never.id)).toMatchObject({ remaining: "10", held: "5" });
  });

  it("refuses grant terms that cannot hold", async () => {
    const account = await onClock("Terms");
    const bad = (input: Record<string, unknown>) =>
      server
        .gql(
          `mutation ($input: CreditsGrantInput!) { creditsGrant(input: $input) { grant { id } userErrors { field code } } }`,
          { input: { accountId: account.accountId, provider: "ugen", credits: "1", reason: "x", ...input } },
          admin,
        )
        .then((r) => r.body.data.creditsGrant);
    expect(await bad({ expiresAt: "2000-01-01T00:00:00Z" })).toEqual({ grant: null, userErrors: [{ field: ["input", "expiresAt"], code: "BAD_USER_INPUT" }] });
    expect(await bad({ priority: 2_000_000 })).toEqual({ grant: null, userErrors: [{ field: ["input", "priority"], code: "BAD_USER_INPUT" }] });
    expect(await bad({ provider: "acme" })).toEqual({ grant: null, userErrors: [{ field: ["input", "provider"], code: "NOT_FOUND" }] });
    expect(await entries(account, "ugen")).toEqual([]);
  });

  it("keeps credits a running job holds past their grant's expiry; what it releases afterwards expires then", async () => {
    const account = await onClock("Held past expiry");
    const now = new Date((await advance({ seconds: 1 })).now).getTime();
    await grant(account.accountId, "ugen", "50", { expiresAt: new Date(now + HOUR * 1000).toISOString() });
    const job = await jobCreate(account, { credits: "40" });
    const moved = await advance({ seconds: 2 * HOUR });
    expect(moved.expiredGrants).toBeGreaterThanOrEqual(1);
    expect(await wallet(account, "ugen")).toMatchObject({
      balance: "40",
      reserved: "40",
      available: "0",
      grants: { nodes: [{ status: "EXPIRED", remaining: "40", held: "40" }] },
    });
    expect((await jobComplete(account, job.job.id, "25")).job).toEqual({ status: "COMPLETED", consumedCredits: "25" });
    expect(await entries(account, "ugen")).toEqual(["BONUS 50", "RESERVE -40", "EXPIRE -10", "RELEASE 40", "CONSUME -25", "EXPIRE -15"]);
    expect(await wallet(account, "ugen")).toMatchObject({ balance: "0", reserved: "0", available: "0" });
    expect(await server.audit()).toEqual([]);
  });

  it("returns a refund to the grants the consumption came from; to an expired grant, it expires at once", async () => {
    const account = await onClock("Refund after expiry");
    const now = new Date((await advance({ seconds: 1 })).now).getTime();
    await grant(account.accountId, "ugen", "20", { expiresAt: new Date(now + HOUR * 1000).toISOString() });
    const kept = await grant(account.accountId, "ugen", "20");
    const job = await jobCreate(account, { credits: "30" });
    await jobComplete(account, job.job.id);
    const consume = (await gql(account.key, `{ viewer { transactions(type: CONSUME) { nodes { id grants { credits } } } } }`)).viewer.transactions.nodes[0];
    expect(consume.grants.map((g: { credits: string }) => g.credits)).toEqual(["20", "10"]);
    await advance({ seconds: 2 * HOUR });
    const refund = (credits: string) =>
      gql(
        admin,
        `mutation ($input: TransactionRefundInput!) { transactionRefund(input: $input) { transaction { type amount grants { grant { id status } credits } } userErrors { code } } }`,
        {
          input: { transactionId: consume.id, credits, reason: "bad render" },
        },
      ).then((d) => d.transactionRefund);
    // In the spending order: the expired grant (soonest expiry) first; its share leaves at once.
    const first = await refund("25");
    expect(first.transaction.grants).toEqual([
      { grant: { id: expect.any(String), status: "EXPIRED" }, credits: "20" },
      { grant: { id: kept.id, status: "ACTIVE" }, credits: "5" },
    ]);
    expect(await entries(account, "ugen")).toEqual(["BONUS 20", "BONUS 20", "RESERVE -30", "RELEASE 30", "CONSUME -30", "REFUND 25", "EXPIRE -20"]);
    expect(await wallet(account, "ugen")).toMatchObject({ balance: "15", available: "15" });
    expect(await server.audit()).toEqual([]);
  });

  it("takes consumption above the reservation from available credits", async () => {
    const account = await onClock("Over", "12", "ugen");
    const job = await jobCreate(account, { credits: "10" });
    expect(await jobComplete(account, job.job.id, "12.5")).toMatchObject({
      job: null,
      shortfall: { missingCredits: "0.5" },
      userErrors: [{ code: "INSUFFICIENT_CREDITS" }],
    });
    expect(await jobComplete(account, job.job.id, "11")).toMatchObject({ job: { status: "COMPLETED", consumedCredits: "11" }, userErrors: [] });
    expect(await wallet(account, "ugen")).toMatchObject({ balance: "1", reserved: "0", available: "1" });
  });
});

describe("clawbacks", () => {
  /** The session's sandbox page, secret included. */
  const pageUrl = async (sessionId: string): Promise<string> =>
    (await gql(admin, `query ($id: ID!) { node(id: $id) { ... on CheckoutSession { url } } }`, { id: sessionId })).node.url;
  /** Refund and dispute are the provider dashboard's: the page's secret and the admin key. */
  const sandboxAction = async (sessionId: string, body: string) =>
    fetch(await pageUrl(sessionId), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...admin }, body });

  it("claws back a refunded share of a pack, then the rest when disputed: what was used beyond what is paid for is owed, and repaid from the next credits", async () => {
    const buyer = await onClock("Refunded buyer");
    const sessionId = await buyPack(buyer, "ugen/packs/creator"); // 1000 credits for 45 USD
    const job = await jobCreate(buyer, { credits: "300" });
    await jobComplete(buyer, job.job.id);

    // 22.50 of 45 USD refunded: 500 credits claimed. 300 were used, so 200 of the 700 left may be kept.
    expect((await sandboxAction(sessionId, "action=refund&amount=22.5")).status).toBe(200);
    expect(await wallet(buyer, "ugen")).toMatchObject({ balance: "200", owed: "0", grants: { nodes: [{ status: "ACTIVE", remaining: "200" }] } });
    expect(await (await fetch(await pageUrl(sessionId))).text()).toContain("Refunded so far: 22.5 of 45 USD.");
    // The same refund told again (a refund event carries the total so far) takes nothing more.
    expect((await sandboxAction(sessionId, "action=refund&amount=22.5")).status).toBe(200);
    expect(await wallet(buyer, "ugen")).toMatchObject({ balance: "200", owed: "0" });

    // Disputed: all 1000 claimed. The 200 left go, and the 300 used were never paid for: owed.
    expect((await sandboxAction(sessionId, "action=dispute")).status).toBe(200);
    expect(await wallet(buyer, "ugen")).toMatchObject({ balance: "0", owed: "300", grants: { nodes: [{ status: "CLAWED_BACK", remaining: "0" }] } });
    const disputedPage = await (await fetch(await pageUrl(sessionId))).text();
    expect(disputedPage).toContain('data-reversal="DISPUTED"');
    expect(disputedPage).not.toContain('value="refund"');
    expect((await jobCreate(buyer, { credits: "1" })).userErrors).toMatchObject([{ code: "INSUFFICIENT_CREDITS" }]);

    // The next credits added repay what is owed first.
    await grant(buyer.accountId, "ugen", "250");
    expect(await wallet(buyer, "ugen")).toMatchObject({ balance: "0", owed: "50" });
    await grant(buyer.accountId, "ugen", "100");
    expect(await wallet(buyer, "ugen")).toMatchObject({ balance: "50", owed: "0" });
    expect(await entries(buyer, "ugen")).toEqual([
      "PURCHASE 1000",
      "RESERVE -300",
      "RELEASE 300",
      "CONSUME -300",
      "CLAWBACK -500",
      "CLAWBACK -200",
      "BONUS 250",
      "REPAY -250",
      "BONUS 100",
      "REPAY -50",
    ]);
    expect(await server.audit()).toEqual([]);
  });

  it("applies a refund told before the payment's success once the credits are added", async () => {
    const buyer = await onClock("Early refund");
    const data = await gql(buyer.key, `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/creator" }) { checkoutSession { id url } } }`);
    const { id, url } = data.checkoutSessionCreate.checkoutSession;
    // Events arrive in any order: the refund (all 45 USD) comes first, signed as the sandbox signs.
    const created = Math.floor(server.app.services.clock.now().getTime() / 1000);
    const payload = JSON.stringify({ id: "evt_early_refund", type: "checkout.refunded", created, data: { session_id: id, amount: "45", currency: "USD" } });
    const early = await fetch(`${server.url}/webhooks/sandbox`, {
      method: "POST",
      headers: { "content-type": "application/json", [SANDBOX_SIGNATURE_HEADER]: signSandboxPayload(TEST_SANDBOX_SECRET, payload, created) },
      body: payload,
    });
    expect(((await early.json()) as { outcome: string }).outcome).toContain("the reversal is recorded");
    expect(
      (await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "action=pay", redirect: "manual" })).status,
    ).toBe(303);
    await until(
      () => entries(buyer, "ugen"),
      (e) => e.length === 2,
    );
    expect(await entries(buyer, "ugen")).toEqual(["PURCHASE 1000", "CLAWBACK -1000"]);
    expect(await wallet(buyer, "ugen")).toMatchObject({ balance: "0", owed: "0", grants: { nodes: [{ status: "CLAWED_BACK" }] } });
  });

  it("refuses to refund a session that is not paid, and a refund above its price", async () => {
    const buyer = await onClock("Not paid");
    const data = await gql(buyer.key, `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/creator" }) { checkoutSession { id } } }`);
    const id = data.checkoutSessionCreate.checkoutSession.id;
    expect((await sandboxAction(id, "action=refund&amount=1")).status).toBe(409);
    const paid = await buyPack(buyer, "ugen/packs/creator");
    expect((await sandboxAction(paid, "action=refund&amount=46")).status).toBe(400);
    expect((await sandboxAction(paid, "action=refund&amount=-1")).status).toBe(400);
    expect((await wallet(buyer, "ugen")).balance).toBe("1000");
  });
});
