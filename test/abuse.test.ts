/**
 * Abuse over HTTP, against a production-configured server: every hostile request gets its proper
 * 4xx, the server keeps serving, and memory stays bounded.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMetrics, startTestServer, TEST_ADMIN_KEY, type TestServer, SEEDED_PROVIDERS } from "./helpers.js";

let server: TestServer;
let apiKey: string;
beforeAll(async () => {
  server = await startTestServer({ config: { nodeEnv: "production" } });
  const { body } = await server.gql(`mutation { accountCreate(input: { name: "Abuser" }) { apiKey account { id } } }`, undefined, {
    "x-api-key": TEST_ADMIN_KEY,
  });
  apiKey = body.data.accountCreate.apiKey;
});
afterAll(() => server.close());

async function raw(body: string | Buffer, options: { method?: string; contentType?: string; path?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${server.url}${options.path ?? "/graphql"}`, {
    method: options.method ?? "POST",
    headers: { "content-type": options.contentType ?? "application/json", ...options.headers },
    body: options.method === "GET" ? undefined : body,
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, text, json };
}

const query = (text: string, variables?: unknown) => raw(JSON.stringify({ query: text, variables }));

async function stillServing() {
  const health = await fetch(`${server.url}/health`);
  expect(health.status).toBe(200);
  const { status, json } = await query(`{ providers { id } }`);
  expect(status).toBe(200);
  expect(json.data.providers).toHaveLength(SEEDED_PROVIDERS);
}

const nest = (depth: number) => {
  let inner = "id";
  for (let i = 0; i < depth; i++) inner = i % 2 === 0 ? `provider { products { ${inner} } }` : `products { provider { ${inner} } }`;
  return `{ product(id: "subclip/text-to-speech") { ${inner} } }`;
};

describe("abuse", () => {
  it.each([
    ["a query nested 20 levels deep", () => query(nest(10)), 400, /depth/i],
    ["1,000 aliases", () => query(`{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: providers { id }`).join(" ")} }`), 400, /alias|tokens/i],
    ["31 aliases (within the token limit)", () => query(`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: providers { id }`).join(" ")} }`), 400, /aliases/i],
    [
      "a fragment cycle",
      () => query(`{ providers { ...A } } fragment A on Provider { products { provider { ...B } } } fragment B on Provider { ...A }`),
      400,
      /cannot spread fragment/i,
    ],
    ["a huge document (too many tokens)", () => query(`{ providers { ${"id ".repeat(4000)} } }`), 400, /token/i],
    ["a body over 100 kB", () => raw(JSON.stringify({ query: "{ providers { id } }", variables: { pad: "x".repeat(120_000) } })), 413, /larger than/],
    ["invalid JSON", () => raw("{ not json"), 400, /not valid JSON/],
    [
      "invalid UTF-8",
      () => raw(Buffer.concat([Buffer.from('{"query":"{ providers { id } }","x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])),
      400,
      /not valid UTF-8/,
    ],
    ["a form post (CSRF)", () => raw("query=%7B%20providers%20%7B%20id%20%7D%20%7D", { contentType: "application/x-www-form-urlencoded" }), 400, /.+/],
    ["a plain-text post", () => raw(JSON.stringify({ query: "{ providers { id } }" }), { contentType: "text/plain" }), 400, /.+/],
    ["a batched request", () => raw(JSON.stringify([{ query: "{ providers { id } }" }, { query: "{ providers { id } }" }])), 400, /batch/i],
    [
      "a mutation over GET",
      () =>
        raw("", {
          method: "GET",
          path: `/graphql?query=${encodeURIComponent('mutation { jobCancel(input: { jobId: "x" }) { userErrors { code } } }')}`,
          headers: { "apollo-require-preflight": "true" },
        }),
      405,
      /GET/,
    ],
    ["a variable of the wrong type", () => query(`query ($id: ID!) { provider(id: $id) { id } }`, { id: [1, 2] }), 400, /ID/],
    [
      "a Decimal of 1e999",
      () => raw(JSON.stringify({ query: `mutation { jobCreate(input: { credits: 1e999 }) { userErrors { code } } }` }), { headers: { "x-api-key": apiKey } }),
      400,
      /Decimal/,
    ],
    [
      "100 aliased mutations",
      () =>
        raw(
          JSON.stringify({
            query: `mutation { ${Array.from({ length: 100 }, (_, i) => `m${i}: jobCancel(input: { jobId: "job_${i}" }) { userErrors { code } }`).join(" ")} }`,
          }),
          { headers: { "x-api-key": apiKey } },
        ),
      400,
      /at most 10 mutations|alias/i,
    ],
    ["an unknown field, without a hint at the schema in production", () => query(`{ providerz { id } }`), 400, /Cannot query field/],
  ])("refuses %s", async (_label, send, status, message) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.text).toMatch(message);
    expect(response.text).not.toMatch(/Did you mean|at .*\.(ts|js):\d+/);
    await stillServing();
  });

  it("refuses 11 mutations in one operation but runs 10", async () => {
    const mutations = (n: number) =>
      `mutation { ${Array.from({ length: n }, (_, i) => `m${i}: jobCancel(input: { jobId: "job_${i}" }) { userErrors { code } }`).join(" ")} }`;
    const eleven = await raw(JSON.stringify({ query: mutations(11) }), { headers: { "x-api-key": apiKey } });
    expect(eleven.status).toBe(400);
    expect(eleven.json.errors[0].message).toBe("An operation may run at most 10 mutations; this one has 11");
    const ten = await raw(JSON.stringify({ query: mutations(10) }), { headers: { "x-api-key": apiKey } });
    expect(ten.status).toBe(200);
    expect(ten.json.data.m9.userErrors[0].code).toBe("NOT_FOUND");
  });

  it("a Float literal of 1e999 as a parameter value is a typed error naming the parameter", async () => {
    const { status, json } = await query(
      `{ estimate(input: { productId: "subclip/text-to-speech", parameters: [{ name: "durationSeconds", value: 1e999 }] }) { totalCredits } }`,
    );
    expect(status).toBe(200);
    expect(json.errors[0].extensions).toEqual({ code: "BAD_USER_INPUT", field: ["input", "parameters", "durationSeconds"] });
  });

  it("a header block too large is refused by Node before we see it", async () => {
    const status = await new Promise<number>((resolve) => {
      const url = new URL(`${server.url}/graphql`);
      const req = request({ host: url.hostname, port: url.port, path: "/graphql", method: "POST", headers: { "x-big": "x".repeat(20_000) } }, (res) =>
        resolve(res.statusCode!),
      );
      req.on("error", () => resolve(431));
      req.end("{}");
    });
    expect(status).toBe(431);
    await stillServing();
  });

  it("lets the catalog's deepest legitimate queries through", async () => {
    const { status, json } = await query(`{
      providers {
        id creditValue { amount currency }
        products {
          id provider { id models { id variants { id model { id provider { id creditPacks { id provider { id } } } } } } }
          parameters { name } priceComponents { code rateTiers { value credits } } models { id variants { id price { amount } } }
        }
        models { id variants { id credits model { id } } }
        creditPacks { id price { amount } perCreditPrice { amount } }
        subscriptionPlans { id price { amount } }
      }
    }`);
    expect(json.errors).toBeUndefined();
    expect(status).toBe(200);
  });

  it("keeps memory bounded under repeated abuse", async () => {
    const heap = async () => {
      const metrics = await readMetrics(server);
      return Number(metrics.match(/^nodejs_heap_size_used_bytes (\S+)$/m)![1]);
    };
    const before = await heap();
    for (let round = 0; round < 10; round++) {
      await Promise.all([
        query(`{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: providers { id }`).join(" ")} }`),
        query(nest(10)),
        raw(JSON.stringify({ query: "{ providers { id } }", variables: { pad: "x".repeat(120_000) } })),
        raw("{ not json"),
        query(`{ providers { ${"id ".repeat(4000)} } }`),
      ]);
    }
    const after = await heap();
    expect(after - before).toBeLessThan(64 * 1024 * 1024);
    await stillServing();
  });
});
