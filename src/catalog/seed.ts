/**
 * Writes the provider seeds into the catalog tables. Idempotent: a fingerprint of the validated
 * seed is kept in `metadata`; an unchanged seed is skipped, a changed one is applied in a single
 * transaction that upserts every row and removes the rows the seed no longer has.
 */
import { createHash } from "node:crypto";
import { eq, notInArray } from "drizzle-orm";
import type { CatalogDatabase } from "../store/catalog/client.js";
import * as t from "../store/catalog/schema.js";
import { parseDecimal, toMicros } from "../pricing/decimal.js";
import { mapConditionModels, type PriceComponent } from "../pricing/rules.js";
import { catalogIds } from "./ids.js";
import { catalogChanged, CATALOG_VERSION_KEY } from "./repository.js";
import { parseProviderSeed, type ProviderSeed } from "./seed-schema.js";

/** Bump when the mapping from seed to rows changes, so existing databases are re-seeded. */
const SEED_FORMAT_VERSION = 2;

export interface SeedResult {
  changed: boolean;
  fingerprint: string;
  counts: Record<string, number>;
}

const micros = (text: string) => toMicros(parseDecimal(text));
const optionalMicros = (text: string | undefined) => (text === undefined ? null : micros(text));

interface CatalogRows {
  providers: (typeof t.providers.$inferInsert)[];
  products: (typeof t.products.$inferInsert)[];
  productParameters: (typeof t.productParameters.$inferInsert)[];
  priceRules: (typeof t.priceRules.$inferInsert)[];
  models: (typeof t.models.$inferInsert)[];
  modelVariants: (typeof t.modelVariants.$inferInsert)[];
  productModels: (typeof t.productModels.$inferInsert)[];
  creditPacks: (typeof t.creditPacks.$inferInsert)[];
  subscriptionPlans: (typeof t.subscriptionPlans.$inferInsert)[];
}

export function catalogRows(seeds: ProviderSeed[]): CatalogRows {
  const rows: CatalogRows = {
    providers: [],
    products: [],
    productParameters: [],
    priceRules: [],
    models: [],
    modelVariants: [],
    productModels: [],
    creditPacks: [],
    subscriptionPlans: [],
  };
  seeds.forEach((seed, providerPosition) => {
    const sourceDocument = seed.sourceDocument;
    const creditValue = seed.creditValue ? parseDecimal(seed.creditValue.amount) : null;
    rows.providers.push({
      id: seed.id,
      name: seed.name,
      description: seed.description,
      position: providerPosition,
      creditValueMicros: creditValue ? toMicros(creditValue) : null,
      creditValueCurrency: seed.creditValue?.currency ?? null,
      creditValueSource: seed.creditValue?.source ?? null,
      sourceDocument,
    });

    seed.models.forEach((model, position) => {
      const modelId = catalogIds.model(seed.id, model.slug);
      rows.models.push({
        id: modelId,
        providerId: seed.id,
        position,
        name: model.name,
        description: model.description,
        multiplierMicros: micros(model.multiplier?.factor ?? "1"),
        multiplierSource: model.multiplier?.source ?? null,
        source: model.source,
        note: model.note ?? null,
        sourceDocument,
      });
      model.variants.forEach((variant, variantPosition) => {
        // Where the doc prices in dollars, credits follow from the credit value (ugen: x 100).
        const credits = variant.credits !== undefined ? parseDecimal(variant.credits) : parseDecimal(variant.priceUsd!).div(creditValue!);
        rows.modelVariants.push({
          id: catalogIds.variant(modelId, variant.slug),
          modelId,
          position: variantPosition,
          name: variant.name,
          resolution: variant.resolution ?? null,
          durationSeconds: variant.durationSeconds ?? null,
          billingUnit: variant.billingUnit,
          creditsMicros: toMicros(credits),
          upstreamCostMicros: optionalMicros(variant.upstreamCostUsd),
          source: variant.source,
          sourceDocument,
          note: variant.note ?? null,
        });
      });
    });

    seed.products.forEach((product, position) => {
      const productId = catalogIds.product(seed.id, product.slug);
      const { components, minimumCredits, rounding } = product.price;
      const assumed = components.some((c) => c.source === "ASSUMED") || minimumCredits?.source === "ASSUMED" || rounding?.source === "ASSUMED";
      rows.products.push({
        id: productId,
        providerId: seed.id,
        position,
        name: product.name,
        description: product.description,
        operation: product.operation,
        category: product.category,
        source: assumed ? "ASSUMED" : "DOCUMENTED",
        minimumCreditsMicros: optionalMicros(minimumCredits?.credits),
        minimumCreditsSource: minimumCredits?.source ?? null,
        rounding: rounding?.mode ?? "NONE",
        roundingSource: rounding?.source ?? null,
        chargedOnAcceptance: product.chargedOnAcceptance !== undefined,
        chargeTimingSource: product.chargedOnAcceptance?.source ?? null,
        chargeTimingNote: product.chargedOnAcceptance?.note ?? null,
        modelRequired: product.modelRequired,
        sourceDocument,
      });
      product.parameters.forEach((parameter, parameterPosition) => {
        rows.productParameters.push({
          productId,
          name: parameter.name,
          position: parameterPosition,
          type: parameter.type,
          unit: parameter.unit ?? null,
          description: parameter.description,
          required: parameter.required,
          defaultValue: parameter.defaultValue ?? null,
          allowedValues: parameter.allowedValues ?? null,
          minimum: parameter.minimum ?? null,
          maximum: parameter.maximum ?? null,
          maxItems: parameter.maxItems ?? null,
          minItems: parameter.type.endsWith("_LIST") ? (parameter.minItems ?? 1) : null,
          normalize: parameter.normalize ?? null,
          boundsSource: hasBounds(parameter) ? (parameter.bounds?.source ?? "ASSUMED") : null,
          boundsNote: hasBounds(parameter)
            ? (parameter.bounds?.note ?? `${sourceDocument} gives no bounds for this input; these are assumed, to keep one request within reason.`)
            : null,
          assumedValues: parameter.assumedValues ?? null,
        });
      });
      components.forEach((component, componentPosition) => {
        rows.priceRules.push(priceRuleRow(seed, productId, component, componentPosition));
      });
      (product.models ?? []).forEach((modelSlug, modelPosition) => {
        rows.productModels.push({
          productId,
          modelId: catalogIds.model(seed.id, modelSlug),
          position: modelPosition,
          isDefault: modelPosition === 0 && !product.modelRequired,
        });
      });
    });

    seed.creditPacks.forEach((pack, position) => {
      rows.creditPacks.push({
        id: catalogIds.creditPack(seed.id, pack.slug),
        providerId: seed.id,
        position,
        name: pack.name,
        priceMicros: micros(pack.priceUsd),
        currency: "USD",
        creditsMicros: micros(pack.credits),
        creditsExpireAfterDays: pack.creditsExpireAfterDays ?? null,
        source: pack.source,
        sourceDocument,
      });
    });

    seed.subscriptionPlans.forEach((plan, position) => {
      rows.subscriptionPlans.push({
        id: catalogIds.subscriptionPlan(seed.id, plan.slug),
        providerId: seed.id,
        position,
        name: plan.name,
        description: plan.description,
        monthlyCreditsMicros: optionalMicros(plan.monthlyCredits),
        priceMicros: optionalMicros(plan.priceUsd),
        currency: plan.priceUsd === undefined ? null : "USD",
        interval: plan.interval ?? null,
        contactSales: plan.contactSales,
        creditsExpireAtPeriodEnd: plan.creditsExpire !== undefined,
        creditsExpirySource: plan.creditsExpire?.source ?? null,
        creditsExpiryNote: plan.creditsExpire?.note ?? null,
        source: plan.source,
        sourceDocument,
      });
    });
  });
  return rows;
}

function priceRuleRow(seed: ProviderSeed, productId: string, component: PriceComponent, position: number): typeof t.priceRules.$inferInsert {
  const rate = component.rate;
  const base = {
    productId,
    code: component.code,
    position,
    description: component.description,
    unit: component.unit,
    condition: component.when ? mapConditionModels(component.when, (slug) => catalogIds.model(seed.id, slug)) : null,
    quantity: component.quantity,
    perSecondQuantity: component.perSecondQuantity ?? null,
    blockSizeMicros: optionalMicros(component.block?.size),
    blockRounding: component.block?.rounding ?? null,
    minimumCreditsMicros: optionalMicros(component.minimumCredits),
    source: component.source,
    sourceDocument: seed.sourceDocument,
    note: component.note ?? null,
  };
  if ("percentOf" in rate) {
    return { ...base, rateKind: "PERCENT_OF", rateMicros: micros(rate.percent), percentOf: rate.percentOf };
  }
  if ("byParameter" in rate) {
    const table = Object.fromEntries(Object.entries(rate.credits).map(([value, credits]) => [value, micros(credits)]));
    return { ...base, rateKind: "BY_PARAMETER", rateParameter: rate.byParameter, rateTableMicros: table };
  }
  if ("variant" in rate) {
    return {
      ...base,
      rateKind: "VARIANT",
      variantModelId: rate.variant.model ? catalogIds.model(seed.id, rate.variant.model) : null,
      variantMatch: rate.variant.match,
    };
  }
  return { ...base, rateKind: "FLAT", rateMicros: micros(rate.credits) };
}

export function fingerprintOf(seeds: ProviderSeed[]): string {
  return createHash("sha256").update(JSON.stringify({ SEED_FORMAT_VERSION, seeds })).digest("hex");
}

/** Validates the seeds and brings the catalog tables in line with them. */
export function seedCatalog(database: CatalogDatabase, input: unknown[]): SeedResult {
  const seeds = input.map(parseProviderSeed);
  const fingerprint = fingerprintOf(seeds);
  const rows = catalogRows(seeds);
  const counts = Object.fromEntries(Object.entries(rows).map(([table, list]) => [table, list.length]));
  const { db } = database;

  const current = db.select().from(t.catalogMetadata).where(eq(t.catalogMetadata.key, CATALOG_VERSION_KEY)).get();
  if (current?.value === fingerprint) return { changed: false, fingerprint, counts };

  database.sqlite
    .transaction(() => {
      // Rows keyed by their parent are replaced whole; they have no dependents.
      db.delete(t.productModels).run();
      db.delete(t.priceRules).run();
      db.delete(t.productParameters).run();

      upsert(db, t.providers, t.providers.id, rows.providers);
      upsert(db, t.models, t.models.id, rows.models);
      upsert(db, t.modelVariants, t.modelVariants.id, rows.modelVariants);
      upsert(db, t.products, t.products.id, rows.products);
      upsert(db, t.creditPacks, t.creditPacks.id, rows.creditPacks);
      upsert(db, t.subscriptionPlans, t.subscriptionPlans.id, rows.subscriptionPlans);
      insertAll(db, t.productParameters, rows.productParameters);
      insertAll(db, t.priceRules, rows.priceRules);
      insertAll(db, t.productModels, rows.productModels);

      // Children before parents, so foreign keys hold at every step.
      removeStale(db, t.modelVariants, t.modelVariants.id, rows.modelVariants);
      removeStale(db, t.models, t.models.id, rows.models);
      removeStale(db, t.products, t.products.id, rows.products);
      removeStale(db, t.creditPacks, t.creditPacks.id, rows.creditPacks);
      removeStale(db, t.subscriptionPlans, t.subscriptionPlans.id, rows.subscriptionPlans);
      removeStale(db, t.providers, t.providers.id, rows.providers);

      db.insert(t.catalogMetadata)
        .values({ key: CATALOG_VERSION_KEY, value: fingerprint })
        .onConflictDoUpdate({ target: t.catalogMetadata.key, set: { value: fingerprint, updatedAt: new Date().toISOString() } })
        .run();
    })
    .immediate();
  catalogChanged();

  return { changed: true, fingerprint, counts };
}

type Table =
  | typeof t.providers
  | typeof t.models
  | typeof t.modelVariants
  | typeof t.products
  | typeof t.creditPacks
  | typeof t.subscriptionPlans
  | typeof t.productParameters
  | typeof t.priceRules
  | typeof t.productModels;

// drizzle's insert types are per table; the helpers below take any catalog table and its rows.
/* eslint-disable @typescript-eslint/no-explicit-any */
function upsert(db: CatalogDatabase["db"], table: Table, key: any, rows: any[]): void {
  for (const row of rows) {
    const { id: _id, ...changes } = row;
    db.insert(table as any)
      .values(row)
      .onConflictDoUpdate({ target: key, set: changes })
      .run();
  }
}

function insertAll(db: CatalogDatabase["db"], table: Table, rows: any[]): void {
  for (const row of rows)
    db.insert(table as any)
      .values(row)
      .run();
}

function removeStale(db: CatalogDatabase["db"], table: Table, key: any, rows: Array<{ id: string }>): void {
  const keep = rows.map((row) => row.id);
  if (keep.length === 0) db.delete(table as any).run();
  else
    db.delete(table as any)
      .where(notInArray(key, keep))
      .run();
}

const hasBounds = (parameter: { minimum?: string; maximum?: string; maxItems?: number }) =>
  parameter.minimum !== undefined || parameter.maximum !== undefined || parameter.maxItems !== undefined;
