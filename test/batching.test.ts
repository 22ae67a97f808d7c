import { describe, expect, it } from "vitest";
import { providerSeeds } from "../seed/index.js";
import { freshCatalog, startTestServer } from "./helpers.js";

const CATALOG_TREE = `{
  providers {
    id
    products { id parameters { name } priceComponents { code } models { id } provider { id } }
    models { id variants { id model { id } } }
    creditPacks { id savingsPercent }
    subscriptionPlans { id }
  }
}`;

/** The seeded catalog plus nine renamed copies of every provider: ten times the rows. */
function enlargedSeeds(factor: number) {
  const copies = [];
  for (let n = 1; n < factor; n++) {
    for (const seed of providerSeeds) copies.push({ ...seed, id: `${seed.id}-copy${n}` });
  }
  return [...providerSeeds, ...copies];
}

async function measure(seeds: unknown[]) {
  const server = await startTestServer({ catalog: freshCatalog(seeds) });
  try {
    const before = server.catalog.statementCount();
    const { body } = await server.gql(CATALOG_TREE);
    expect(body.errors).toBeUndefined();
    const statements = server.catalog.statementCount() - before;
    const products = body.data.providers.flatMap((p: any) => p.products).length;
    const variants = body.data.providers.flatMap((p: any) => p.models.flatMap((m: any) => m.variants)).length;
    return { statements, products, variants };
  } finally {
    await server.close();
  }
}

describe("DataLoader batching", () => {
  it("reads the whole catalog tree with a number of statements that does not grow with the rows", async () => {
    const base = await measure(providerSeeds);
    const tenfold = await measure(enlargedSeeds(10));

    expect(tenfold.products).toBe(base.products * 10);
    expect(tenfold.variants).toBe(base.variants * 10);
    expect(tenfold.statements).toBe(base.statements);
    // One statement per kind of read: providers, products, parameters, components, product models,
    // models, variants, packs, plans, the product -> provider and variant -> model lookups, and the
    // response cache's check of the catalog version.
    expect(base.statements).toBeLessThanOrEqual(12);
  });
});
