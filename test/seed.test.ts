import { describe, expect, it } from "vitest";
import { seedCatalog } from "../src/catalog/seed.js";
import { SeedError } from "../src/catalog/seed-schema.js";
import { openCatalogDatabase, type CatalogDatabase } from "../src/store/catalog/client.js";
import { providerSeeds } from "../seed/index.js";
import ugen from "../seed/ugen.js";
import { startTestServer } from "./helpers.js";

const TABLES = [
  "providers",
  "products",
  "product_parameters",
  "price_rules",
  "models",
  "model_variants",
  "product_models",
  "credit_packs",
  "subscription_plans",
];

function rowCounts(database: CatalogDatabase) {
  return Object.fromEntries(TABLES.map((table) => [table, (database.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n]));
}

const clone = <T>(value: T): T => structuredClone(value);

describe("seeding", () => {
  it("is idempotent: seeding again changes nothing and duplicates nothing", () => {
    const database = openCatalogDatabase();
    const first = seedCatalog(database, providerSeeds);
    const counts = rowCounts(database);
    const second = seedCatalog(database, providerSeeds);
    expect(first.changed).toBe(true);
    expect(second.changed).toBe(false);
    expect(rowCounts(database)).toEqual(counts);
    expect(counts.products).toBe(38);
    database.close();
  });

  it("applies a changed seed: updated prices show, removed rows go, the rest stays", async () => {
    const database = openCatalogDatabase();
    seedCatalog(database, providerSeeds);
    const changed = clone(ugen);
    changed.creditPacks![0].priceUsd = "12";
    changed.creditPacks = changed.creditPacks!.filter((pack) => pack.slug !== "enterprise");
    changed.products = changed.products!.filter((product) => product.slug !== "video-generation");
    const result = seedCatalog(
      database,
      providerSeeds.map((seed) => (seed.id === "ugen" ? changed : seed)),
    );
    expect(result.changed).toBe(true);

    const server = await startTestServer({ catalog: database });
    const { body } = await server.gql(`{
      creditPacks(provider: "ugen") { id price { amount } savingsPercent }
      product(id: "ugen/video-generation") { id }
      other: product(id: "ugen/job-estimate") { id parameters { name } }
    }`);
    await server.close();
    expect(body.data.creditPacks.map((p: any) => [p.id, p.price.amount])).toEqual([
      ["ugen/packs/starter", "12"],
      ["ugen/packs/creator", "45"],
      ["ugen/packs/studio", "175"],
    ]);
    // Savings are recomputed against the new smallest-pack rate: 1 - 0.045 / 0.06 = 25%.
    expect(body.data.creditPacks[1].savingsPercent).toBe("25");
    expect(body.data.product).toBeNull();
    expect(body.data.other.parameters).toHaveLength(16);
  });

  it("fails on a typo in the seed, naming the place, and writes nothing", () => {
    const cases: Array<[string, (seed: any) => void, RegExp]> = [
      ["bad decimal", (s) => (s.creditPacks[0].credits = "2OO"), /creditPacks\.0\.credits: must be a decimal string/],
      [
        "unknown parameter in a rule",
        (s) => (s.products[0].price.components[2].when = { param: "captionStyel", notEquals: "none" }),
        /job-estimate\.price\.captions: uses parameter "captionStyel"/,
      ],
      ["unknown model", (s) => (s.products[0].models = ["veo9"]), /model "veo9" is not among/],
      ["percent of a later component", (s) => (s.products[0].price.components[6].rate.percentOf = ["hitl_segment_rejections"]), /must come before it/],
      ["unknown field", (s) => (s.creditPacks[0].pricee = "1"), /Unrecognized key/],
      ["duplicate slug", (s) => (s.creditPacks[1].slug = "starter"), /slug "starter" is used twice/],
      ["default outside its type", (s) => (s.products[0].parameters[2].defaultValue = "8"), /does not fit type INTEGER/],
      ["a condition on a model not offered", (s) => (s.products[0].price.components[2].when = { model: "veo9" }), /captions: a condition names model "veo9"/],
      [
        "a required model without models",
        (s) => Object.assign(s.products[0], { models: undefined, modelRequired: true }),
        /modelRequired needs the product's models/,
      ],
    ];
    for (const [label, mutate, message] of cases) {
      const broken = clone(ugen);
      mutate(broken);
      const database = openCatalogDatabase();
      expect(() => seedCatalog(database, [broken]), label).toThrowError(SeedError);
      expect(() => seedCatalog(database, [broken]), label).toThrowError(message);
      expect(rowCounts(database).providers, label).toBe(0);
      database.close();
    }
  });
});
