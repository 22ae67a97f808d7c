/**
 * Per-request DataLoaders over the catalog repository: whatever the query's shape, each kind of
 * read is one SQL statement per level of the tree, not one per parent row.
 */
import DataLoader from "dataloader";
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
import type { CatalogRepository } from "./repository.js";

function byKey<T>(keys: readonly string[], records: T[], keyOf: (record: T) => string): Array<T | null> {
  const found = new Map(records.map((record) => [keyOf(record), record]));
  return keys.map((key) => found.get(key) ?? null);
}

function groupsFor<T>(keys: readonly string[], groups: Map<string, T[]>): T[][] {
  return keys.map((key) => groups.get(key) ?? []);
}

/** DataLoader runs batch functions asynchronously; ours are synchronous SQLite reads. */
const sync =
  <V>(load: (keys: readonly string[]) => V[]) =>
  async (keys: readonly string[]) =>
    load(keys);

export function createCatalogLoaders(repository: CatalogRepository) {
  const creditPacksByProvider = new DataLoader<string, CreditPackRecord[]>(sync((ids) => groupsFor(ids, repository.creditPacksByProviderIds(ids))));
  return {
    provider: new DataLoader<string, ProviderRecord | null>(sync((ids) => byKey(ids, repository.providersByIds(ids), (p) => p.id))),
    product: new DataLoader<string, ProductRecord | null>(sync((ids) => byKey(ids, repository.productsByIds(ids), (p) => p.id))),
    model: new DataLoader<string, ModelRecord | null>(sync((ids) => byKey(ids, repository.modelsByIds(ids), (m) => m.id))),
    variant: new DataLoader<string, VariantRecord | null>(sync((ids) => byKey(ids, repository.variantsByIds(ids), (v) => v.id))),
    subscriptionPlan: new DataLoader<string, SubscriptionPlanRecord | null>(sync((ids) => byKey(ids, repository.subscriptionPlansByIds(ids), (p) => p.id))),
    /** A pack is read with its provider's other packs: its saving is relative to them. */
    creditPack: new DataLoader<string, CreditPackRecord | null>(async (ids) => {
      const providerIds = ids.map((id) => id.split("/")[0]);
      const groups = await creditPacksByProvider.loadMany(providerIds);
      return ids.map((id, index) => {
        const group = groups[index];
        return group instanceof Error ? group : (group.find((pack) => pack.id === id) ?? null);
      });
    }),
    creditPacksByProvider,
    productsByProvider: new DataLoader<string, ProductRecord[]>(sync((ids) => groupsFor(ids, repository.productsByProviderIds(ids)))),
    parametersByProduct: new DataLoader<string, ParameterRecord[]>(sync((ids) => groupsFor(ids, repository.parametersByProductIds(ids)))),
    priceComponentsByProduct: new DataLoader<string, PriceComponentRecord[]>(sync((ids) => groupsFor(ids, repository.priceComponentsByProductIds(ids)))),
    modelsByProvider: new DataLoader<string, ModelRecord[]>(sync((ids) => groupsFor(ids, repository.modelsByProviderIds(ids)))),
    modelsByProduct: new DataLoader<string, ProductModelRecord[]>(sync((ids) => groupsFor(ids, repository.modelsByProductIds(ids)))),
    variantsByModel: new DataLoader<string, VariantRecord[]>(sync((ids) => groupsFor(ids, repository.variantsByModelIds(ids)))),
    subscriptionPlansByProvider: new DataLoader<string, SubscriptionPlanRecord[]>(
      sync((ids) => groupsFor(ids, repository.subscriptionPlansByProviderIds(ids))),
    ),
  };
}

export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;
