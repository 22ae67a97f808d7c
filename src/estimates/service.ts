/**
 * Estimates: loads a product's price rules from the catalog (through the request's loaders, so
 * several estimates in one query share reads) and prices them with the pure engine.
 */
import type { CatalogLoaders } from "../catalog/loaders.js";
import type { ModelRecord, ProductRecord, ProviderRecord } from "../catalog/records.js";
import type { CatalogRepository } from "../catalog/repository.js";
import { money, type Money } from "../pricing/money.js";
import {
  estimate as priceEstimate,
  PricingInputError,
  type EstimateRequest,
  type EstimateResult,
  type PricingModel,
  type PricingProduct,
} from "../pricing/engine.js";

export interface EstimateOutcome {
  product: ProductRecord;
  provider: ProviderRecord;
  model: ModelRecord | null;
  result: EstimateResult;
  /** totalCredits in money, when the provider's credit value is known. */
  totalPrice: Money | null;
}

async function pricingModel(loaders: CatalogLoaders, model: ModelRecord): Promise<PricingModel> {
  const variants = await loaders.variantsByModel.load(model.id);
  return { ...model, variants };
}

export async function loadPricingProduct(loaders: CatalogLoaders, productId: string): Promise<{ product: ProductRecord; pricing: PricingProduct } | null> {
  const product = await loaders.product.load(productId);
  if (!product) return null;
  const [parameters, components, links] = await Promise.all([
    loaders.parametersByProduct.load(product.id),
    loaders.priceComponentsByProduct.load(product.id),
    loaders.modelsByProduct.load(product.id),
  ]);
  const fixedModelIds = [...new Set(components.flatMap((c) => (c.variantModelId ? [c.variantModelId] : [])))];
  const fixedModelRecords = (await loaders.model.loadMany(fixedModelIds)).map((model, index) => {
    if (!model || model instanceof Error) throw new Error(`${product.id}: model ${fixedModelIds[index]} is missing`);
    return model;
  });
  const [models, fixedModels] = await Promise.all([
    Promise.all(links.map((link) => pricingModel(loaders, link.model))),
    Promise.all(fixedModelRecords.map((model) => pricingModel(loaders, model))),
  ]);
  return {
    product,
    pricing: {
      id: product.id,
      parameters,
      components: components.map((c) => c.rule),
      minimumCredits: product.minimumCredits && product.minimumCreditsSource ? { credits: product.minimumCredits, source: product.minimumCreditsSource } : null,
      rounding: product.roundingSource ? { mode: product.rounding, source: product.roundingSource } : null,
      models,
      defaultModelId: links.find((link) => link.isDefault)?.model.id ?? null,
      modelRequired: product.modelRequired,
      fixedModels,
    },
  };
}

interface PricedProduct {
  product: ProductRecord;
  provider: ProviderRecord;
  pricing: PricingProduct;
  models: Map<string, ModelRecord>;
}

/**
 * Products' price rules, assembled once and kept while the catalog's version (its seed
 * fingerprint) stays the same: the catalog changes only when a new seed is applied, and
 * reassembling rules from six tables on every estimate cost more than pricing them.
 */
export class PricingCatalog {
  private readonly products = new Map<string, PricedProduct>();
  private version = "";

  constructor(
    private readonly catalog: CatalogRepository,
    private readonly maxEntries = 10_000,
  ) {}

  /** The catalog's version, that prices are read from now. */
  catalogVersion(): string {
    return this.catalog.version();
  }

  /** `source.catalog` is read only on a miss: making a request's loaders costs more than a hit. */
  async get(source: LoaderSource, productId: string): Promise<PricedProduct | null> {
    const version = this.catalog.version();
    if (version !== this.version) {
      this.products.clear();
      this.version = version;
    }
    const cached = this.products.get(productId);
    if (cached) return cached;
    const loaders = source.catalog;
    const loaded = await loadPricingProduct(loaders, productId);
    if (!loaded) return null;
    const provider = (await loaders.provider.load(loaded.product.providerId))!;
    const links = await loaders.modelsByProduct.load(productId);
    const entry = { ...loaded, provider, models: new Map(links.map((link) => [link.model.id, link.model])) };
    if (this.products.size >= this.maxEntries) this.products.clear();
    this.products.set(productId, entry);
    return entry;
  }
}

/** Where the catalog's loaders come from: a request's context, which makes them on first use. */
export interface LoaderSource {
  readonly catalog: CatalogLoaders;
}

export async function estimateProduct(prices: PricingCatalog, loaders: LoaderSource, productId: string, request: EstimateRequest): Promise<EstimateOutcome> {
  const priced = await prices.get(loaders, productId);
  if (!priced) throw new PricingInputError(["productId"], `Unknown product "${productId}"`);
  const result = priceEstimate(priced.pricing, request);
  const creditValue = priced.provider.creditValue;
  return {
    product: priced.product,
    provider: priced.provider,
    model: result.model ? (priced.models.get(result.model.id) ?? null) : null,
    result,
    totalPrice: creditValue ? money(result.totalCredits.mul(creditValue.amount), creditValue.currency) : null,
  };
}

/** U-Gen's job estimate is this catalog product; its rules (and how the doc was read) are in seed/ugen.ts. */
export const JOB_ESTIMATE_PRODUCT_ID = "ugen/job-estimate";

/** The job-estimate body: a model and the product's parameters as named fields (null: the default). */
export type JobEstimateBody = { modelId?: string | null } & object;

/**
 * Prices a job-estimate body. Its inputs are fields of the body, not a parameter list, so a
 * refusal names the field itself (["segmentCount"], not ["parameters", "segmentCount"]); callers
 * put the path of the body in front (["input", "segmentCount"], ["input", "jobEstimate", …]).
 */
export async function estimateJob(prices: PricingCatalog, loaders: LoaderSource, body: JobEstimateBody): Promise<EstimateOutcome> {
  const parameters = Object.entries(body)
    .filter(([name, value]) => name !== "modelId" && value !== null && value !== undefined)
    .map(([name, value]) => ({ name, value }));
  try {
    return await estimateProduct(prices, loaders, JOB_ESTIMATE_PRODUCT_ID, { modelId: body.modelId, parameters });
  } catch (error) {
    if (error instanceof PricingInputError && error.field[0] === "parameters") {
      throw new PricingInputError(error.field.slice(1), error.message);
    }
    throw error;
  }
}
