/**
 * Every GraphQL example in README.md works when pasted as it is: each ```graphql block is one
 * document with one operation, sent in README order to a real server with a funded account's key
 * (the admin key for admin mutations), and answered without errors or userErrors. The README's
 * placeholders (`"job_…"`, `"cs_…"`) are the ids its earlier examples returned, which the reader
 * pastes in: the test does the same.
 */
import { readFileSync } from "node:fs";
import { Kind, parse, type OperationDefinitionNode } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, type TestServer } from "./helpers.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]);
const ADMIN_FIELDS = /\b(accountCreate|apiKeyCreate|apiKeyRevoke|creditsGrant|transactionRefund|unappliedPayments|unappliedPaymentResolve|account)\s*\(/;

let server: TestServer;
let key: Record<string, string>;
const ids = new Map<string, string>();

beforeAll(async () => {
  server = await startTestServer();
  ({ key } = await createTestAccount(server, "README reader", "1000"));
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
    });
  });
});
