/** Caches of catalog data: public responses and assembled price rules, dropped when the catalog changes. */
import { describe, expect, it } from "vitest";
import { seedCatalog } from "../src/catalog/seed.js";
import { providerSeeds } from "../seed/index.js";
import ugen from "../seed/ugen.js";
import { freshCatalog, startTestServer, TEST_ADMIN_KEY } from "./helpers.js";

const CATALOG = `{ creditPacks(provider: "ugen") { id price { amount } } }`;

describe("public response cache", () => {
  it("answers a repeated anonymous query from the cache, without reading the catalog again", async () => {
    const server = await startTestServer();
    const first = await server.gql(CATALOG);
    const before = server.catalog.statementCount();
    const second = await server.gql(CATALOG);
    expect(second.body).toEqual(first.body);
    // Nothing was read: the catalog version was checked within the last second.
    expect(server.catalog.statementCount() - before).toBe(0);
    await server.close();
  });

  it("is dropped when a changed seed is applied", async () => {
    const catalog = freshCatalog();
    const server = await startTestServer({ catalog });
    const estimate = `{ estimate(input: { productId: "ugen/video-generation", modelId: "veo3_fast" }) { totalCredits } }`;
    expect((await server.gql(CATALOG)).body.data.creditPacks[0].price.amount).toBe("10");
    expect((await server.gql(estimate)).body.data.estimate.totalCredits).toBe("40");

    const changed = structuredClone(ugen);
    changed.creditPacks![0].priceUsd = "11";
    changed.models![0].variants[0].priceUsd = "0.55";
    seedCatalog(
      catalog,
      providerSeeds.map((seed) => (seed.id === "ugen" ? changed : seed)),
    );

    expect((await server.gql(CATALOG)).body.data.creditPacks[0].price.amount).toBe("11");
    expect((await server.gql(estimate)).body.data.estimate.totalCredits).toBe("55");
    await server.close();
  });

  it("never serves account data, mutations or errors from the cache", async () => {
    const server = await startTestServer();
    const admin = { "x-api-key": TEST_ADMIN_KEY };
    const created = await server.gql(`mutation { accountCreate(input: { name: "A" }) { apiKey account { id } } }`, undefined, admin);
    const key = { "x-api-key": created.body.data.accountCreate.apiKey };
    const viewer = `{ viewer { balance } }`;
    expect((await server.gql(viewer, undefined, key)).body.data.viewer.balance).toBe("0");
    await server.gql(
      `mutation ($id: ID!) { creditsGrant(input: { accountId: $id, provider: "ugen", credits: "5", reason: "x" }) { userErrors { code } } }`,
      { id: created.body.data.accountCreate.account.id },
      admin,
    );
    expect((await server.gql(viewer, undefined, key)).body.data.viewer.balance).toBe("5");

    // Anonymous: an error is not cached; the second answer is computed again (it reads the catalog).
    expect((await server.gql(viewer)).body.errors![0].extensions!.code).toBe("UNAUTHENTICATED");
    const unknown = `{ estimate(input: { productId: "nope/nope" }) { totalCredits } }`;
    expect((await server.gql(unknown)).body.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
    const before = server.catalog.statementCount();
    expect((await server.gql(unknown)).body.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
    expect(server.catalog.statementCount() - before).toBeGreaterThan(0);

    // Two identical anonymous mutations both run (and both fail on authentication).
    const mutation = `mutation { jobCreate(input: { credits: "1" }) { userErrors { code } } }`;
    for (let i = 0; i < 2; i++) expect((await server.gql(mutation)).body.errors![0].extensions!.code).toBe("UNAUTHENTICATED");
    await server.close();
  });
});
