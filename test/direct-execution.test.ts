/**
 * Direct execution (src/graphql/direct-execution.ts): a query Apollo has answered through its
 * compiled function runs, from then on, without Apollo's pipeline. Whatever path a request takes,
 * its answer must be the one Apollo gives: same status, same content type, same bytes.
 *
 * An operation's first use runs on graphql-js, its second compiled through Apollo, and from the
 * third on directly. A reference is the same operation with a comment appended: a different
 * document, used once, so Apollo and graphql-js answer it.
 */
import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directRequestOf, DirectOperations } from "../src/graphql/direct-execution.js";
import { FastPath } from "../src/graphql/fast-path.js";
import { appSchema } from "../src/graphql/schema.js";
import { PublicResponseCache } from "../src/graphql/response-cache.js";
import { createTestAccount, FULL_ESTIMATE_QUERY, postRaw, readMetrics, startTestServer, TEST_ADMIN_KEY, type TestAccount, type TestServer } from "./helpers.js";

let server: TestServer;
let alice: TestAccount;
let bob: TestAccount;
beforeAll(async () => {
  // This suite is about the fast path itself: it runs with it on, whatever FAST_PATH says.
  server = await startTestServer({ config: { fastPath: true } });
  alice = await createTestAccount(server, "Alice", "50");
  bob = await createTestAccount(server, "Bob", "7");
});
afterAll(() => server.close());

const post = (body: unknown, headers: Record<string, string> = {}) => postRaw(server, body, headers);

let references = 0;
/** The answer Apollo gives, on graphql-js, to the same operation. */
const reference = (query: string, variables: unknown, headers: Record<string, string> = {}) =>
  post({ query: `${query}\n# reference ${++references}`, variables }, headers);

async function directExecutions(): Promise<number> {
  const metrics = await readMetrics(server);
  return Number(metrics.match(/^graphql_direct_executions_total (\d+)$/m)![1]);
}

const ESTIMATE = FULL_ESTIMATE_QUERY;
const APOLLO_CLIENT_EXTENSIONS = { clientLibrary: { name: "@apollo/client", version: "4.3.8" } };
const captions = (durationSeconds: string) => ({
  input: {
    productId: "subclip/viral-captions",
    parameters: [
      { name: "durationSeconds", value: durationSeconds },
      { name: "faceTracking", value: true },
    ],
    generationCount: 2,
  },
});
const VIEWER = `{ viewer { id balance reserved available transactions(first: 3) { edges { node { type amount balanceAfter } } pageInfo { hasNextPage } } } }`;
const CATALOG = `{ providers { id name models { id multiplier variants { id credits price { amount currency } } } } }`;

describe("direct execution", () => {
  it("answers a query that came back without Apollo, byte for byte as Apollo does", async () => {
    const cases: Array<{ query: string; variables: (i: number) => unknown; headers: Record<string, string>; extensions?: unknown }> = [
      // Without a key and with new variables each time, so the public response cache never answers.
      { query: ESTIMATE, variables: (i) => captions(`${95 + i}.5`), headers: {} },
      { query: VIEWER, variables: () => ({}), headers: alice.key },
      { query: CATALOG, variables: () => ({}), headers: { ...alice.key, accept: "application/graphql-response+json" } },
      { query: `{ __typename }`, variables: () => null, headers: { ...bob.key, "content-type": "application/json; charset=utf-8" } },
      // What Apollo Studio asks for, again and again.
      { query: getIntrospectionQuery(), variables: () => ({}), headers: bob.key },
      // What Apollo Client 4 sends: its Accept header, its operation's name, its clientLibrary.
      {
        query: `query Viewer { viewer { id balance } }`,
        variables: () => ({}),
        headers: { ...alice.key, accept: "application/graphql-response+json,application/json;q=0.9" },
        extensions: APOLLO_CLIENT_EXTENSIONS,
      },
    ];
    for (const { query, variables, headers, extensions } of cases) {
      const before = await directExecutions();
      for (let i = 0; i < 4; i++) {
        const answer = await post({ query, variables: variables(i), ...(extensions ? { extensions, operationName: "Viewer" } : {}) }, headers);
        expect(answer.status).toBe(200);
        expect(answer.body).not.toContain('"errors"');
        expect(answer).toEqual(await reference(query, variables(i), headers));
      }
      // The third and fourth uses.
      expect(await directExecutions()).toBe(before + 2);
    }
  });

  it("answers with the media type the request's Accept header asks for, whichever came first", async () => {
    const query = `{ providers { id } }`;
    for (let i = 0; i < 3; i++) await post({ query }, alice.key);
    const before = await directExecutions();
    const asked = await post({ query }, { ...alice.key, accept: "application/graphql-response+json" });
    expect(asked.contentType).toBe("application/graphql-response+json; charset=utf-8");
    expect(asked).toEqual(await reference(query, undefined, { ...alice.key, accept: "application/graphql-response+json" }));
    // An Accept header not seen before is Apollo's to negotiate.
    expect(await directExecutions()).toBe(before);
    const refused = await post({ query }, { ...alice.key, accept: "text/html" });
    expect(refused.status).toBe(406);
  });

  it("runs each request with its own key: another account, no key, a revoked key", async () => {
    for (let i = 0; i < 3; i++) await post({ query: VIEWER }, alice.key);
    const before = await directExecutions();
    const asBob = JSON.parse((await post({ query: VIEWER }, bob.key)).body);
    expect(asBob.data.viewer).toMatchObject({ id: bob.accountId, balance: "7" });
    expect(await directExecutions()).toBe(before + 1);

    const anonymous = await post({ query: VIEWER });
    expect(anonymous).toEqual(await reference(VIEWER, undefined));
    expect(JSON.parse(anonymous.body).errors[0].extensions.code).toBe("UNAUTHENTICATED");

    const { apiKey } = await createTestAccount(server, "Carol");
    const carol = { "x-api-key": apiKey };
    for (let i = 0; i < 3; i++) expect((await post({ query: VIEWER }, carol)).body).not.toContain('"errors"');
    const keys = JSON.parse((await post({ query: `{ viewer { apiKeys { id } } }` }, carol)).body).data.viewer.apiKeys;
    const revoked = await server.gql(
      `mutation ($id: ID!) { apiKeyRevoke(input: { keyId: $id }) { userErrors { code } } }`,
      { id: keys[0].id },
      {
        "x-api-key": TEST_ADMIN_KEY,
      },
    );
    expect(revoked.body.data.apiKeyRevoke.userErrors).toEqual([]);
    const afterRevoke = await post({ query: VIEWER }, carol);
    expect(JSON.parse(afterRevoke.body).errors[0].extensions.code).toBe("UNAUTHENTICATED");
    // Bob's request and Carol's three ran directly; the refused ones were answered by Apollo.
    expect(await directExecutions()).toBe(before + 1 + 3);
  });

  it("hands a remembered query to Apollo when it fails: refused input, variables of the wrong type", async () => {
    for (let i = 0; i < 3; i++) await post({ query: ESTIMATE, variables: captions(`${200 + i}`) });
    const before = await directExecutions();
    const refused = await post({ query: ESTIMATE, variables: captions("-1") });
    expect(refused).toEqual(await reference(ESTIMATE, captions("-1")));
    expect(JSON.parse(refused.body).errors[0].extensions.code).toBe("BAD_USER_INPUT");

    const wrongType = { input: { productId: 42, parameters: "none" } };
    const invalid = await post({ query: ESTIMATE, variables: wrongType });
    expect(invalid.status).toBe(400);
    expect(invalid).toEqual(await reference(ESTIMATE, wrongType));
    expect(await directExecutions()).toBe(before);
  });

  it("never runs mutations, persisted-query extensions or form posts directly", async () => {
    const before = await directExecutions();
    const create = `mutation ($credits: Decimal!) { jobCreate(input: { credits: $credits }) { job { id } userErrors { code } } }`;
    const ids = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const answer = JSON.parse((await post({ query: create, variables: { credits: "1" } }, bob.key)).body);
      ids.add(answer.data.jobCreate.job.id);
    }
    // Four requests, four jobs.
    expect(ids.size).toBe(4);
    const viewer = JSON.parse((await post({ query: `{ viewer { reserved } }` }, bob.key)).body);
    expect(viewer.data.viewer.reserved).toBe("4");

    for (let i = 0; i < 4; i++) {
      const answer = await post({ query: `{ viewer { id } }`, extensions: {} }, bob.key);
      expect(answer.status).toBe(200);
    }
    for (let i = 0; i < 4; i++) {
      const answer = await post({ query: `{ providers { name } }` }, { ...bob.key, "content-type": "text/plain" });
      expect(answer.status).toBe(400);
    }
    expect(await directExecutions()).toBe(before);
  });
});

describe("what may run directly", () => {
  it("takes only JSON bodies of a query, its variables and its operation name", () => {
    const json = "application/json";
    expect(directRequestOf(json, { query: "{ a }" })).toEqual({ query: "{ a }", operationName: null, variables: {} });
    expect(directRequestOf("Application/JSON; charset=utf-8", { query: "{ a }", variables: { x: 1 }, operationName: "A" })).toEqual({
      query: "{ a }",
      operationName: "A",
      variables: { x: 1 },
    });
    expect(directRequestOf(json, { query: "{ a }", extensions: { persistedQuery: {} } })).toBeNull();
    // Apollo Client 4 names itself in every request; Apollo Server does not read it.
    const clientLibrary = { name: "@apollo/client", version: "4.3.8" };
    expect(directRequestOf(json, { query: "{ a }", extensions: { clientLibrary } })).toEqual({ query: "{ a }", operationName: null, variables: {} });
    expect(directRequestOf(json, { query: "{ a }", extensions: { clientLibrary, persistedQuery: {} } })).toBeNull();
    expect(directRequestOf(json, { query: "{ a }", variables: "{}" })).toBeNull();
    expect(directRequestOf(json, { query: "{ a }", variables: [] })).toBeNull();
    expect(directRequestOf(json, { query: "{ a }", operationName: 1 })).toBeNull();
    expect(directRequestOf(json, JSON.parse('{ "query": "{ a }", "__proto__": {} }'))).toBeNull();
    expect(directRequestOf(json, { variables: {} })).toBeNull();
    expect(directRequestOf(json, [{ query: "{ a }" }])).toBeNull();
    expect(directRequestOf("text/plain", { query: "{ a }" })).toBeNull();
    expect(directRequestOf("application/jsonp", { query: "{ a }" })).toBeNull();
    expect(directRequestOf(json, { query: `{ a ${" ".repeat(9000)} }` })).toBeNull();
  });

  it("keys operations so that no name and text can pass for another", () => {
    const operations = new DirectOperations();
    const request = (operationName: string | null, query: string) => ({ query, operationName, variables: {} });
    expect(operations.key("*/*", request("A\nB", "x"))).not.toBe(operations.key("*/*", request("A", "B\nx")));
    expect(operations.key("*/*", request("A1", ":x"))).not.toBe(operations.key("*/*", request("A", "1:x")));
    expect(operations.key("*/*", request(null, "x"))).toBe(operations.key("*/*", request("", "x")));
  });

  it("keeps the public response cache bounded, forgetting the least recently used answer first", () => {
    const cache = new PublicResponseCache(2);
    const headers: Array<[string, string]> = [];
    cache.set("a", "v1", headers, "A");
    cache.set("b", "v1", headers, "B");
    expect(cache.get("a", "v1")?.body).toBe("A");
    cache.set("c", "v1", headers, "C");
    expect([cache.get("a", "v1")?.body, cache.get("b", "v1"), cache.get("c", "v1")?.body, cache.size]).toEqual(["A", undefined, "C", 2]);
    // An answer of an older catalog version is never served.
    expect(cache.get("a", "v2")).toBeUndefined();
  });
});

describe("the fast path's switch", () => {
  it("refuses to start beside an Apollo plugin whose per-request work direct runs would skip", () => {
    const known = { requestDidStart: async () => ({}) };
    const unknown = { requestDidStart: async () => ({ willSendResponse: async () => {} }) };
    expect(() => new FastPath(appSchema(), [known], new Set([known]))).not.toThrow();
    expect(() => new FastPath(appSchema(), [known, unknown], new Set([known]))).toThrow(/would skip 1 Apollo plugin.*FAST_PATH=false/);
  });

  it("is off with FAST_PATH=false: every request goes through Apollo", async () => {
    const plain = await startTestServer({ config: { fastPath: false } });
    for (let i = 0; i < 3; i++) await plain.gql(`{ providers { id } }`, undefined, { "x-api-key": "not-a-key" });
    expect(await readMetrics(plain)).toMatch(/^graphql_direct_executions_total 0$/m);
    await plain.close();
  });
});
