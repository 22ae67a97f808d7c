/**
 * A client's mistakes are 4xx answers with the real message and a stable code, as plain Apollo
 * Server gives them, logged at info level and never counted as internal errors. The reference is a
 * plain Apollo Server 5 (no gateway, no formatter of ours) over the same schema.
 */
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appSchema } from "../src/graphql/schema.js";
import type { Logger } from "../src/logger.js";
import { createTestAccount, readMetrics, startTestServer, type TestAccount, type TestServer } from "./helpers.js";

const ACCEPT = "application/graphql-response+json,application/json;q=0.9";
const logged: Array<{ level: string; message: string }> = [];
const recording: Logger = {
  info: (message) => void logged.push({ level: "info", message }),
  warn: (message) => void logged.push({ level: "warn", message }),
  error: (message) => void logged.push({ level: "error", message }),
  child: () => recording,
};

let server: TestServer;
let plain: ApolloServer;
let plainUrl: string;
let alice: TestAccount;
beforeAll(async () => {
  server = await startTestServer({ logger: recording });
  alice = await createTestAccount(server, "Alice", "20");
  plain = new ApolloServer({ schema: appSchema() });
  ({ url: plainUrl } = await startStandaloneServer(plain, { listen: { port: 0, host: "127.0.0.1" } }));
});
afterAll(async () => {
  await server.close();
  await plain.stop();
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: ACCEPT, ...headers },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { errors?: Array<{ message: string; extensions: { code: string } }> };
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    message: json.errors?.[0]?.message,
    code: json.errors?.[0]?.extensions.code,
  };
}
const ours = (body: unknown, headers?: Record<string, string>) => post(`${server.url}/graphql`, body, headers);

const WRONG_HASH = "0".repeat(64);

describe("client mistakes", () => {
  it.each([
    ["an unknown operationName", { query: "query A { __typename }", operationName: "B" }],
    ["several operations without operationName", { query: "query A { __typename } query C { __typename }" }],
  ])("%s: the status, message and code plain Apollo gives, on every execution path", async (_label, body) => {
    const reference = await post(plainUrl, body);
    expect(reference).toMatchObject({ status: 400, code: "OPERATION_RESOLUTION_FAILURE" });
    // First use (graphql-js), second (compiled), third (a direct run, were it ever remembered).
    for (let use = 0; use < 3; use++) expect(await ours(body)).toEqual(reference);
  });

  it.each([
    [
      "a persisted-query hash that does not match the query",
      { query: "{ __typename }", extensions: { persistedQuery: { version: 1, sha256Hash: WRONG_HASH } } },
    ],
    ["an unsupported persisted-query version", { query: "{ __typename }", extensions: { persistedQuery: { version: 2, sha256Hash: WRONG_HASH } } }],
  ])("%s: Apollo's 400 and message, with the code BAD_REQUEST", async (_label, body) => {
    const reference = await post(plainUrl, body);
    const answer = await ours(body);
    expect(answer).toEqual({ ...reference, code: "BAD_REQUEST" });
    expect(answer.status).toBe(400);
    // Plain Apollo leaves these without a code of their own.
    expect(reference.code).toBe("INTERNAL_SERVER_ERROR");
  });

  it("a subscription over HTTP: refused as invalid, before anything runs, saying to use graphql-ws on /graphql", async () => {
    // Plain Apollo executes it as a query: the resolver gets no event, a 200 with an internal error.
    expect(await post(plainUrl, { query: "subscription { eventReceived { id } }" })).toMatchObject({ status: 200, code: "INTERNAL_SERVER_ERROR" });
    for (const query of ["subscription { eventReceived { id } }", "subscription S { walletChanged { provider balance } }"]) {
      expect(await ours({ query })).toEqual({
        status: 400,
        contentType: "application/graphql-response+json; charset=utf-8",
        message:
          "Subscriptions are served over WebSocket: connect to /graphql with the graphql-ws protocol (the API key in connectionParams.apiKey); an HTTP request cannot subscribe.",
        code: "GRAPHQL_VALIDATION_FAILED",
      });
    }
  });

  it("none of them is logged as an error or counted as an internal error", async () => {
    logged.length = 0;
    await ours({ query: "query A { __typename }", operationName: "B" });
    await ours({ query: "{ __typename }", extensions: { persistedQuery: { version: 1, sha256Hash: WRONG_HASH } } });
    await ours({ query: "subscription { eventReceived { id } }" });
    expect(logged.filter((line) => line.level === "error")).toEqual([]);
    expect(logged.filter((line) => line.message === "client error")).toHaveLength(3);
    const metrics = await readMetrics(server);
    expect(metrics).not.toMatch(/graphql_errors_total\{code="INTERNAL_SERVER_ERROR"\}/);
    expect(metrics).toMatch(/graphql_errors_total\{code="OPERATION_RESOLUTION_FAILURE"\} [1-9]/);
    expect(metrics).toMatch(/graphql_errors_total\{code="BAD_REQUEST"\} [1-9]/);
  });
});

describe("two API keys in one request", () => {
  const RESERVE = `mutation { jobCreate(input: { credits: "5" }) { job { id } userErrors { code } } }`;

  it("are refused as a malformed request (400 BAD_REQUEST) when they differ, and nothing runs", async () => {
    const other = await createTestAccount(server, "Other");
    const answer = await ours({ query: RESERVE }, { "x-api-key": alice.apiKey, authorization: `Bearer ${other.apiKey}` });
    expect(answer).toMatchObject({ status: 400, code: "BAD_REQUEST", contentType: "application/graphql-response+json; charset=utf-8" });
    expect(answer.message).toMatch(/two different API keys.*X-API-Key.*Authorization: Bearer/);
    const { body } = await server.gql(`{ viewer { reserved } }`, undefined, alice.key);
    expect(body.data.viewer.reserved).toBe("0");
  });

  it("are accepted when they are the same key", async () => {
    const { status, body } = await server.gql(`{ viewer { id } }`, undefined, { "x-api-key": alice.apiKey, authorization: `Bearer ${alice.apiKey}` });
    expect(status).toBe(200);
    expect(body.data.viewer.id).toBe(alice.accountId);
  });
});

describe("INTROSPECTION=false", () => {
  it("refuses introspection with a message that names the variable, not Apollo's constructor option", async () => {
    const closed = await startTestServer({ config: { introspection: false } });
    const { status, body } = await closed.gql(`{ __schema { queryType { name } } }`);
    await closed.close();
    expect(status).toBe(400);
    expect(body.errors![0].extensions!.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(body.errors![0].message).toMatch(/INTROSPECTION=true/);
    expect(body.errors![0].message).not.toMatch(/ApolloServer|pass introspection/);
  });
});
