/**
 * HTTP caching of GraphQL-over-HTTP GETs: an anonymous query's answer without errors is public for
 * CATALOG_CACHE_MAX_AGE_SECONDS with an ETag of the catalog's version and the request; If-None-Match
 * with that tag gets a 304 with no body, without running the query. Anything else is no-store.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedCatalog } from "../src/catalog/seed.js";
import { loadConfig } from "../src/config.js";
import { codeFingerprint } from "../src/build-id.js";
import { publicGet, publicVersion } from "../src/graphql/http-caching.js";
import { providerSeeds } from "../seed/index.js";
import ugen from "../seed/ugen.js";
import { freshCatalog, startTestServer, TEST_ADMIN_KEY, type TestServer } from "./helpers.js";

const PROVIDERS = `{ providers { id name } }`;
const ESTIMATE = `query Estimate($input: EstimateInput!) { estimate(input: $input) { totalCredits } }`;
const HOOX = { input: { productId: "hoox/asset-generation", modelId: "veo-3.1", parameters: [{ name: "duration", value: 8 }] } };

let server: TestServer;
beforeAll(async () => (server = await startTestServer({ config: { catalogCacheMaxAgeSeconds: 120 } })));
afterAll(() => server.close());

/** A GET as Apollo Client sends one (useGETForQueries), which CSRF prevention lets through. */
async function get(query: string, options: { variables?: unknown; operationName?: string; headers?: Record<string, string> } = {}, on = server) {
  const search = new URLSearchParams({ query });
  if (options.variables) search.set("variables", JSON.stringify(options.variables));
  if (options.operationName) search.set("operationName", options.operationName);
  const response = await fetch(`${on.url}/graphql?${search}`, { headers: { "apollo-require-preflight": "true", ...options.headers } });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

describe("an anonymous GET query", () => {
  it("is public for CATALOG_CACHE_MAX_AGE_SECONDS, with an ETag and Vary on the key headers", async () => {
    const answer = await get(PROVIDERS);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).data.providers.length).toBeGreaterThan(0);
    expect(answer.headers.get("cache-control")).toBe("public, max-age=120");
    expect(answer.headers.get("etag")).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(answer.headers.get("vary")!.split(/\s*,\s*/)).toEqual(expect.arrayContaining(["Accept", "X-API-Key", "Authorization"]));
    // The same request on the same catalog: the same tag.
    expect((await get(PROVIDERS)).headers.get("etag")).toBe(answer.headers.get("etag"));
  });

  it("answers 304 with no body when If-None-Match names its ETag", async () => {
    const first = await get(ESTIMATE, { variables: HOOX });
    const etag = first.headers.get("etag")!;
    expect(etag).toBeTruthy();
    const unchanged = await get(ESTIMATE, { variables: HOOX, headers: { "if-none-match": etag } });
    expect(unchanged).toMatchObject({ status: 304, body: "" });
    expect(unchanged.headers.get("etag")).toBe(etag);
    expect(unchanged.headers.get("cache-control")).toBe("public, max-age=120");
    expect(unchanged.headers.get("content-type")).toBeNull();
    // Weak comparison, and a list of tags, as RFC 9110 has If-None-Match compare.
    expect((await get(ESTIMATE, { variables: HOOX, headers: { "if-none-match": `"other", W/${etag}` } })).status).toBe(304);
    // Another tag: the full answer.
    expect((await get(ESTIMATE, { variables: HOOX, headers: { "if-none-match": `"other"` } })).status).toBe(200);
  });

  it("answers that 304 without running the query", async () => {
    const catalog = freshCatalog();
    const own = await startTestServer({ catalog });
    const PLANS = `{ subscriptionPlans { id } }`;
    const etag = (await get(PLANS, {}, own)).headers.get("etag")!;
    expect(etag).toBeTruthy();
    // Running it now fails: a 304 shows it did not run.
    catalog.sqlite.exec("DROP TABLE subscription_plans");
    expect(JSON.parse((await get(PLANS, {}, own)).body).errors[0].extensions.code).toBe("INTERNAL_SERVER_ERROR");
    expect((await get(PLANS, { headers: { "if-none-match": etag } }, own)).status).toBe(304);
    await own.close();
  });

  it("has a new ETag once the catalog changes: the old tag gets the new answer", async () => {
    const catalog = freshCatalog();
    const own = await startTestServer({ catalog });
    const PACKS = `{ creditPacks(provider: "ugen") { price { amount } } }`;
    const before = await get(PACKS, {}, own);
    const changed = structuredClone(ugen);
    changed.creditPacks![0].priceUsd = "11";
    seedCatalog(
      catalog,
      providerSeeds.map((seed) => (seed.id === "ugen" ? changed : seed)),
    );
    const after = await get(PACKS, { headers: { "if-none-match": before.headers.get("etag")! } }, own);
    expect(after.status).toBe(200);
    expect(JSON.parse(after.body).data.creditPacks[0].price.amount).toBe("11");
    expect(after.headers.get("etag")).not.toBe(before.headers.get("etag"));
    await own.close();
  });

  it("has another ETag for another query, variables or operationName", async () => {
    const tags = new Set([
      (await get(PROVIDERS)).headers.get("etag"),
      (await get(`{ providers { id } }`)).headers.get("etag"),
      (await get(ESTIMATE, { variables: HOOX })).headers.get("etag"),
      (await get(ESTIMATE, { variables: { input: { ...HOOX.input, parameters: [{ name: "duration", value: 4 }] } } })).headers.get("etag"),
      (await get(ESTIMATE, { variables: HOOX, operationName: "Estimate" })).headers.get("etag"),
    ]);
    expect(tags.size).toBe(5);
    expect(tags.has(null)).toBe(false);
    // And a 304 only for its own request: the tag of one query does not stand for another.
    const providersTag = (await get(PROVIDERS)).headers.get("etag")!;
    expect((await get(`{ providers { id } }`, { headers: { "if-none-match": providersTag } })).status).toBe(200);
  });

  it("has another ETag after a deploy: the tag covers the code that answered, not only the catalog", async () => {
    const served = (await get(PROVIDERS)).headers.get("etag");
    const request = { search: `?${new URLSearchParams({ query: PROVIDERS })}`, header: () => undefined };
    const catalogVersion = server.app.services.catalog.version();
    expect(served).toBe(publicGet(request, publicVersion(catalogVersion))!.etag);
    expect(served).not.toBe(publicGet(request, catalogVersion)!.etag);
    // The code's fingerprint follows any change to a file of it.
    const code = mkdtempSync(join(tmpdir(), "build-"));
    try {
      mkdirSync(join(code, "graphql"));
      writeFileSync(join(code, "graphql", "resolver.js"), "export const answer = 1;");
      const before = codeFingerprint(code);
      expect(codeFingerprint(code)).toBe(before);
      writeFileSync(join(code, "graphql", "resolver.js"), "export const answer = 2;");
      expect(codeFingerprint(code)).not.toBe(before);
    } finally {
      rmSync(code, { recursive: true, force: true });
    }
  });
});

describe("never stored", () => {
  it("a GET with a key header, valid or not: private, no-store and no ETag, even with a matching If-None-Match", async () => {
    const etag = (await get(PROVIDERS)).headers.get("etag")!;
    for (const headers of [{ "x-api-key": TEST_ADMIN_KEY }, { authorization: `Bearer ${TEST_ADMIN_KEY}` }, { "x-api-key": "not-a-key" }] as Array<
      Record<string, string>
    >) {
      const answer = await get(PROVIDERS, { headers: { ...headers, "if-none-match": etag } });
      expect(answer.status, JSON.stringify(headers)).not.toBe(304);
      expect(answer.headers.get("etag")).toBeNull();
      expect(answer.headers.get("cache-control")).toBe("private, no-store");
    }
  });

  it("a GET whose query fails validation, or whose answer has errors", async () => {
    const invalid = await get(`{ providers { id nope } }`);
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("etag")).toBeNull();
    expect(invalid.headers.get("cache-control")).toBe("no-store");
    const failed = await get(`{ estimate(input: { productId: "nope/nope" }) { totalCredits } }`);
    expect(JSON.parse(failed.body).errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expect(failed.headers.get("etag")).toBeNull();
    expect(failed.headers.get("cache-control")).toBe("no-store");
  });

  it("a GET mutation or subscription: refused, and never 304, even with the tag its text would have", async () => {
    for (const query of [`mutation { jobCancel(input: { jobId: "x" }) { userErrors { code } } }`, `subscription { eventReceived { id } }`]) {
      const forged = publicGet(
        { search: `?${new URLSearchParams({ query })}`, header: () => undefined },
        publicVersion(server.app.services.catalog.version()),
      )!.etag;
      for (const ifNoneMatch of [forged, "*"]) {
        const answer = await get(query, { headers: { "if-none-match": ifNoneMatch } });
        expect(answer.status, query).toBeGreaterThanOrEqual(400);
        expect(answer.headers.get("etag")).toBeNull();
        expect(answer.headers.get("cache-control")).toBe("no-store");
      }
    }
  });

  it("a GET that CSRF prevention refuses, even with the tag of its answer", async () => {
    const etag = (await get(PROVIDERS)).headers.get("etag")!;
    const simple = await fetch(`${server.url}/graphql?${new URLSearchParams({ query: PROVIDERS })}`, { headers: { "if-none-match": etag } });
    expect(simple.status).toBe(400);
    expect(simple.headers.get("etag")).toBeNull();
  });

  it("a POST, anonymous or not", async () => {
    const anonymous = await server.gql(PROVIDERS);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get("etag")).toBeNull();
    expect(anonymous.headers.get("cache-control")).toBe("no-store");
    const keyed = await server.gql(PROVIDERS, undefined, { "x-api-key": TEST_ADMIN_KEY });
    expect(keyed.headers.get("etag")).toBeNull();
    expect(keyed.headers.get("cache-control")).toBe("private, no-store");
  });
});

describe("CATALOG_CACHE_MAX_AGE_SECONDS", () => {
  it("is 60 by default and refused out of range", () => {
    expect(loadConfig({}).catalogCacheMaxAgeSeconds).toBe(60);
    expect(loadConfig({ CATALOG_CACHE_MAX_AGE_SECONDS: "0" }).catalogCacheMaxAgeSeconds).toBe(0);
    expect(() => loadConfig({ CATALOG_CACHE_MAX_AGE_SECONDS: "-5" })).toThrow(/CATALOG_CACHE_MAX_AGE_SECONDS must be/);
    expect(() => loadConfig({ CATALOG_CACHE_MAX_AGE_SECONDS: "1d" })).toThrow(/CATALOG_CACHE_MAX_AGE_SECONDS must be/);
  });
});
