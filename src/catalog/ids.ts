/**
 * Catalog ids are readable paths, unique across all types so they double as Relay node ids:
 *   provider  "ugen"                      product  "ugen/job-estimate"
 *   model     "ugen/models/veo3_fast"     variant  "ugen/models/veo3_fast/i2v-standard"
 *   pack      "ugen/packs/starter"        plan     "creatify/plans/api-pro"
 */
export const catalogIds = {
  product: (providerId: string, slug: string) => `${providerId}/${slug}`,
  model: (providerId: string, slug: string) => `${providerId}/models/${slug}`,
  variant: (modelId: string, slug: string) => `${modelId}/${slug}`,
  creditPack: (providerId: string, slug: string) => `${providerId}/packs/${slug}`,
  subscriptionPlan: (providerId: string, slug: string) => `${providerId}/plans/${slug}`,
};

export type CatalogIdKind = "Provider" | "Product" | "Model" | "Variant" | "CreditPack" | "SubscriptionPlan";

/** Which kind of catalog object an id names, from its shape alone; null for a shape no object has. */
export function kindOfCatalogId(id: string): CatalogIdKind | null {
  const parts = id.split("/");
  if (parts.some((part) => part.length === 0)) return null;
  switch (parts.length) {
    case 1:
      return "Provider";
    case 2:
      return "Product";
    case 3:
      return parts[1] === "models" ? "Model" : parts[1] === "packs" ? "CreditPack" : parts[1] === "plans" ? "SubscriptionPlan" : null;
    case 4:
      return parts[1] === "models" ? "Variant" : null;
    default:
      return null;
  }
}
