/**
 * Properties of the engine over every product of the seeded catalog, with random valid inputs:
 * line items add up, costs never fall as a duration or count grows, and results are deterministic.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createCatalogLoaders } from "../src/catalog/loaders.js";
import { CatalogRepository } from "../src/catalog/repository.js";
import { loadPricingProduct } from "../src/estimates/service.js";
import { Decimal } from "../src/pricing/decimal.js";
import { estimate, PricingInputError, type EstimateResult, type PricingParameter, type PricingProduct } from "../src/pricing/engine.js";
import { providerSeeds } from "../seed/index.js";
import { freshCatalog } from "./helpers.js";

let products: PricingProduct[] = [];

beforeAll(async () => {
  const database = freshCatalog();
  const repository = new CatalogRepository(database.db);
  const loaders = createCatalogLoaders(repository);
  const ids = repository.listProviders().flatMap((p) => repository.productsByProviderIds([p.id]).get(p.id) ?? []);
  products = await Promise.all(ids.map(async (p) => (await loadPricingProduct(loaders, p.id))!.pricing));
  database.close();
});

const isNumeric = (p: PricingParameter) => p.type === "INTEGER" || p.type === "DECIMAL";

/** A valid value for a numeric parameter between its bounds (micro-precision for decimals). */
function numberBetween(p: PricingParameter, low?: Decimal, high?: Decimal): fc.Arbitrary<number | string> {
  const min = low ?? p.minimum ?? new Decimal(0);
  const max = high ?? p.maximum ?? new Decimal(100);
  if (p.type === "INTEGER") return fc.integer({ min: min.toNumber(), max: max.toNumber() });
  return fc.integer({ min: min.mul(1e6).toNumber(), max: max.mul(1e6).toNumber() }).map((micros) => new Decimal(micros).div(1e6).toFixed());
}

function valueOf(p: PricingParameter): fc.Arbitrary<unknown> {
  switch (p.type) {
    case "BOOLEAN":
      return fc.boolean();
    case "STRING":
      return p.allowedValues ? fc.constantFrom(...(p.allowedValues as string[])) : fc.string({ maxLength: 20 });
    case "STRING_LIST":
      return fc.array(fc.webUrl(), { maxLength: Math.min(p.maxItems ?? 5, 12) });
    case "DECIMAL_LIST":
      return fc.array(numberBetween({ ...p, type: "DECIMAL" }), { minLength: 1, maxLength: Math.min(p.maxItems ?? 5, 12) });
    default:
      return numberBetween(p);
  }
}

/** Random parameters for a product: every required one, each optional one maybe. */
function parametersFor(product: PricingProduct) {
  const entries = product.parameters.map((p) =>
    p.required
      ? valueOf(p).map((value) => [{ name: p.name, value }])
      : fc.option(valueOf(p), { nil: undefined }).map((value) => (value === undefined ? [] : [{ name: p.name, value }])),
  );
  return fc.tuple(...entries).map((lists) => lists.flat());
}

function requestFor(product: PricingProduct) {
  return fc.record({
    parameters: parametersFor(product),
    modelId: product.models.length > 0 ? fc.constantFrom(...product.models.map((m) => m.id)) : fc.constant(null),
    generationCount: fc.integer({ min: 1, max: 100 }),
  });
}

/** Runs the engine; a refusal must be a PricingInputError (e.g. a model lacking the asked variant), nothing else. */
function tryEstimate(product: PricingProduct, request: Parameters<typeof estimate>[1]): EstimateResult | null {
  try {
    return estimate(product, request);
  } catch (error) {
    expect(error).toBeInstanceOf(PricingInputError);
    return null;
  }
}

describe("pricing engine properties", () => {
  it("line items sum to the cost per generation, and the total is cost x generations", () => {
    for (const product of products) {
      fc.assert(
        fc.property(requestFor(product), (request) => {
          const result = tryEstimate(product, request);
          if (!result) return;
          const sum = result.lineItems.reduce((total, line) => total.plus(line.credits), new Decimal(0));
          expect(sum.equals(result.costPerGeneration), product.id).toBe(true);
          expect(result.totalCredits.equals(result.costPerGeneration.mul(request.generationCount))).toBe(true);
          for (const line of result.lineItems) {
            expect(line.credits.isNegative(), `${product.id} ${line.code}`).toBe(false);
            expect(line.credits.decimalPlaces()).toBeLessThanOrEqual(6);
            // quantity x unit credits = credits, to the micro-credit: credits come from the exact
            // quantity (rounded up), the quantity shown is rounded to 6 places.
            const slack = line.unitCredits.abs().mul(0.0000005).plus(0.000001);
            expect(line.quantity.mul(line.unitCredits).minus(line.credits).abs().lessThanOrEqualTo(slack), `${product.id} ${line.code}`).toBe(true);
          }
          if (product.rounding?.mode === "UP") expect(result.costPerGeneration.isInteger()).toBe(true);
          if (product.minimumCredits) {
            expect(result.costPerGeneration.greaterThanOrEqualTo(product.minimumCredits.credits)).toBe(true);
          }
        }),
        { numRuns: 60 },
      );
    }
  });

  it("costs never decrease as a duration or count grows", () => {
    for (const product of products) {
      for (const parameter of product.parameters.filter(isNumeric)) {
        const others = { ...product, parameters: product.parameters.filter((p) => p !== parameter) };
        const pair = fc.tuple(numberBetween(parameter), numberBetween(parameter)).map(([a, b]) => (new Decimal(a).lessThanOrEqualTo(b) ? [a, b] : [b, a]));
        fc.assert(
          fc.property(requestFor(others), pair, (request, [smaller, larger]) => {
            const at = (value: number | string) => tryEstimate(product, { ...request, parameters: [...request.parameters, { name: parameter.name, value }] });
            const low = at(smaller);
            const high = at(larger);
            if (!low || !high) return;
            expect(
              low.totalCredits.lessThanOrEqualTo(high.totalCredits),
              `${product.id}: ${parameter.name} ${smaller} -> ${low.totalCredits}, ${larger} -> ${high.totalCredits}`,
            ).toBe(true);
          }),
          { numRuns: 30 },
        );
      }
    }
  });

  it("is deterministic: the same request prices the same", () => {
    for (const product of products) {
      fc.assert(
        fc.property(requestFor(product), (request) => {
          const first = tryEstimate(product, request);
          const second = tryEstimate(product, structuredClone(request));
          expect(JSON.stringify(second)).toBe(JSON.stringify(first));
        }),
        { numRuns: 20 },
      );
    }
  });

  it("covers the whole catalog", () => {
    expect(products).toHaveLength(providerSeeds.reduce((count, seed) => count + (seed.products?.length ?? 0), 0));
  });
});
