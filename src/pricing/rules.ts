/**
 * The price-rule language: how a product's price is described as data. The catalog stores these
 * rules per product; the engine (./engine.ts) evaluates them against a request's parameters.
 * Everything a vendor's pricing page expresses is one of the shapes below, so adding a product is
 * a seed change, never a code change.
 */
import { z } from "zod";

export const PRICE_SOURCES = ["DOCUMENTED", "ASSUMED"] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

export const PARAMETER_TYPES = ["INTEGER", "DECIMAL", "BOOLEAN", "STRING", "DECIMAL_LIST", "STRING_LIST"] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

export const BILLING_UNITS = ["PER_GENERATION", "PER_SECOND", "PER_IMAGE"] as const;
export type BillingUnit = (typeof BILLING_UNITS)[number];

export const ROUNDING_MODES = ["NONE", "UP"] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];

export const BLOCK_ROUNDINGS = ["UP", "DOWN"] as const;
export type BlockRounding = (typeof BLOCK_ROUNDINGS)[number];

/** A decimal written as a string, e.g. "0.25": never a JS number, so no binary rounding sneaks in. */
export const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/, { message: 'must be a decimal string such as "12.5"' });

export const jsonScalar = z.union([z.string(), z.number(), z.boolean()]);
export type ParameterValue = z.infer<typeof jsonScalar> | Array<string | number>;

export const parameterDefinitionSchema = z
  .object({
    name: z.string().regex(/^[a-z][A-Za-z0-9]*$/, { message: "parameter names are camelCase" }),
    type: z.enum(PARAMETER_TYPES),
    /** Unit of a numeric value ("second", "image"), shown next to the input. */
    unit: z.string().optional(),
    description: z.string().min(10),
    required: z.boolean().default(false),
    defaultValue: jsonScalar.optional(),
    allowedValues: z.array(jsonScalar).min(1).optional(),
    minimum: decimalString.optional(),
    maximum: decimalString.optional(),
    /** For lists: the most items accepted. */
    maxItems: z.number().int().positive().optional(),
    /** For lists: the fewest items accepted (default 1: an empty list prices nothing that was asked for). */
    minItems: z.number().int().nonnegative().optional(),
    /**
     * Where minimum, maximum and maxItems come from. ASSUMED (the default) when the provider's
     * document gives none and these only keep a request sane; the note says why these.
     */
    bounds: z
      .object({ source: z.enum(PRICE_SOURCES), note: z.string().min(10).optional() })
      .strict()
      .optional(),
    /** Allowed values the provider's document does not name (accepted, but their prices are ours). */
    assumedValues: z.array(jsonScalar).min(1).optional(),
    /**
     * NEAREST: a numeric value outside allowedValues snaps to the closest allowed one (a tie
     * snaps up) and is reported as normalized, instead of being rejected.
     */
    normalize: z.enum(["NEAREST"]).optional(),
  })
  .strict();
export type ParameterDefinition = z.infer<typeof parameterDefinitionSchema>;

export type QuantityExpression =
  | { const: string }
  | { param: string }
  | { sum: string }
  | { count: string }
  | { coalesce: QuantityExpression[] }
  | { add: QuantityExpression[] }
  | { mul: QuantityExpression[] }
  | { div: [QuantityExpression, QuantityExpression] };

/**
 * How many units a component bills: a constant, a numeric parameter, the sum or length of a list
 * parameter, the first present of several (a count that defaults to a list's length), or
 * arithmetic on those (N segments -> N + 1 keyframes; seconds / 60 -> minutes).
 */
export const quantitySchema: z.ZodType<QuantityExpression> = z.lazy(() =>
  z.union([
    z.object({ const: decimalString }).strict(),
    z.object({ param: z.string() }).strict(),
    z.object({ sum: z.string() }).strict(),
    z.object({ count: z.string() }).strict(),
    z.object({ coalesce: z.array(quantitySchema).min(2) }).strict(),
    z.object({ add: z.array(quantitySchema).min(2) }).strict(),
    z.object({ mul: z.array(quantitySchema).min(2) }).strict(),
    z.object({ div: z.tuple([quantitySchema, quantitySchema]) }).strict(),
  ]),
);

export type Condition =
  | { param: string; equals?: string | number | boolean; notEquals?: string | number | boolean; present?: boolean }
  | { model: string }
  | { all: Condition[] }
  | { any: Condition[] };

/**
 * When a component applies: a boolean parameter is true, a parameter equals (or not) a value, a
 * parameter has a value or not (`present`: given, or defaulted), the request's model is the one
 * named (a slug in seeds, a catalog id once stored), or a combination.
 */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ param: z.string(), equals: jsonScalar.optional(), notEquals: jsonScalar.optional(), present: z.boolean().optional() }).strict(),
    z.object({ model: z.string() }).strict(),
    z.object({ all: z.array(conditionSchema).min(2) }).strict(),
    z.object({ any: z.array(conditionSchema).min(2) }).strict(),
  ]),
);

export const rateSchema = z.union([
  /** A fixed number of credits per unit (or per block). */
  z.object({ credits: decimalString }).strict(),
  /** Credits per unit chosen by a parameter's value (resolution tiers 1k/2k/4k). */
  z.object({ byParameter: z.string(), credits: z.record(decimalString) }).strict(),
  /**
   * Credits of a model variant: the request's model (or a fixed one), the variant whose
   * attributes equal the named parameters' values (e.g. { resolution: "keyframeResolution" }).
   */
  z
    .object({
      variant: z
        .object({
          model: z.string().optional(),
          match: z.record(z.enum(["name", "resolution", "durationSeconds"]), z.string()),
        })
        .strict(),
    })
    .strict(),
  /** A percentage of other components' credits per unit (QA retries at 50% of the base per retry). */
  z.object({ percentOf: z.array(z.string()).min(1), percent: decimalString }).strict(),
]);
export type Rate = z.infer<typeof rateSchema>;

export const priceComponentSchema = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9_]*$/, { message: "component codes are snake_case" }),
    description: z.string().min(3),
    /** The unit the quantity counts, singular: "second", "minute", "image", "request". */
    unit: z.string(),
    when: conditionSchema.optional(),
    quantity: quantitySchema,
    /** Replaces `quantity` when the priced variant bills per second (credits x duration x segments). */
    perSecondQuantity: quantitySchema.optional(),
    /** Bill whole blocks of `size` units ("5 credits per 30 seconds": size 30, rounding UP). */
    block: z
      .object({ size: decimalString, rounding: z.enum(BLOCK_ROUNDINGS) })
      .strict()
      .optional(),
    rate: rateSchema,
    /** The component never costs less than this when it applies ("1 credit minimum"). */
    minimumCredits: decimalString.optional(),
    source: z.enum(PRICE_SOURCES),
    /** Why an assumed value was chosen, or how an ambiguous sentence of the doc was read. */
    note: z.string().optional(),
  })
  .strict();
export type PriceComponent = z.infer<typeof priceComponentSchema>;

export const priceRulesSchema = z
  .object({
    components: z.array(priceComponentSchema).min(1),
    /** The whole estimate never costs less than this ("minimum charge is 2 credits"). */
    minimumCredits: z
      .object({ credits: decimalString, source: z.enum(PRICE_SOURCES) })
      .strict()
      .optional(),
    /** Rounding of the cost per generation ("rounded up to the next whole credit"). */
    rounding: z
      .object({ mode: z.enum(ROUNDING_MODES), source: z.enum(PRICE_SOURCES) })
      .strict()
      .optional(),
  })
  .strict();
export type PriceRules = z.infer<typeof priceRulesSchema>;

/** Names of parameters an expression reads, for cross-checking rules against a product's parameters. */
export function parametersOfQuantity(expression: QuantityExpression): string[] {
  if ("const" in expression) return [];
  if ("param" in expression) return [expression.param];
  if ("sum" in expression) return [expression.sum];
  if ("count" in expression) return [expression.count];
  const parts = "coalesce" in expression ? expression.coalesce : "add" in expression ? expression.add : "mul" in expression ? expression.mul : expression.div;
  return parts.flatMap(parametersOfQuantity);
}

export function parametersOfCondition(condition: Condition): string[] {
  if ("all" in condition) return condition.all.flatMap(parametersOfCondition);
  if ("any" in condition) return condition.any.flatMap(parametersOfCondition);
  if ("model" in condition) return [];
  return [condition.param];
}

/** Models a condition names, for cross-checking them against a product's models. */
export function modelsOfCondition(condition: Condition): string[] {
  if ("all" in condition) return condition.all.flatMap(modelsOfCondition);
  if ("any" in condition) return condition.any.flatMap(modelsOfCondition);
  return "model" in condition ? [condition.model] : [];
}

/** The same condition with each model slug replaced, e.g. by its catalog id. */
export function mapConditionModels(condition: Condition, map: (model: string) => string): Condition {
  if ("all" in condition) return { all: condition.all.map((c) => mapConditionModels(c, map)) };
  if ("any" in condition) return { any: condition.any.map((c) => mapConditionModels(c, map)) };
  return "model" in condition ? { model: map(condition.model) } : condition;
}

export function parametersOfRate(rate: Rate): string[] {
  if ("byParameter" in rate) return [rate.byParameter];
  if ("variant" in rate) return Object.values(rate.variant.match);
  return [];
}
