/**
 * The shape of a provider's seed module (seed/<provider>.ts), in the units its pricing page uses.
 * `parseProviderSeed` validates a module at load, including references between its parts, so a
 * typo fails the seed with a message naming the place, not a request later.
 */
import { z } from "zod";
import { parseDecimal } from "../pricing/decimal.js";
import {
  BILLING_UNITS,
  PRICE_SOURCES,
  decimalString,
  parameterDefinitionSchema,
  modelsOfCondition,
  parametersOfCondition,
  parametersOfQuantity,
  parametersOfRate,
  priceRulesSchema,
} from "../pricing/rules.js";

const slug = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, { message: "slugs are lowercase, digits, . _ -" });
const source = z.enum(PRICE_SOURCES);

const variantSeedSchema = z
  .object({
    slug,
    name: z.string(),
    resolution: z.string().optional(),
    durationSeconds: z.number().int().positive().optional(),
    billingUnit: z.enum(BILLING_UNITS),
    /** Credits per billing unit, where the doc prices in credits. */
    credits: decimalString.optional(),
    /** Price in USD per billing unit, where the doc prices in dollars (credits = price / credit value). */
    priceUsd: decimalString.optional(),
    /** What the provider pays upstream per billing unit, USD. */
    upstreamCostUsd: decimalString.optional(),
    source,
    note: z.string().optional(),
  })
  .strict()
  .refine((v) => (v.credits === undefined) !== (v.priceUsd === undefined), {
    message: "a variant gives exactly one of credits or priceUsd",
  });

const modelSeedSchema = z
  .object({
    slug,
    name: z.string(),
    description: z.string().min(10),
    multiplier: z.object({ factor: decimalString, source }).strict().optional(),
    /** ASSUMED: the document does not name this model (say why it is offered in `note`). */
    source: source.default("DOCUMENTED"),
    note: z.string().optional(),
    variants: z.array(variantSeedSchema).min(1),
  })
  .strict();

const productSeedSchema = z
  .object({
    slug,
    name: z.string(),
    description: z.string().min(10),
    operation: z.string(),
    category: z.enum(["video", "image", "audio", "text", "job"]),
    parameters: z.array(parameterDefinitionSchema).default([]),
    /** Model slugs this product prices with; the first is the default unless modelRequired. */
    models: z.array(slug).optional(),
    /** The request must name a model (the doc makes it required): no default is applied. */
    modelRequired: z.boolean().default(false),
    price: priceRulesSchema,
    /**
     * Present when the vendor charges as soon as it accepts the request: a job for the product
     * consumes its credits at creation instead of holding them. The note cites the doc.
     */
    chargedOnAcceptance: z
      .object({ source, note: z.string().min(10) })
      .strict()
      .optional(),
  })
  .strict();

const creditPackSeedSchema = z
  .object({
    slug,
    name: z.string(),
    priceUsd: decimalString,
    credits: decimalString,
    source,
    /** How long the credits last after the purchase; absent: they never expire. */
    creditsExpireAfterDays: z.number().int().positive().optional(),
  })
  .strict();

const subscriptionPlanSeedSchema = z
  .object({
    slug,
    name: z.string(),
    description: z.string().min(10),
    monthlyCredits: decimalString.optional(),
    priceUsd: decimalString.optional(),
    interval: z.enum(["MONTH", "YEAR"]).optional(),
    contactSales: z.boolean(),
    source,
    /** Whether a period's credits expire at the period's end (absent: they never expire), and where that comes from. */
    creditsExpire: z
      .object({ at: z.literal("PERIOD_END"), source, note: z.string().min(10) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((p) => p.contactSales || (p.priceUsd !== undefined && p.interval !== undefined), {
    message: "a self-serve plan needs priceUsd and interval",
  });

export const providerSeedSchema = z
  .object({
    id: slug,
    name: z.string(),
    description: z.string().min(10),
    /** The file in shared/docs every price of this provider comes from. */
    sourceDocument: z.string().regex(/^\d{3}_[0-9a-f]+\.txt$/),
    creditValue: z
      .object({ amount: decimalString, currency: z.literal("USD"), source })
      .strict()
      .optional(),
    products: z.array(productSeedSchema).default([]),
    models: z.array(modelSeedSchema).default([]),
    creditPacks: z.array(creditPackSeedSchema).default([]),
    subscriptionPlans: z.array(subscriptionPlanSeedSchema).default([]),
  })
  .strict();

export type ProviderSeedInput = z.input<typeof providerSeedSchema>;
export type ProviderSeed = z.output<typeof providerSeedSchema>;
export type ProductSeed = ProviderSeed["products"][number];
export type ModelSeed = ProviderSeed["models"][number];

/** Identity helper that gives seed modules type checking and completion. */
export function defineProviderSeed(seed: ProviderSeedInput): ProviderSeedInput {
  return seed;
}

export class SeedError extends Error {}

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}

export function parseProviderSeed(input: unknown): ProviderSeed {
  const parsed = providerSeedSchema.safeParse(input);
  const label = typeof input === "object" && input && "id" in input ? String(input.id) : "?";
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new SeedError(`seed of provider "${label}" is invalid:\n${issues.join("\n")}`);
  }
  const seed = parsed.data;
  const problems: string[] = [];
  const complain = (where: string, message: string) => problems.push(`  ${where}: ${message}`);

  for (const [what, slugs] of [
    ["product", seed.products.map((p) => p.slug)],
    ["model", seed.models.map((m) => m.slug)],
    ["credit pack", seed.creditPacks.map((p) => p.slug)],
    ["subscription plan", seed.subscriptionPlans.map((p) => p.slug)],
  ] as const) {
    for (const duplicate of duplicates([...slugs])) complain(what, `slug "${duplicate}" is used twice`);
  }

  const modelSlugs = new Set(seed.models.map((m) => m.slug));
  for (const model of seed.models) {
    for (const duplicate of duplicates(model.variants.map((v) => v.slug))) {
      complain(`models.${model.slug}`, `variant slug "${duplicate}" is used twice`);
    }
    for (const variant of model.variants) {
      if (variant.priceUsd !== undefined && !seed.creditValue) {
        complain(`models.${model.slug}.${variant.slug}`, "priceUsd needs the provider's creditValue");
      }
    }
  }

  for (const product of seed.products) {
    const where = `products.${product.slug}`;
    const parameters = new Map(product.parameters.map((p) => [p.name, p]));
    for (const duplicate of duplicates(product.parameters.map((p) => p.name))) {
      complain(where, `parameter "${duplicate}" is declared twice`);
    }
    for (const parameter of product.parameters) {
      checkParameter(parameter, (message) => complain(`${where}.parameters.${parameter.name}`, message));
    }
    for (const model of product.models ?? []) {
      if (!modelSlugs.has(model)) complain(where, `model "${model}" is not among the provider's models`);
    }
    if (product.modelRequired && !product.models?.length) complain(where, "modelRequired needs the product's models");
    const codes = product.price.components.map((c) => c.code);
    for (const duplicate of duplicates(codes)) complain(where, `component code "${duplicate}" is used twice`);
    product.price.components.forEach((component, index) => {
      const at = `${where}.price.${component.code}`;
      const used = [
        ...parametersOfQuantity(component.quantity),
        ...(component.perSecondQuantity ? parametersOfQuantity(component.perSecondQuantity) : []),
        ...(component.when ? parametersOfCondition(component.when) : []),
        ...parametersOfRate(component.rate),
      ];
      for (const name of used) {
        if (!parameters.has(name)) complain(at, `uses parameter "${name}", which the product does not declare`);
      }
      for (const model of component.when ? modelsOfCondition(component.when) : []) {
        if (!product.models?.includes(model)) complain(at, `a condition names model "${model}", which the product does not offer`);
      }
      const rate = component.rate;
      if ("percentOf" in rate) {
        for (const code of rate.percentOf) {
          const target = codes.indexOf(code);
          if (target < 0) complain(at, `percentOf names unknown component "${code}"`);
          else if (target >= index) complain(at, `percentOf "${code}" must come before it`);
        }
      }
      if ("byParameter" in rate) {
        const allowed = parameters.get(rate.byParameter)?.allowedValues;
        const keys = Object.keys(rate.credits);
        if (!allowed || allowed.some((value) => !keys.includes(String(value)))) {
          complain(at, `a rate by "${rate.byParameter}" needs that parameter's allowedValues, each with a rate`);
        }
      }
      if ("variant" in rate) {
        if (rate.variant.model && !modelSlugs.has(rate.variant.model)) {
          complain(at, `variant rate names unknown model "${rate.variant.model}"`);
        }
        if (!rate.variant.model && !product.models?.length) {
          complain(at, "a variant rate of the request's model needs the product's models");
        }
      }
      if (component.perSecondQuantity && !("variant" in rate)) {
        complain(at, "perSecondQuantity only applies to a variant rate");
      }
    });
  }

  if (problems.length > 0) {
    throw new SeedError(`seed of provider "${seed.id}" is inconsistent:\n${problems.join("\n")}`);
  }
  return seed;
}

function checkParameter(parameter: z.output<typeof parameterDefinitionSchema>, complain: (message: string) => void): void {
  const numeric = parameter.type === "INTEGER" || parameter.type === "DECIMAL" || parameter.type === "DECIMAL_LIST";
  if ((parameter.minimum || parameter.maximum) && !numeric) complain("minimum/maximum need a numeric type");
  if (parameter.normalize && !(numeric && parameter.allowedValues)) {
    complain("normalize needs a numeric type with allowedValues");
  }
  if (parameter.maxItems && !parameter.type.endsWith("_LIST")) complain("maxItems needs a list type");
  if (numeric && !parameter.maximum && !parameter.allowedValues) {
    complain("a numeric parameter needs a maximum (a documented cap or an assumed one)");
  }
  if (parameter.type.endsWith("_LIST") && !parameter.maxItems) complain("a list parameter needs maxItems");
  if (parameter.minItems !== undefined && !parameter.type.endsWith("_LIST")) complain("minItems needs a list type");
  if (parameter.bounds && !(parameter.minimum || parameter.maximum || parameter.maxItems)) complain("bounds describes a parameter without bounds");
  for (const value of parameter.assumedValues ?? []) {
    if (!parameter.allowedValues?.includes(value)) complain(`assumed value ${JSON.stringify(value)} is not among allowedValues`);
  }
  const values = [...(parameter.defaultValue !== undefined ? [parameter.defaultValue] : []), ...(parameter.allowedValues ?? [])];
  for (const value of values) {
    const ok =
      parameter.type === "BOOLEAN"
        ? typeof value === "boolean"
        : parameter.type === "STRING"
          ? typeof value === "string"
          : parameter.type === "INTEGER"
            ? Number.isInteger(value)
            : parameter.type === "DECIMAL"
              ? typeof value === "number" || (typeof value === "string" && isDecimal(value))
              : false;
    if (!ok) complain(`value ${JSON.stringify(value)} does not fit type ${parameter.type}`);
  }
  if (parameter.required && parameter.defaultValue !== undefined) complain("a required parameter has no default");
}

function isDecimal(text: string): boolean {
  try {
    parseDecimal(text);
    return true;
  } catch {
    return false;
  }
}
