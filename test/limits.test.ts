/**
 * Operation limits over HTTP: the cost weighs every list by its length (`first`, the catalog's
 * list lengths, the schema's for introspection), so that the largest operation the limits let
 * through answers within MAX_RESPONSE_BYTES; every limit refusal has one code and says what to change.
 */
import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../src/graphql/limits.js";
import { createTestAccount, startTestServer, type TestServer } from "./helpers.js";

/** The bound README states for the largest answer an operation within the default limits can get. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { nodeEnv: "production" } });
});
afterAll(() => server.close());

async function post(target: TestServer, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(`${target.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, bytes: Buffer.byteLength(text), body: JSON.parse(text) };
}

const aliased = (count: number, selection: string) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${selection}`).join(" ")} }`;

/** Everything long a product has: texts, JSON rules, its parameters, components, models and variants. */
const PRODUCT_TEXT = `id name description operation category sourceDocument
  parameters { name description allowedValues defaultValue minimum maximum }
  priceComponents { code description note unit quantity condition percentOf rateTiers { value credits } }
  models { id name description variants { id name note sourceDocument price { amount currency } } }`;

describe("the cost limit", () => {
  it("refuses the 26 MB catalog query, naming its cost and the limit", async () => {
    const fragments = `
      fragment P on Product { ${PRODUCT_TEXT} }
      fragment V on Provider { id name description products { ...P provider { id products { ...P } } } models { id name variants { id name credits price { amount } } } creditPacks { id name price { amount } credits } }`;
    const { status, body } = await post(server, `${aliased(30, "providers { ...V }")} ${fragments}`);
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    const [error] = body.errors;
    expect(error.message).toMatch(
      /^The operation's cost is \d+, over the limit of 100000: ask for smaller pages \(first\), fewer nested lists or fewer aliases$/,
    );
    expect(error.extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "cost", maximum: DEFAULT_LIMITS.maxCost });
    expect(error.extensions.actual).toBeGreaterThan(1_000_000);
  });

  it("counts catalog lists by the catalog's longest list, and never more than the catalog holds under distinct parents", async () => {
    const { body } = await post(server, `{ providers { id products { id } } }`);
    const providers = body.data.providers.length;
    const products = body.data.providers.reduce((sum: number, p: { products: unknown[] }) => sum + p.products.length, 0);
    const longest = Math.max(...body.data.providers.map((p: { products: unknown[] }) => p.products.length));
    const cheap = await startTestServer({ config: { limits: { ...DEFAULT_LIMITS, maxCost: 1 } } });
    try {
      const costOf = async (query: string) => (await post(cheap, query)).body.errors?.[0]?.extensions?.actual;
      // Under the distinct providers, their products number what the catalog holds: N, not P x longest.
      expect(await costOf(`{ providers { products { id } } }`)).toBe(providers + 2 * products);
      // Each product's provider is shared, so each of them may have the longest list of products.
      expect(await costOf(`{ providers { products { provider { products { id } } } } }`)).toBe(providers + 2 * products + 2 * products * longest);
      // Fragments and inline fragments are counted where they are spread.
      expect(await costOf(`{ providers { ...F } } fragment F on Provider { products { ... on Product { provider { products { id } } } } }`)).toBe(
        providers + 2 * products + 2 * products * longest,
      );
    } finally {
      await cheap.close();
    }
  });

  it("counts a fragment spread again and again once: a fan-out of 3^40 fields is counted, not expanded", async () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) => {
      const inner = i + 1 < levels ? `...F${i + 1}` : "id";
      return `fragment F${i} on Provider { products { provider { ${inner} } } models { provider { ${inner} } } creditPacks { provider { ${inner} } } }`;
    }).join(" ");
    const { status, body } = await post(server, `{ providers { ...F0 } } ${fragments}`);
    expect(status).toBe(400);
    const cost = body.errors.find((error: { extensions: { limit?: string } }) => error.extensions.limit === "cost");
    expect(cost.message).toMatch(/^The operation's cost is \d+, over the limit of 100000/);
    expect(cost.extensions.actual).toBeGreaterThan(1e15);
  });

  it("multiplies a connection's items by first: DEFAULT_PAGE_SIZE when absent, the largest page for a variable", async () => {
    const small = await startTestServer({ config: { limits: { ...DEFAULT_LIMITS, maxCost: 500 } } });
    try {
      const { key } = await createTestAccount(small, "Pager", "10");
      const page = (first: string) => `{ viewer { transactions${first} { nodes { id type amount balanceBefore balanceAfter } } } }`;
      // viewer 1 + transactions 1 + first x (node 1 + 5 fields)
      for (const [first, cost] of [
        ["(first: 10)", 62],
        ["", 122],
      ] as const) {
        const { status, body } = await post(small, page(first), undefined, key);
        expect(status, first).toBe(200);
        expect(body.data.viewer.transactions.nodes).toHaveLength(1);
        expect(cost).toBeLessThan(500);
      }
      for (const [query, variables] of [
        [page("(first: 100)"), undefined],
        [`query ($n: Int) ${page("(first: $n)")}`, { n: 1 }],
      ] as const) {
        const { status, body } = await post(small, query, variables, key);
        expect(status).toBe(400);
        expect(body.errors[0].extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "cost", maximum: 500, actual: 602 });
      }
    } finally {
      await small.close();
    }
  });

  it("lets Apollo Studio's full introspection through, but counts introspection too", async () => {
    const once = await post(server, getIntrospectionQuery());
    expect(once.status).toBe(200);
    expect(once.body.data.__schema.types.length).toBeGreaterThan(50);
    const text = getIntrospectionQuery();
    const fragments = text.indexOf("fragment FullType");
    const schema = text.slice(text.indexOf("__schema"), text.lastIndexOf("}", fragments));
    const refused = await post(server, `${aliased(8, schema)} ${text.slice(fragments)}`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "cost" });
  });
});

describe("the largest operations the limits let through", () => {
  /** The most of `selection` the limits allow: as many aliases (up to the alias limit) as cost and tokens permit. */
  async function largestAllowed(selection: string, fragments = "") {
    let best: { aliases: number; bytes: number } | null = null;
    for (let aliases = 1; aliases <= DEFAULT_LIMITS.maxAliases; aliases++) {
      const { status, bytes, body } = await post(server, `${aliased(aliases, selection)} ${fragments}`);
      if (status !== 200) {
        expect(body.errors[0].extensions.code).toBe("OPERATION_LIMIT_EXCEEDED");
        break;
      }
      expect(body.errors).toBeUndefined();
      best = { aliases, bytes };
    }
    expect(best).not.toBeNull();
    return best!;
  }

  const backEdges = (levels: number, inner: string) => {
    let selection = `products { ${inner} }`;
    for (let i = 1; i < levels; i++) selection = `products { provider { ${selection} } }`;
    return `providers { ${selection} }`;
  };

  it.each([
    ["every text of every product", `providers { description ${`products { ${PRODUCT_TEXT} }`} }`, ""],
    ["products of products of products", backEdges(3, "id description"), ""],
    ["long texts through shared parents", backEdges(2, "description parameters { description } priceComponents { description note }"), ""],
    ["models and their variants through shared providers", `providers { models { provider { models { id description variants { id name note } } } } }`, ""],
    [
      "30-character aliases on every text",
      `providers { products { ${Array.from({ length: 6 }, (_, i) => `${"t".repeat(29)}${i}: description`).join(" ")} } }`,
      "",
    ],
    ["the schema's descriptions", `__schema { types { name description fields { name description args { name description } } } }`, ""],
  ])("%s: within MAX_RESPONSE_BYTES", async (_label, selection, fragments) => {
    const { bytes } = await largestAllowed(selection, fragments);
    expect(bytes).toBeLessThan(MAX_RESPONSE_BYTES);
  });

  it("an alias costs by its length, since every item repeats it", async () => {
    const withAliases = (alias: string) =>
      `{ providers { products { parameters { ${Array.from({ length: DEFAULT_LIMITS.maxAliases }, (_, i) => `${alias}${i}: description`).join(" ")} } } } }`;
    const short = await post(server, withAliases("text"));
    expect(short.status).toBe(200);
    const long = await post(server, withAliases("x".repeat(3000)));
    expect(long.status).toBe(400);
    expect(long.body.errors[0].extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit: "cost" });
  });
});

describe("limit refusals", () => {
  const deep = (depth: number) => {
    let inner = "id";
    for (let i = 0; i < depth; i++) inner = i % 2 === 0 ? `provider { products { ${inner} } }` : `products { provider { ${inner} } }`;
    return `{ product(id: "subclip/text-to-speech") { ${inner} } }`;
  };

  it.each([
    ["tokens", `{ providers { ${"id ".repeat(4000)} } }`, /^The operation has more than 3000 tokens, the limit; send a shorter document$/],
    ["depth", deep(10), /^Query depth limit of 12 exceeded, found \d+\.$/],
    ["aliases", aliased(31, "providers { id }"), /^Aliases limit of 30 exceeded, found 31\.$/],
    ["directives", `{ providers { ${"id @include(if: true) ".repeat(31)} } }`, /^Directives limit of 30 exceeded, found 31\.$/],
  ])("%s: 400 with the limit's code and name, never a Syntax Error", async (limit, query, message) => {
    const { status, body } = await post(server, query);
    expect(status).toBe(400);
    const error = body.errors.find((e: { extensions: { limit?: string } }) => e.extensions.limit === limit);
    expect(error.message).toMatch(message);
    expect(error.extensions).toMatchObject({ code: "OPERATION_LIMIT_EXCEEDED", limit });
    for (const other of body.errors) expect(other.message).not.toMatch(/^Syntax Error/);
  });

  it("mutations: the count and the limit", async () => {
    const { key } = await createTestAccount(server, "Many mutations");
    const query = `mutation { ${Array.from({ length: 11 }, (_, i) => `m${i}: jobCancel(input: { jobId: "job_${i}" }) { userErrors { code } }`).join(" ")} }`;
    const { status, body } = await post(server, query, undefined, key);
    expect(status).toBe(400);
    expect(body.errors[0]).toMatchObject({
      message: "An operation may run at most 10 mutations; this one has 11",
      extensions: { code: "OPERATION_LIMIT_EXCEEDED", limit: "mutations", maximum: 10, actual: 11 },
    });
  });
});
