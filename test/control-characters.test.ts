/**
 * One rule for every string input, on both stores: a control character other than tab, line feed
 * and carriage return (U+0000 above all, which PostgreSQL cannot store) is BAD_USER_INPUT naming
 * the input's path, before anything runs, so nothing changes; in variables, inline literals and
 * JSON values, over HTTP (graphql-js, compiled, direct) and graphql-ws; and no log line carries
 * the request's parameters.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, type TestAccount, type TestServer } from "./helpers.js";
import { liveClient } from "./live-client.js";
import { describeStore, rawRow } from "./stores.js";

const admin = { "x-api-key": TEST_ADMIN_KEY };
const ACCOUNT_CREATE = `mutation ($name: String!) { accountCreate(input: { name: $name }) { account { id name } userErrors { code } } }`;
const JOB_CREATE = `mutation ($k: String!) { jobCreate(input: { credits: "1", idempotencyKey: $k }) { job { id } userErrors { code } } }`;
const GRANT = `mutation ($id: ID!, $reason: String!) { creditsGrant(input: { accountId: $id, provider: "ugen", credits: "1", reason: $reason }) { userErrors { code } } }`;
const ENDPOINT = `mutation ($input: WebhookEndpointCreateInput!) { webhookEndpointCreate(input: $input) { secret userErrors { code } } }`;
const ESTIMATE = `query ($input: EstimateInput!) { estimate(input: $input) { totalCredits } }`;
const TABLES = ["accounts", "api_keys", "jobs", "idempotency_keys", "credit_grants", "ledger_entries", "webhook_endpoints", "events"];

let server: TestServer;
let buyer: TestAccount;
const lines: string[] = [];
beforeAll(async () => {
  const destination = new Writable({ write: (chunk, _encoding, done) => (lines.push(...String(chunk).split("\n").filter(Boolean)), done()) });
  server = await startTestServer({
    logger: createLogger("info", destination),
    config: { webhooks: { requireHttps: false, allowPrivate: true, timeoutMs: 300 } },
  });
  buyer = await createTestAccount(server, "Clean", "10");
});
afterAll(() => server?.close());

const counts = async () =>
  Object.fromEntries(
    await Promise.all(TABLES.map(async (table) => [table, Number((await rawRow<{ n: unknown }>(server.store, `select count(*) as n from ${table}`))!.n)])),
  );

function expectRefused(answer: Awaited<ReturnType<TestServer["gql"]>>, field: string[]) {
  expect({ status: answer.status, data: answer.body.data, errors: answer.body.errors?.map((e) => e.extensions) }).toEqual({
    status: 400,
    data: undefined,
    errors: [{ code: "BAD_USER_INPUT", field }],
  });
  expect(answer.body.errors![0].message).toMatch(/control character U\+00[0-9A-F]{2}; text may hold tab, line feed and carriage return/);
}

describeStore("a control character in a string input", () => {
  it("is refused wherever it is, naming the input, and changes nothing", async () => {
    const before = await counts();
    const cases: Array<[string, Record<string, unknown> | undefined, Record<string, string>, string[]]> = [
      [ACCOUNT_CREATE, { name: "Nul\u0000Name" }, admin, ["input", "name"]],
      [`mutation { accountCreate(input: { name: "Inline\\u0000" }) { account { id } } }`, undefined, admin, ["input", "name"]],
      [JOB_CREATE, { k: "key-\u0000" }, buyer.key, ["input", "idempotencyKey"]],
      [GRANT, { id: buyer.accountId, reason: "bell\u0007" }, admin, ["input", "reason"]],
      [GRANT, { id: `${buyer.accountId}\u0000`, reason: "ok" }, admin, ["input", "accountId"]],
      [GRANT, { id: buyer.accountId, reason: "delete\u007f" }, admin, ["input", "reason"]],
      [GRANT, { id: buyer.accountId, reason: "next line\u0085" }, admin, ["input", "reason"]],
      [ENDPOINT, { input: { url: "http://127.0.0.1:9/hook", description: "desc\u0000" } }, buyer.key, ["input", "description"]],
      [ENDPOINT, { input: { url: "http://127.0.0.1:9/hook", eventTypes: ["job.completed", "job.\u0000"] } }, buyer.key, ["input", "eventTypes", "1"]],
      [
        ESTIMATE,
        { input: { productId: "subclip/text-to-speech", parameters: [{ name: "text", value: "a\u0000" }] } },
        {},
        ["input", "parameters", "0", "value"],
      ],
      [
        ESTIMATE,
        { input: { productId: "subclip/text-to-speech", parameters: [{ name: "text", value: { "k\u0001": 1 } }] } },
        {},
        ["input", "parameters", "0", "value", "k\u0001"],
      ],
      [
        `{ estimate(input: { productId: "subclip/text-to-speech", parameters: [{ name: "text", value: { nested: ["\\u001b[31m"] } }] }) { totalCredits } }`,
        undefined,
        {},
        ["input", "parameters", "0", "value", "nested", "0"],
      ],
      [`query ($id: ID! = "acct_\\u0000") { node(id: $id) { id } }`, undefined, buyer.key, ["id"]],
    ];
    for (const [query, variables, headers, field] of cases) expectRefused(await server.gql(query, variables, headers), field);
    expect(await counts()).toEqual(before);
    // The secret a refused endpoint would have had was never made, let alone logged; nor was any parameter.
    expect(lines.filter((line) => /whsec_|params:|\\u0000/.test(line))).toEqual([]);
    expect(lines.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });

  it("is refused on the fast path's direct runs too, after clean requests of the same text", async () => {
    const query = `query Job($id: ID!) { node(id: $id) { id } }`;
    for (let use = 0; use < 3; use++) expect((await server.gql(query, { id: "job_none" }, buyer.key)).status).toBe(200);
    expectRefused(await server.gql(query, { id: "job_\u0000" }, buyer.key), ["id"]);
    const before = await counts();
    for (let use = 0; use < 3; use++) expect((await server.gql(JOB_CREATE, { k: `clean-${use}` }, buyer.key)).body.data.jobCreate.job.id).toMatch(/^job_/);
    const after = await counts();
    expectRefused(await server.gql(JOB_CREATE, { k: "dirty-\u0000" }, buyer.key), ["input", "idempotencyKey"]);
    expect(await counts()).toEqual(after);
    expect(after.jobs).toBe(before.jobs + 3);
  });

  it("accepts tab, line feed and carriage return, and stores them as sent", async () => {
    const name = "Tab\there\nLine\r\nEnd é ✓";
    const created = await server.gql(ACCOUNT_CREATE, { name }, admin);
    expect(created.body.data.accountCreate.account.name).toBe(name);
  });

  it("is refused over graphql-ws as over HTTP", async () => {
    const live = liveClient(server, { apiKey: buyer.apiKey });
    try {
      const jobs = live.subscribe(`subscription ($id: ID) { jobChanged(jobId: $id) { jobId } }`, { id: "job_\u0000" });
      await jobs.completed;
      expect(jobs.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: ["jobId"] } }]);
      const events = live.subscribe(`subscription { eventReceived(types: ["job.completed", "x\\u0002"]) { id } }`);
      await events.completed;
      expect(events.errors).toMatchObject([{ extensions: { code: "BAD_USER_INPUT", field: ["types", "1"] } }]);
    } finally {
      await live.dispose();
    }
  });
});
