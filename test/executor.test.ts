/**
 * The compiled executor (graphql-jit) must answer exactly as graphql-js does. An operation is
 * compiled on its second use, so each case sends the same operation three times (the second runs
 * compiled through Apollo, the third compiled without it: test/direct-execution.test.ts) and once
 * with a trailing comment, a different document that runs on graphql-js for
 * its one use; all answers must be byte-for-byte equal, errors and status codes included.
 */
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasCustomScalarLiteral } from "../src/graphql/executor.js";
import { appSchema } from "../src/graphql/schema.js";
import { createTestAccount, FULL_ESTIMATE_QUERY, postRaw, startTestServer, type TestServer } from "./helpers.js";

let server: TestServer;
let key: Record<string, string>;
beforeAll(async () => {
  // This suite compares the fast path with graphql-js: it runs with it on, whatever FAST_PATH says.
  server = await startTestServer({ config: { fastPath: true } });
  ({ key } = await createTestAccount(server, "Jit", "50"));
  await server.gql(`mutation { jobCreate(input: { credits: "7.5" }) { userErrors { code } } }`, {}, key);
});
afterAll(() => server.close());

const raw = (query: string, variables: Record<string, unknown>, headers: Record<string, string>) => postRaw(server, { query, variables }, headers);

/** Answers of the compiled runs and of a graphql-js run of the same operation. */
async function compiledAndReference(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await raw(query, variables, headers));
  const reference = await raw(`${query}\n# once`, variables, headers);
  return { runs, reference };
}

const ESTIMATE = FULL_ESTIMATE_QUERY;

describe("compiled execution answers as graphql-js does", () => {
  it("for an estimate, the catalog tree, the viewer's ledger and node lookups", async () => {
    const cases: Array<[string, Record<string, unknown>, Record<string, string>]> = [
      [
        ESTIMATE,
        {
          input: {
            productId: "subclip/viral-captions",
            parameters: [
              { name: "durationSeconds", value: "95.5" },
              { name: "faceTracking", value: true },
            ],
            generationCount: 3,
          },
        },
        {},
      ],
      [`{ providers { id name creditValue { amount currency } models { id multiplier variants { id credits price { amount currency } } } } }`, {}, key],
      [
        `{ viewer { balance reserved available transactions(first: 5) { edges { cursor node { type amount balanceBefore balanceAfter job { status reservedCredits } } } pageInfo { hasNextPage endCursor } } } }`,
        {},
        key,
      ],
      [`query ($id: ID!) { node(id: $id) { __typename id ... on Model { name } } }`, { id: "ugen/models/veo3_fast" }, {}],
    ];
    for (const [query, variables, headers] of cases) {
      const { runs, reference } = await compiledAndReference(query, variables, headers);
      expect(reference.status).toBe(200);
      expect(reference.body).not.toContain('"errors"');
      for (const run of runs) expect(run).toEqual(reference);
    }
  });

  it("for errors: a refused estimate, a missing key, and variables of the wrong type (400)", async () => {
    const cases: Array<[string, Record<string, unknown>, Record<string, string>, number]> = [
      [ESTIMATE, { input: { productId: "subclip/viral-captions", parameters: [{ name: "durationSeconds", value: "-1" }] } }, {}, 200],
      [`{ viewer { balance } }`, {}, {}, 200],
      [ESTIMATE, { input: { productId: 42, parameters: "none" } }, {}, 400],
    ];
    for (const [query, variables, headers, status] of cases) {
      const { runs, reference } = await compiledAndReference(query, variables, headers);
      expect(reference.status).toBe(status);
      expect(reference.body).toContain('"errors"');
      for (const run of runs) expect(run).toEqual(reference);
    }
  });

  it("keeps a mutation with a Decimal written inline working on every use", async () => {
    const query = `mutation { jobCreate(input: { credits: "1.25" }) { job { reservedCredits } userErrors { code } } }`;
    for (let i = 0; i < 3; i++) {
      const { body } = await server.gql(query, {}, key);
      expect(body.data.jobCreate).toEqual({ job: { reservedCredits: "1.25" }, userErrors: [] });
    }
  });
});

describe("which operations are compiled", () => {
  it("leaves out those with an inline value of a custom scalar, variables' defaults included", () => {
    const schema = appSchema();
    const check = (source: string) => hasCustomScalarLiteral(schema, parse(source));
    expect(check(`mutation { jobCreate(input: { credits: "10" }) { job { id } } }`)).toBe(true);
    expect(check(`mutation ($c: Decimal = "2") { jobCreate(input: { credits: $c }) { job { id } } }`)).toBe(true);
    expect(check(`query { estimate(input: { productId: "x", parameters: [{ name: "a", value: 3 }] }) { totalCredits } }`)).toBe(true);
    expect(check(`mutation ($c: Decimal!) { jobCreate(input: { credits: $c }) { job { id } } }`)).toBe(false);
    expect(check(`{ viewer { transactions(first: 5) { edges { cursor } } } }`)).toBe(false);
  });
});
