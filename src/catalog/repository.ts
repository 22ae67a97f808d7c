/**
 * Reads of the catalog. Every method takes a list of keys and answers with one statement, so the
 * per-request DataLoaders (./loaders.ts) can batch any query shape into a fixed number of reads.
 */
import { asc, eq, sql } from "drizzle-orm";
import type { CatalogDb } from "../store/catalog/client.js";
import { idsParam, inIds } from "../store/catalog/in-ids.js";
import * as t from "../store/catalog/schema.js";
import type {
  CreditPackRecord,
  ModelRecord,
  ParameterRecord,
  PriceComponentRecord,
  ProductModelRecord,
  ProductRecord,
  ProviderRecord,
  SubscriptionPlanRecord,
  VariantRecord,
} from "./records.js";
import { toProvider, toProduct, toParameter, toPriceComponent, toModel, toVariant, toCreditPacks, toSubscriptionPlan } from "./rows.js";

/** The metadata key seeding writes the catalog's fingerprint under (see ./seed.ts). */
export const CATALOG_VERSION_KEY = "catalog_seed_fingerprint";

/** Bumped whenever this process changes the catalog, so version() reads the database again. */
let catalogGeneration = 0;
export function catalogChanged(): void {
  catalogGeneration++;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export class CatalogRepository {
  // Every read is prepared once: building and preparing SQL per call cost more than running it.
  private readonly queries;

  constructor(db: CatalogDb) {
    const variantSelect = () =>
      db
        .select({
          variant: t.modelVariants,
          creditValueMicros: t.providers.creditValueMicros,
          currency: t.providers.creditValueCurrency,
        })
        .from(t.modelVariants)
        .innerJoin(t.models, eq(t.models.id, t.modelVariants.modelId))
        .innerJoin(t.providers, eq(t.providers.id, t.models.providerId));
    this.queries = {
      allProviders: db.select().from(t.providers).orderBy(asc(t.providers.position)).prepare(),
      providersByIds: db.select().from(t.providers).where(inIds(t.providers.id)).prepare(),
      productsByIds: db.select().from(t.products).where(inIds(t.products.id)).prepare(),
      productsByProviderIds: db
        .select()
        .from(t.products)
        .where(inIds(t.products.providerId))
        .orderBy(asc(t.products.providerId), asc(t.products.position))
        .prepare(),
      parametersByProductIds: db
        .select()
        .from(t.productParameters)
        .where(inIds(t.productParameters.productId))
        .orderBy(asc(t.productParameters.productId), asc(t.productParameters.position))
        .prepare(),
      priceComponentsByProductIds: db
        .select()
        .from(t.priceRules)
        .where(inIds(t.priceRules.productId))
        .orderBy(asc(t.priceRules.productId), asc(t.priceRules.position))
        .prepare(),
      modelsByIds: db.select().from(t.models).where(inIds(t.models.id)).prepare(),
      modelsByProviderIds: db.select().from(t.models).where(inIds(t.models.providerId)).orderBy(asc(t.models.providerId), asc(t.models.position)).prepare(),
      modelsByProductIds: db
        .select({ link: t.productModels, model: t.models })
        .from(t.productModels)
        .innerJoin(t.models, eq(t.models.id, t.productModels.modelId))
        .where(inIds(t.productModels.productId))
        .orderBy(asc(t.productModels.productId), asc(t.productModels.position))
        .prepare(),
      variantsByIds: variantSelect().where(inIds(t.modelVariants.id)).prepare(),
      variantsByModelIds: variantSelect().where(inIds(t.modelVariants.modelId)).orderBy(asc(t.modelVariants.modelId), asc(t.modelVariants.position)).prepare(),
      creditPacksByProviderIds: db
        .select()
        .from(t.creditPacks)
        .where(inIds(t.creditPacks.providerId))
        .orderBy(asc(t.creditPacks.providerId), asc(t.creditPacks.position))
        .prepare(),
      allCreditPacks: db
        .select({ pack: t.creditPacks })
        .from(t.creditPacks)
        .innerJoin(t.providers, eq(t.providers.id, t.creditPacks.providerId))
        .orderBy(asc(t.providers.position), asc(t.creditPacks.position))
        .prepare(),
      subscriptionPlansByProviderIds: db
        .select()
        .from(t.subscriptionPlans)
        .where(inIds(t.subscriptionPlans.providerId))
        .orderBy(asc(t.subscriptionPlans.providerId), asc(t.subscriptionPlans.position))
        .prepare(),
      allSubscriptionPlans: db
        .select({ plan: t.subscriptionPlans })
        .from(t.subscriptionPlans)
        .innerJoin(t.providers, eq(t.providers.id, t.subscriptionPlans.providerId))
        .orderBy(asc(t.providers.position), asc(t.subscriptionPlans.position))
        .prepare(),
      subscriptionPlansByIds: db.select().from(t.subscriptionPlans).where(inIds(t.subscriptionPlans.id)).prepare(),
      version: db
        .select({ value: t.catalogMetadata.value })
        .from(t.catalogMetadata)
        .where(eq(t.catalogMetadata.key, sql.placeholder("key")))
        .prepare(),
    };
  }

  private knownVersion: { value: string; readAt: number; generation: number } | null = null;

  /**
   * Identifies the catalog's content: the fingerprint of the seed last applied. Caches of catalog
   * data keep it and are dropped when it changes. Read from the database at most once a second:
   * a seed applied by this process is seen at once (see catalogChanged), one applied by another
   * process within a second.
   */
  version(): string {
    const now = performance.now();
    const known = this.knownVersion;
    if (known && known.generation === catalogGeneration && now - known.readAt < 1000) return known.value;
    const value = this.queries.version.get({ key: CATALOG_VERSION_KEY })?.value ?? "unseeded";
    this.knownVersion = { value, readAt: now, generation: catalogGeneration };
    return value;
  }

  listProviders(): ProviderRecord[] {
    return this.queries.allProviders.all().map(toProvider);
  }

  providersByIds(ids: readonly string[]): ProviderRecord[] {
    return this.queries.providersByIds.all(idsParam(ids)).map(toProvider);
  }

  productsByIds(ids: readonly string[]): ProductRecord[] {
    return this.queries.productsByIds.all(idsParam(ids)).map(toProduct);
  }

  productsByProviderIds(providerIds: readonly string[]): Map<string, ProductRecord[]> {
    const rows = this.queries.productsByProviderIds.all(idsParam(providerIds));
    return groupBy(rows.map(toProduct), (product) => product.providerId);
  }

  parametersByProductIds(productIds: readonly string[]): Map<string, ParameterRecord[]> {
    const rows = this.queries.parametersByProductIds.all(idsParam(productIds));
    return groupBy(rows.map(toParameter), (parameter) => parameter.productId);
  }

  priceComponentsByProductIds(productIds: readonly string[]): Map<string, PriceComponentRecord[]> {
    const rows = this.queries.priceComponentsByProductIds.all(idsParam(productIds));
    return groupBy(rows.map(toPriceComponent), (component) => component.productId);
  }

  modelsByIds(ids: readonly string[]): ModelRecord[] {
    return this.queries.modelsByIds.all(idsParam(ids)).map(toModel);
  }

  modelsByProviderIds(providerIds: readonly string[]): Map<string, ModelRecord[]> {
    const rows = this.queries.modelsByProviderIds.all(idsParam(providerIds));
    return groupBy(rows.map(toModel), (model) => model.providerId);
  }

  modelsByProductIds(productIds: readonly string[]): Map<string, ProductModelRecord[]> {
    const rows = this.queries.modelsByProductIds.all(idsParam(productIds));
    return groupBy(
      rows.map(({ link, model }) => ({ productId: link.productId, model: toModel(model), isDefault: link.isDefault })),
      (entry) => entry.productId,
    );
  }

  variantsByIds(ids: readonly string[]): VariantRecord[] {
    return this.queries.variantsByIds.all(idsParam(ids)).map((row) => toVariant(row.variant, row.creditValueMicros, row.currency));
  }

  variantsByModelIds(modelIds: readonly string[]): Map<string, VariantRecord[]> {
    const rows = this.queries.variantsByModelIds.all(idsParam(modelIds));
    return groupBy(
      rows.map((row) => toVariant(row.variant, row.creditValueMicros, row.currency)),
      (variant) => variant.modelId,
    );
  }

  /** Packs grouped by provider; all of a provider's packs are read because savings compare among them. */
  creditPacksByProviderIds(providerIds: readonly string[]): Map<string, CreditPackRecord[]> {
    const rows = this.queries.creditPacksByProviderIds.all(idsParam(providerIds));
    const byProvider = groupBy(rows, (row) => row.providerId);
    return new Map([...byProvider].map(([providerId, packs]) => [providerId, toCreditPacks(packs)]));
  }

  listCreditPacks(): CreditPackRecord[] {
    const rows = this.queries.allCreditPacks.all().map((row) => row.pack);
    return [...groupBy(rows, (row) => row.providerId).values()].flatMap(toCreditPacks);
  }

  subscriptionPlansByProviderIds(providerIds: readonly string[]): Map<string, SubscriptionPlanRecord[]> {
    const rows = this.queries.subscriptionPlansByProviderIds.all(idsParam(providerIds));
    return groupBy(rows.map(toSubscriptionPlan), (plan) => plan.providerId);
  }

  listSubscriptionPlans(): SubscriptionPlanRecord[] {
    return this.queries.allSubscriptionPlans.all().map((row) => toSubscriptionPlan(row.plan));
  }

  subscriptionPlansByIds(ids: readonly string[]): SubscriptionPlanRecord[] {
    return this.queries.subscriptionPlansByIds.all(idsParam(ids)).map(toSubscriptionPlan);
  }
}
