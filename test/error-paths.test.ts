/**
 * One convention for the input an error names: its path from the field's argument, the same in
 * top-level BAD_USER_INPUT errors (`extensions.field`) and in mutations' `userErrors.field`; codes
 * of userErrors are a schema enum; only cursors this server wrote are cursors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, type TestAccount, type TestServer } from "./helpers.js";
import { liveClient } from "./live-client.js";

let server: TestServer;
let account: TestAccount;
beforeAll(async () => {
  server = await startTestServer();
  account = await createTestAccount(server, "Paths", "500");
});
afterAll(() => server.close());

const topLevelField = async (query: string, variables?: Record<string, unknown>) => {
  const { body } = await server.gql(query, variables, account.key);
  expect(body.errors?.[0]?.extensions?.code, JSON.stringify(body)).toBe("BAD_USER_INPUT");
  return body.errors![0].extensions!.field;
};

const userErrorField = async (input: string) => {
  const { body } = await server.gql(`mutation { jobCreate(input: ${input}) { job { id } userErrors { field code } } }`, undefined, account.key);
  expect(body.data.jobCreate.userErrors[0].code).toBe("BAD_USER_INPUT");
  return body.data.jobCreate.userErrors[0].field;
};

describe("error field paths start from the argument", () => {
  it("estimate and jobEstimate name the input inside `input`", async () => {
    const estimate = `{ estimate(input: { productId: "subclip/text-to-speech", parameters: [{ name: "durationSeconds", value: -5 }] }) { totalCredits } }`;
    expect(await topLevelField(estimate)).toEqual(["input", "parameters", "durationSeconds"]);
    expect(await topLevelField(`{ estimate(input: { productId: "subclip/nope" }) { totalCredits } }`)).toEqual(["input", "productId"]);
    expect(await topLevelField(`{ jobEstimate(input: { segmentCount: 0 }) { totalCredits } }`)).toEqual(["input", "segmentCount"]);
  });

  it("jobCreate's userErrors name the same inputs below `input`", async () => {
    expect(await userErrorField(`{ estimate: { productId: "subclip/text-to-speech", parameters: [{ name: "durationSeconds", value: -5 }] } }`)).toEqual([
      "input",
      "estimate",
      "parameters",
      "durationSeconds",
    ]);
    expect(await userErrorField(`{ jobEstimate: { segmentCount: 0 } }`)).toEqual(["input", "jobEstimate", "segmentCount"]);
    expect(await userErrorField(`{ credits: "-1" }`)).toEqual(["input", "credits"]);
  });

  it("pagination names its own arguments", async () => {
    expect(await topLevelField(`{ viewer { transactions(first: 101) { edges { cursor } } } }`)).toEqual(["first"]);
    expect(await topLevelField(`{ viewer { transactions(after: "bm9wZQ") { edges { cursor } } } }`)).toEqual(["after"]);
  });
});

describe("UserError.code", () => {
  it("is the UserErrorCode enum: the contract's codes and the domain's own", async () => {
    const { body } = await server.gql(`{
      userError: __type(name: "UserError") { fields { name type { kind ofType { kind name } } } }
      codes: __type(name: "UserErrorCode") { enumValues { name description } }
    }`);
    const code = body.data.userError.fields.find((field: { name: string }) => field.name === "code");
    expect(code.type).toEqual({ kind: "NON_NULL", ofType: { kind: "ENUM", name: "UserErrorCode" } });
    const names = body.data.codes.enumValues.map((value: { name: string }) => value.name);
    for (const contract of [
      "UNAUTHENTICATED",
      "FORBIDDEN",
      "NOT_FOUND",
      "BAD_USER_INPUT",
      "INSUFFICIENT_CREDITS",
      "IDEMPOTENCY_KEY_REUSED",
      "JOB_ALREADY_RESOLVED",
    ]) {
      expect(names).toContain(contract);
    }
    expect(names).toEqual(expect.arrayContaining(["CONTACT_SALES", "PAYMENT_DECLINED", "PAYMENT_PROVIDER_ERROR"]));
    for (const value of body.data.codes.enumValues) expect(value.description, value.name).toBeTruthy();
  });

  it("comes back as an enum value", async () => {
    const { body } = await server.gql(`mutation { jobCancel(input: { jobId: "job_nope" }) { userErrors { field code } } }`, undefined, account.key);
    expect(body.data.jobCancel.userErrors).toEqual([{ field: ["input", "jobId"], code: "NOT_FOUND" }]);
  });
});

describe("cursors", () => {
  const page = (after: string | null) =>
    server.gql(`query ($after: String) { viewer { transactions(first: 1, after: $after) { edges { cursor node { id } } } } }`, { after }, account.key);
  const encode = (text: string) => Buffer.from(text, "utf8").toString("base64url");

  it("accepts the cursors it wrote", async () => {
    await server.gql(`mutation { jobCreate(input: { credits: "1" }) { userErrors { code } } }`, undefined, account.key);
    const first = await page(null);
    const cursor = first.body.data.viewer.transactions.edges[0].cursor;
    expect(Buffer.from(cursor, "base64url").toString()).toMatch(/^txn:(0|[1-9][0-9]*)$/);
    const next = await page(cursor);
    expect(next.body.errors).toBeUndefined();
    expect(next.body.data.viewer.transactions.edges[0].node.id).not.toBe(first.body.data.viewer.transactions.edges[0].node.id);
  });

  it.each(["txn:1e3", "txn:+5", "txn:0x10", " txn:5", "txn: 5", "txn:5 ", "txn:05", "txn:5.0", "txn:-1", "txn:5:6", "job:5", "txn:99999999999999999999"])(
    "refuses %j as a position",
    async (text) => {
      const { body } = await page(encode(text));
      expect(body.errors![0].extensions).toEqual({ code: "BAD_USER_INPUT", field: ["after"] });
      expect(body.errors![0].message).toBe(`"${encode(text)}" is not a cursor of this list`);
    },
  );

  it("refuses another spelling of a cursor's bytes", async () => {
    const padded = `${encode("txn:5")}=`;
    const { body } = await page(padded);
    expect(body.errors![0].extensions).toEqual({ code: "BAD_USER_INPUT", field: ["after"] });
  });
});

describe("a refusal the domain raises in a query", () => {
  it("reads alike on every path: Apollo, compiled, direct, GET, and over graphql-ws", async () => {
    const both = await createTestAccount(server, "Two wallets", "10");
    const granted = await server.gql(
      `mutation ($id: ID!) { creditsGrant(input: { accountId: $id, provider: "hoox", credits: "5", reason: "second wallet" }) { userErrors { code } } }`,
      { id: both.accountId },
      { "x-api-key": TEST_ADMIN_KEY },
    );
    expect(granted.body.data.creditsGrant.userErrors).toEqual([]);
    const query = "{ viewer { id balance } }";
    const expected = { code: "BAD_USER_INPUT", field: ["provider"] };
    // The first run is Apollo's, the second compiled, the third on: direct, handed back to Apollo on its error.
    for (let run = 0; run < 4; run++) {
      const { body } = await server.gql(query, undefined, both.key);
      expect(body.data.viewer).toEqual({ id: expect.any(String), balance: null });
      expect(body.errors).toEqual([expect.objectContaining({ path: ["viewer", "balance"], extensions: expected })]);
    }
    const overGet = await fetch(`${server.url}/graphql?query=${encodeURIComponent(query)}`, {
      headers: { ...both.key, accept: "application/json", "apollo-require-preflight": "true" },
    });
    expect(((await overGet.json()) as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ extensions: expected })]);

    const live = liveClient(server, { apiKey: both.apiKey });
    try {
      const subscription = live.subscribe(`subscription { walletChanged(provider: "nope") { available } }`);
      await subscription.completed;
      expect(subscription.errors).toEqual([expect.objectContaining({ extensions: { code: "BAD_USER_INPUT", field: ["provider"] } })]);
    } finally {
      await live.dispose();
    }
  });
});
