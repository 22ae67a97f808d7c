/**
 * Every GraphQL example in README.md works when pasted as it is: each ```graphql block is one
 * document with one operation, sent in README order to a real server with the key of the account
 * the last accountCreate example made, as the reader would use it (the admin key for admin
 * mutations), and answered without errors or userErrors: an example that needs credits works only
 * when the README gave them before it. The README's placeholders (`"job_…"`, `"cs_…"`,
 * `"clock_…"`) are the ids its earlier examples returned, which the reader pastes in: the test does
 * the same. A checkout an example opens is paid on the sandbox's page, as the README tells the reader to.
 */
import { readFileSync } from "node:fs";
import { Kind, parse, type OperationDefinitionNode } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, until, type TestServer } from "./helpers.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]);
const ADMIN_FIELDS =
  /\b(accountCreate|apiKeyCreate|apiKeyRevoke|creditsGrant|transactionRefund|unappliedPayments|unappliedPaymentResolve|testClockCreate|testClockAdvance|testClockDelete|account)\s*\(/;

let server: TestServer;
let key: Record<string, string>;
const ids = new Map<string, string>();

beforeAll(async () => {
  server = await startTestServer();
  // No credits: the README's own examples must give them before they spend them.
  ({ key } = await createTestAccount(server, "README reader"));
});
afterAll(() => server.close());

/** Ids the answer holds, by prefix (job_, cs_, txn_ …), the last one of each kept. */
function remember(value: unknown): void {
  if (typeof value === "string") {
    const prefix = value.match(/^([a-z]+)_[0-9a-f]{8,}$/)?.[1];
    if (prefix) ids.set(prefix, value);
  } else if (value && typeof value === "object") {
    for (const item of Object.values(value)) remember(item);
  }
}

/** Presses Pay on the sandbox page of every open checkout the answer holds, and waits for its credits. */
async function payOpenCheckouts(data: unknown): Promise<void> {
  const session = (data as { checkoutSessionCreate?: { checkoutSession?: { id: string; url: string | null; status: string } } })?.checkoutSessionCreate
    ?.checkoutSession;
  if (!session?.url || session.status !== "OPEN") return;
  const paid = await fetch(session.url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "action=pay",
    redirect: "manual",
  });
  expect(paid.status).toBe(303);
  const status = async () =>
    (await server.gql(`query ($id: ID!) { node(id: $id) { ... on CheckoutSession { status } } }`, { id: session.id }, key)).body.data.node.status;
  expect(await until(status, (s) => s === "COMPLETED")).toBe("COMPLETED");
}

function userErrorsOf(value: unknown): unknown[] {
  if (!value || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([name, item]) => (name === "userErrors" && Array.isArray(item) ? item : userErrorsOf(item)));
}

describe("README.md examples", () => {
  it("has GraphQL examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  blocks.forEach((block, index) => {
    const title = block.trim().split("\n")[0].slice(0, 60);
    it(`example ${index + 1} works pasted as-is: ${title}`, async () => {
      const document = parse(block);
      const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      expect(operations, "one operation per example, so that pasting it runs it").toHaveLength(1);
      const query = block.replace(/"([a-z]+)_…"/g, (whole, prefix: string) => (ids.has(prefix) ? JSON.stringify(ids.get(prefix)) : whole));
      const headers = ADMIN_FIELDS.test(block) ? { "x-api-key": TEST_ADMIN_KEY } : key;
      const { status, body } = await server.gql(query, undefined, headers);
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      expect(status).toBe(200);
      expect(userErrorsOf(body.data)).toEqual([]);
      remember(body.data);
      // The reader goes on with the key of the account just made.
      if (body.data.accountCreate?.apiKey) key = { "x-api-key": body.data.accountCreate.apiKey };
      await payOpenCheckouts(body.data);
      // Webhooks of charges made off-session (a subscription's first period) land before the next example.
      await server.app.services.background.drain();
    });
  });

  it("ends the worked example as the README says: the first Creatify period expired, the renewed one active, U-Gen untouched", async () => {
    const { body } = await server.gql(`{ viewer { wallets { provider { id } grants { nodes { kind status } } } } }`, undefined, key);
    const grants = Object.fromEntries(body.data.viewer.wallets.map((w: any) => [w.provider.id, w.grants.nodes.map((g: any) => `${g.kind} ${g.status}`)]));
    expect(grants.creatify).toEqual(["SUBSCRIPTION ACTIVE", "SUBSCRIPTION EXPIRED"]);
    const expired = await server.gql(`{ viewer { transactions(provider: "creatify", type: EXPIRE) { nodes { amount } } } }`, undefined, key);
    expect(expired.body.data.viewer.transactions.nodes).toEqual([{ amount: "-490" }]);
    expect(grants.ugen.every((g: string) => g.endsWith("ACTIVE") || g.endsWith("DEPLETED"))).toBe(true);
  });
});
