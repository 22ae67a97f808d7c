/**
 * The catalog's tables: read-only data seeded from seed/ at start into an embedded SQLite database
 * of its own (every API node holds its own copy). Amounts are INTEGER micros (value x 10^6), never
 * binary floats; src/pricing/decimal.ts converts. Self-contained: drizzle-kit loads it on its own.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

const priceSource = () => text("source", { enum: ["DOCUMENTED", "ASSUMED"] }).notNull();
/** File name in shared/docs the value comes from. */
const sourceDocument = () => text("source_document").notNull();

export const providers = sqliteTable("providers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull(),
  position: integer("position").notNull(),
  /** What one credit costs, when the provider states it (ugen: 1 credit = $0.01). */
  creditValueMicros: integer("credit_value_micros"),
  creditValueCurrency: text("credit_value_currency"),
  creditValueSource: text("credit_value_source", { enum: ["DOCUMENTED", "ASSUMED"] }),
  sourceDocument: sourceDocument(),
});

export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    providerId: text("provider_id")
      .notNull()
      .references(() => providers.id),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    /** The vendor's API operation, e.g. "POST /video/translate_video". */
    operation: text("operation").notNull(),
    category: text("category").notNull(),
    /** ASSUMED when any of its rates or the variants it prices with are assumed. */
    source: priceSource(),
    minimumCreditsMicros: integer("minimum_credits_micros"),
    minimumCreditsSource: text("minimum_credits_source", { enum: ["DOCUMENTED", "ASSUMED"] }),
    rounding: text("rounding", { enum: ["NONE", "UP"] }).notNull(),
    roundingSource: text("rounding_source", { enum: ["DOCUMENTED", "ASSUMED"] }),
    /** The vendor charges when it accepts the request: a job consumes at creation (Samsar translate, join). */
    chargedOnAcceptance: integer("charged_on_acceptance", { mode: "boolean" }).notNull().default(false),
    chargeTimingSource: text("charge_timing_source", { enum: ["DOCUMENTED", "ASSUMED"] }),
    chargeTimingNote: text("charge_timing_note"),
    /** An estimate must name a model (Hoox: `model` is required); no model is the default. */
    modelRequired: integer("model_required", { mode: "boolean" }).notNull().default(false),
    sourceDocument: sourceDocument(),
  },
  (table) => [index("products_provider_idx").on(table.providerId, table.position)],
);

export const productParameters = sqliteTable(
  "product_parameters",
  {
    productId: text("product_id")
      .notNull()
      .references(() => products.id),
    name: text("name").notNull(),
    position: integer("position").notNull(),
    type: text("type", {
      enum: ["INTEGER", "DECIMAL", "BOOLEAN", "STRING", "DECIMAL_LIST", "STRING_LIST"],
    }).notNull(),
    unit: text("unit"),
    description: text("description").notNull(),
    required: integer("required", { mode: "boolean" }).notNull(),
    /** JSON-encoded so that 8 and "8" stay distinct. */
    defaultValue: text("default_value", { mode: "json" }),
    allowedValues: text("allowed_values", { mode: "json" }),
    minimum: text("minimum"),
    maximum: text("maximum"),
    maxItems: integer("max_items"),
    minItems: integer("min_items"),
    normalize: text("normalize", { enum: ["NEAREST"] }),
    /** Where minimum, maximum and the item bounds come from; null when the parameter has none. */
    boundsSource: text("bounds_source", { enum: ["DOCUMENTED", "ASSUMED"] }),
    boundsNote: text("bounds_note"),
    assumedValues: text("assumed_values", { mode: "json" }),
  },
  (table) => [primaryKey({ columns: [table.productId, table.name] })],
);

/** One row per component of a product's price; see src/pricing/rules.ts for the language. */
export const priceRules = sqliteTable(
  "price_rules",
  {
    productId: text("product_id")
      .notNull()
      .references(() => products.id),
    code: text("code").notNull(),
    position: integer("position").notNull(),
    description: text("description").notNull(),
    unit: text("unit").notNull(),
    condition: text("condition", { mode: "json" }),
    quantity: text("quantity", { mode: "json" }).notNull(),
    perSecondQuantity: text("per_second_quantity", { mode: "json" }),
    blockSizeMicros: integer("block_size_micros"),
    blockRounding: text("block_rounding", { enum: ["UP", "DOWN"] }),
    rateKind: text("rate_kind", { enum: ["FLAT", "BY_PARAMETER", "VARIANT", "PERCENT_OF"] }).notNull(),
    /** FLAT: credits per unit. PERCENT_OF: the percentage. */
    rateMicros: integer("rate_micros"),
    /** BY_PARAMETER: the parameter whose value picks the rate, and value -> credits (micros). */
    rateParameter: text("rate_parameter"),
    rateTableMicros: text("rate_table_micros", { mode: "json" }),
    /** VARIANT: a fixed model (null: the request's model) and variant attribute -> parameter. */
    variantModelId: text("variant_model_id"),
    variantMatch: text("variant_match", { mode: "json" }),
    /** PERCENT_OF: codes of the components the percentage applies to. */
    percentOf: text("percent_of", { mode: "json" }),
    minimumCreditsMicros: integer("minimum_credits_micros"),
    source: priceSource(),
    sourceDocument: sourceDocument(),
    note: text("note"),
  },
  (table) => [primaryKey({ columns: [table.productId, table.code] })],
);

export const models = sqliteTable(
  "models",
  {
    id: text("id").primaryKey(),
    providerId: text("provider_id")
      .notNull()
      .references(() => providers.id),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    /** Applied to every variant's credits (Hunyuan: 1.5x). */
    multiplierMicros: integer("multiplier_micros").notNull(),
    multiplierSource: text("multiplier_source", { enum: ["DOCUMENTED", "ASSUMED"] }),
    /** Whether the provider's document names the model at all. */
    source: text("source", { enum: ["DOCUMENTED", "ASSUMED"] })
      .notNull()
      .default("DOCUMENTED"),
    note: text("note"),
    sourceDocument: sourceDocument(),
  },
  (table) => [index("models_provider_idx").on(table.providerId, table.position)],
);

export const modelVariants = sqliteTable(
  "model_variants",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    resolution: text("resolution"),
    durationSeconds: integer("duration_seconds"),
    billingUnit: text("billing_unit", { enum: ["PER_GENERATION", "PER_SECOND", "PER_IMAGE"] }).notNull(),
    creditsMicros: integer("credits_micros").notNull(),
    /** What the provider pays upstream per billing unit, in USD micros (ugen's kie_cost_usd). */
    upstreamCostMicros: integer("upstream_cost_micros"),
    source: priceSource(),
    sourceDocument: sourceDocument(),
    note: text("note"),
  },
  (table) => [index("model_variants_model_idx").on(table.modelId, table.position)],
);

/** Which models a product can be priced with; the default one is used when a request names none. */
export const productModels = sqliteTable(
  "product_models",
  {
    productId: text("product_id")
      .notNull()
      .references(() => products.id),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    position: integer("position").notNull(),
    isDefault: integer("is_default", { mode: "boolean" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.productId, table.modelId] })],
);

export const creditPacks = sqliteTable(
  "credit_packs",
  {
    id: text("id").primaryKey(),
    providerId: text("provider_id")
      .notNull()
      .references(() => providers.id),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    priceMicros: integer("price_micros").notNull(),
    currency: text("currency").notNull(),
    creditsMicros: integer("credits_micros").notNull(),
    /** Null: the credits never expire. */
    creditsExpireAfterDays: integer("credits_expire_after_days"),
    source: priceSource(),
    sourceDocument: sourceDocument(),
  },
  (table) => [index("credit_packs_provider_idx").on(table.providerId, table.position)],
);

export const subscriptionPlans = sqliteTable(
  "subscription_plans",
  {
    id: text("id").primaryKey(),
    providerId: text("provider_id")
      .notNull()
      .references(() => providers.id),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    monthlyCreditsMicros: integer("monthly_credits_micros"),
    priceMicros: integer("price_micros"),
    currency: text("currency"),
    interval: text("interval", { enum: ["MONTH", "YEAR"] }),
    contactSales: integer("contact_sales", { mode: "boolean" }).notNull(),
    creditsExpireAtPeriodEnd: integer("credits_expire_at_period_end", { mode: "boolean" }).notNull().default(false),
    creditsExpirySource: text("credits_expiry_source", { enum: ["DOCUMENTED", "ASSUMED"] }),
    creditsExpiryNote: text("credits_expiry_note"),
    source: priceSource(),
    sourceDocument: sourceDocument(),
  },
  (table) => [index("subscription_plans_provider_idx").on(table.providerId, table.position)],
);

/** Facts about the catalog database: the fingerprint of the seed it holds. */
export const catalogMetadata = sqliteTable("catalog_metadata", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: text("updated_at")
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
});
