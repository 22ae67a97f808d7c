/**
 * The pricing engine: a product's price rules + a request's parameters -> an itemized estimate.
 * Pure: no database, no GraphQL. Exact decimal arithmetic throughout.
 *
 * Line items are those of one generation and always sum to costPerGeneration exactly: a minimum
 * charge, a model multiplier or a rounding step is its own line, never a silent change to another
 * line, so a reader can redo every number.
 */
import { Decimal, MICROS_SCALE } from "./decimal.js";
import type {
  BillingUnit,
  Condition,
  ParameterType,
  PriceComponent,
  PriceSource,
  QuantityExpression,
  RoundingMode,
} from "./rules.js";

export interface PricingParameter {
  name: string;
  type: ParameterType;
  unit?: string | null;
  required: boolean;
  defaultValue?: unknown;
  allowedValues?: unknown[] | null;
  minimum?: Decimal | null;
  maximum?: Decimal | null;
  maxItems?: number | null;
  snapsToAllowedValue: boolean;
}

export interface PricingVariant {
  id: string;
  name: string;
  resolution: string | null;
  durationSeconds: number | null;
  billingUnit: BillingUnit;
  credits: Decimal;
  source: PriceSource;
}

export interface PricingModel {
  id: string;
  name: string;
  multiplier: Decimal;
  multiplierSource: PriceSource | null;
  variants: PricingVariant[];
}

export interface PricingProduct {
  id: string;
  parameters: PricingParameter[];
  components: PriceComponent[];
  minimumCredits: { credits: Decimal; source: PriceSource } | null;
  rounding: { mode: RoundingMode; source: PriceSource } | null;
  /** Models the request may choose among (EstimateInput.modelId); empty when not priced by model. */
  models: PricingModel[];
  defaultModelId: string | null;
  /** Models that variant rates name explicitly (e.g. the keyframe model of a job). */
  fixedModels: PricingModel[];
}

export interface EstimateRequest {
  modelId?: string | null;
  parameters?: ReadonlyArray<{ name: string; value: unknown }> | null;
  generationCount?: number | null;
}

export interface EstimateLineItem {
  code: string;
  description: string;
  quantity: Decimal;
  unit: string;
  unitCredits: Decimal;
  credits: Decimal;
  source: PriceSource;
}

export interface NormalizedValue {
  name: string;
  requested: unknown;
  applied: unknown;
}

export interface EstimateResult {
  productId: string;
  model: PricingModel | null;
  costPerGeneration: Decimal;
  generationCount: number;
  totalCredits: Decimal;
  lineItems: EstimateLineItem[];
  normalized: NormalizedValue[];
}

/** A request the product cannot be priced for; `field` names the input at fault. */
export class PricingInputError extends Error {
  constructor(
    readonly field: string[],
    message: string,
  ) {
    super(message);
  }
}

export const PRICING_LIMITS = {
  /** Most variations one estimate multiplies (assumed cap; Hoox names no limit). */
  maxGenerationCount: 100,
  /** Decimal places accepted in a numeric parameter, and kept in any computed credit amount. */
  decimalPlaces: MICROS_SCALE,
  maxStringLength: 2048,
};

type Value = Decimal | boolean | string | Decimal[] | string[];

const ZERO = new Decimal(0);

export function estimate(product: PricingProduct, request: EstimateRequest): EstimateResult {
  const generationCount = checkGenerationCount(request.generationCount);
  const { values, normalized } = resolveParameters(product, request.parameters ?? []);
  const model = selectModel(product, request.modelId);

  const lineItems: EstimateLineItem[] = [];
  const creditsByCode = new Map<string, Decimal>();
  let modelPricedCredits = ZERO;

  for (const component of product.components) {
    if (component.when && !conditionHolds(component.when, values)) continue;
    const priced = priceComponent(product, component, values, model, creditsByCode);
    if (!priced) continue;
    lineItems.push(priced.line);
    let credits = priced.line.credits;
    if (component.minimumCredits !== undefined) {
      const minimum = new Decimal(component.minimumCredits);
      if (credits.lessThan(minimum)) {
        lineItems.push(adjustment(`${component.code}_minimum`, `Minimum charge for ${lowerFirst(component.description)} (${minimum.toFixed()} credits)`, minimum.minus(credits), component.source));
        credits = minimum;
      }
    }
    creditsByCode.set(component.code, credits);
    if (priced.byRequestModel) modelPricedCredits = modelPricedCredits.plus(credits);
  }

  if (model && !model.multiplier.equals(1) && modelPricedCredits.greaterThan(0)) {
    const extra = model.multiplier.minus(1);
    lineItems.push({
      code: "model_multiplier",
      description: `${model.name} multiplier x${model.multiplier.toFixed()} on the model's credits`,
      quantity: modelPricedCredits,
      unit: "credit",
      unitCredits: extra,
      credits: toCreditPrecision(modelPricedCredits.mul(extra)),
      source: model.multiplierSource ?? "ASSUMED",
    });
  }

  let subtotal = sum(lineItems);
  if (product.minimumCredits && subtotal.lessThan(product.minimumCredits.credits)) {
    const minimum = product.minimumCredits.credits;
    lineItems.push(adjustment("minimum_charge", `Minimum charge of ${minimum.toFixed()} credits`, minimum.minus(subtotal), product.minimumCredits.source));
    subtotal = minimum;
  }
  if (product.rounding?.mode === "UP" && !subtotal.isInteger()) {
    const rounded = subtotal.ceil();
    lineItems.push(adjustment("rounding", "Rounded up to a whole credit", rounded.minus(subtotal), product.rounding.source));
    subtotal = rounded;
  }

  return {
    productId: product.id,
    model,
    costPerGeneration: subtotal,
    generationCount,
    totalCredits: subtotal.mul(generationCount),
    lineItems,
    normalized,
  };
}

function checkGenerationCount(count: number | null | undefined): number {
  if (count === null || count === undefined) return 1;
  if (!Number.isInteger(count) || count < 1 || count > PRICING_LIMITS.maxGenerationCount) {
    throw new PricingInputError(
      ["generationCount"],
      `generationCount must be a whole number from 1 to ${PRICING_LIMITS.maxGenerationCount}; got ${count}`,
    );
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// Parameters

function resolveParameters(product: PricingProduct, given: ReadonlyArray<{ name: string; value: unknown }>) {
  const definitions = new Map(product.parameters.map((p) => [p.name, p]));
  const values = new Map<string, Value>();
  const normalized: NormalizedValue[] = [];
  const seen = new Set<string>();

  for (const { name, value } of given) {
    const definition = definitions.get(name);
    if (!definition) {
      const known = product.parameters.map((p) => p.name);
      throw new PricingInputError(
        ["parameters", name],
        known.length > 0
          ? `Unknown parameter "${name}" for ${product.id}; it takes: ${known.join(", ")}`
          : `Unknown parameter "${name}": ${product.id} takes no parameters`,
      );
    }
    if (seen.has(name)) throw new PricingInputError(["parameters", name], `Parameter "${name}" is given twice`);
    seen.add(name);
    const coerced = coerceValue(definition, value);
    values.set(name, coerced.value);
    if (coerced.snappedFrom !== undefined) {
      normalized.push({ name, requested: coerced.snappedFrom, applied: jsonOf(coerced.value) });
    }
  }
  for (const definition of product.parameters) {
    if (values.has(definition.name)) continue;
    if (definition.defaultValue !== null && definition.defaultValue !== undefined) {
      values.set(definition.name, coerceValue(definition, definition.defaultValue).value);
    } else if (definition.required) {
      throw new PricingInputError(["parameters", definition.name], `Parameter "${definition.name}" is required`);
    }
  }
  return { values, normalized };
}

function jsonOf(value: Value): unknown {
  if (value instanceof Decimal) return value.toNumber();
  if (Array.isArray(value)) return value.map((item) => (item instanceof Decimal ? item.toNumber() : item));
  return value;
}

const describeValue = (value: unknown) => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

function coerceValue(definition: PricingParameter, raw: unknown): { value: Value; snappedFrom?: unknown } {
  const fail = (message: string): never => {
    throw new PricingInputError(["parameters", definition.name], `Parameter "${definition.name}" ${message}`);
  };
  switch (definition.type) {
    case "BOOLEAN":
      return typeof raw === "boolean" ? { value: raw } : fail(`must be true or false; got ${describeValue(raw)}`);
    case "STRING":
      return { value: coerceString(definition, raw, fail) };
    case "INTEGER":
    case "DECIMAL":
      return coerceNumber(definition, raw, fail, definition.type === "INTEGER");
    case "DECIMAL_LIST":
    case "STRING_LIST": {
      if (!Array.isArray(raw)) return fail(`must be a list; got ${describeValue(raw)}`);
      if (definition.maxItems && raw.length > definition.maxItems) {
        return fail(`takes at most ${definition.maxItems} items; got ${raw.length}`);
      }
      if (definition.type === "STRING_LIST") {
        return { value: raw.map((item) => coerceString({ ...definition, allowedValues: null }, item, fail)) };
      }
      return {
        value: raw.map((item) => coerceNumber({ ...definition, allowedValues: null, snapsToAllowedValue: false }, item, fail, false).value as Decimal),
      };
    }
  }
}

function coerceString(definition: PricingParameter, raw: unknown, fail: (message: string) => never): string {
  if (typeof raw !== "string") return fail(`must be a string; got ${describeValue(raw)}`);
  if (raw.length > PRICING_LIMITS.maxStringLength) return fail(`is longer than ${PRICING_LIMITS.maxStringLength} characters`);
  if (definition.allowedValues && !definition.allowedValues.includes(raw)) {
    return fail(`must be one of ${definition.allowedValues.map((v) => JSON.stringify(v)).join(", ")}; got ${describeValue(raw)}`);
  }
  return raw;
}

const NUMERIC_TEXT = /^-?\d+(\.\d+)?$/;

function coerceNumber(
  definition: PricingParameter,
  raw: unknown,
  fail: (message: string) => never,
  integer: boolean,
): { value: Decimal; snappedFrom?: unknown } {
  const kind = integer ? "a whole number" : "a number";
  let value: Decimal;
  if (typeof raw === "number") {
    if (!Number.isFinite(raw)) return fail(`must be a finite number; got ${String(raw)}`);
    value = new Decimal(raw);
  } else if (typeof raw === "string" && NUMERIC_TEXT.test(raw.trim()) && raw.length <= 40) {
    value = new Decimal(raw.trim());
  } else {
    return fail(`must be ${kind}; got ${describeValue(raw)}`);
  }
  if (integer && !value.isInteger()) return fail(`must be a whole number; got ${value.toFixed()}`);
  if (value.decimalPlaces() > PRICING_LIMITS.decimalPlaces) {
    return fail(`takes at most ${PRICING_LIMITS.decimalPlaces} decimal places; got ${value.toFixed()}`);
  }
  const unit = definition.unit ? ` ${definition.unit}s` : "";
  if (definition.minimum && value.lessThan(definition.minimum)) {
    return fail(`must be at least ${definition.minimum.toFixed()}${unit}; got ${value.toFixed()}`);
  }
  if (definition.maximum && value.greaterThan(definition.maximum)) {
    return fail(`must be at most ${definition.maximum.toFixed()}${unit}; got ${value.toFixed()}`);
  }
  const allowed = definition.allowedValues?.map((v) => new Decimal(v as number));
  if (allowed && !allowed.some((a) => a.equals(value))) {
    if (!definition.snapsToAllowedValue) {
      return fail(`must be one of ${allowed.map((a) => a.toFixed()).join(", ")}; got ${value.toFixed()}`);
    }
    return { value: nearest(allowed, value), snappedFrom: raw };
  }
  return { value };
}

/** The allowed value closest to `value`; on a tie, the larger one. */
function nearest(allowed: Decimal[], value: Decimal): Decimal {
  let best = allowed[0];
  for (const candidate of allowed) {
    const distance = candidate.minus(value).abs();
    const bestDistance = best.minus(value).abs();
    if (distance.lessThan(bestDistance) || (distance.equals(bestDistance) && candidate.greaterThan(best))) {
      best = candidate;
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Models

function selectModel(product: PricingProduct, modelId: string | null | undefined): PricingModel | null {
  if (product.models.length === 0) {
    if (modelId) throw new PricingInputError(["modelId"], `${product.id} is not priced by model; leave modelId out`);
    return null;
  }
  const wanted = modelId ?? product.defaultModelId ?? product.models[0].id;
  // Short names ("veo3_fast") are accepted as well as full ids ("ugen/models/veo3_fast").
  const model = product.models.find((m) => m.id === wanted || m.id.endsWith(`/models/${wanted}`));
  if (!model) {
    const choices = product.models.map((m) => m.id).join(", ");
    throw new PricingInputError(["modelId"], `Unknown model "${wanted}" for ${product.id}; choose one of: ${choices}`);
  }
  return model;
}

const VARIANT_ATTRIBUTES = {
  name: (v: PricingVariant) => v.name,
  resolution: (v: PricingVariant) => v.resolution,
  durationSeconds: (v: PricingVariant) => (v.durationSeconds === null ? null : String(v.durationSeconds)),
};

function findVariant(model: PricingModel, match: Record<string, string>, values: Map<string, Value>): PricingVariant {
  const wanted = Object.entries(match).map(([attribute, parameter]) => {
    const value = values.get(parameter);
    return [attribute as keyof typeof VARIANT_ATTRIBUTES, value instanceof Decimal ? value.toFixed() : String(value)] as const;
  });
  const variant = model.variants.find((v) => wanted.every(([attribute, value]) => VARIANT_ATTRIBUTES[attribute](v) === value));
  if (!variant) {
    const asked = wanted.map(([attribute, value]) => `${attribute} ${value}`).join(", ");
    const offered = model.variants
      .map((v) => wanted.map(([attribute]) => VARIANT_ATTRIBUTES[attribute](v)).join("/"))
      .join("; ");
    throw new PricingInputError(["modelId"], `${model.name} has no variant with ${asked}; it offers: ${offered}`);
  }
  return variant;
}

// ---------------------------------------------------------------------------------------------
// Components

function conditionHolds(condition: Condition, values: Map<string, Value>): boolean {
  if ("all" in condition) return condition.all.every((c) => conditionHolds(c, values));
  if ("any" in condition) return condition.any.some((c) => conditionHolds(c, values));
  const value = values.get(condition.param);
  const same = (expected: string | number | boolean) =>
    value instanceof Decimal ? typeof expected === "number" && value.equals(expected) : value === expected;
  if (condition.equals !== undefined) return same(condition.equals);
  if (condition.notEquals !== undefined) return value !== undefined && !same(condition.notEquals);
  return value === true;
}

class MissingValue extends Error {
  constructor(readonly parameters: string[]) {
    super(parameters.join(" or "));
  }
}

function evaluate(expression: QuantityExpression, values: Map<string, Value>): Decimal {
  if ("const" in expression) return new Decimal(expression.const);
  if ("param" in expression) {
    const value = values.get(expression.param);
    if (!(value instanceof Decimal)) throw new MissingValue([expression.param]);
    return value;
  }
  if ("sum" in expression || "count" in expression) {
    const name = "sum" in expression ? expression.sum : expression.count;
    const list = values.get(name);
    if (!Array.isArray(list)) throw new MissingValue([name]);
    if ("count" in expression) return new Decimal(list.length);
    return (list as Decimal[]).reduce((total, item) => total.plus(item), ZERO);
  }
  if ("coalesce" in expression) {
    const missing: string[] = [];
    for (const option of expression.coalesce) {
      try {
        return evaluate(option, values);
      } catch (error) {
        if (!(error instanceof MissingValue)) throw error;
        missing.push(...error.parameters);
      }
    }
    throw new MissingValue(missing);
  }
  if ("add" in expression) return expression.add.map((e) => evaluate(e, values)).reduce((a, b) => a.plus(b));
  if ("mul" in expression) return expression.mul.map((e) => evaluate(e, values)).reduce((a, b) => a.mul(b));
  const [numerator, denominator] = expression.div.map((e) => evaluate(e, values));
  return numerator.div(denominator);
}

interface PricedComponent {
  line: EstimateLineItem;
  /** Priced with the request's model, so the model's multiplier applies to it. */
  byRequestModel: boolean;
}

function priceComponent(
  product: PricingProduct,
  component: PriceComponent,
  values: Map<string, Value>,
  model: PricingModel | null,
  creditsByCode: Map<string, Decimal>,
): PricedComponent | null {
  const rate = component.rate;
  let unitCredits: Decimal;
  let source = component.source;
  let quantityExpression = component.quantity;
  let unit = component.unit;
  let description = component.description;
  let byRequestModel = false;

  if ("credits" in rate && !("byParameter" in rate)) {
    unitCredits = new Decimal(rate.credits);
  } else if ("byParameter" in rate) {
    const key = values.get(rate.byParameter);
    const credits = rate.credits[String(key)];
    if (credits === undefined) throw new Error(`${product.id}.${component.code}: no rate for ${String(key)}`);
    unitCredits = new Decimal(credits);
    description = `${description} (${String(key)})`;
  } else if ("variant" in rate) {
    const pricedModel = rate.variant.model
      ? product.fixedModels.find((m) => m.id === rate.variant.model)
      : model;
    if (!pricedModel) throw new Error(`${product.id}.${component.code}: model ${rate.variant.model ?? "(request)"} not loaded`);
    const variant = findVariant(pricedModel, rate.variant.match, values);
    unitCredits = variant.credits;
    source = variant.source;
    description = `${description}: ${pricedModel.name}${variantLabel(variant)}`;
    byRequestModel = !rate.variant.model;
    if (variant.billingUnit === "PER_SECOND") {
      if (!component.perSecondQuantity) throw new Error(`${product.id}.${component.code}: per-second variant without perSecondQuantity`);
      quantityExpression = component.perSecondQuantity;
      unit = "second";
    }
  } else {
    const base = rate.percentOf.reduce((total, code) => total.plus(creditsByCode.get(code) ?? ZERO), ZERO);
    unitCredits = toCreditPrecision(base.mul(rate.percent).div(100));
  }

  let quantity: Decimal;
  try {
    quantity = evaluate(quantityExpression, values);
  } catch (error) {
    if (!(error instanceof MissingValue)) throw error;
    const names = error.parameters.map((p) => `"${p}"`).join(" or ");
    throw new PricingInputError(["parameters", error.parameters[0]], `Parameter ${names} is needed to price ${lowerFirst(component.description)}`);
  }
  quantity = quantity.toDecimalPlaces(PRICING_LIMITS.decimalPlaces, Decimal.ROUND_HALF_UP);

  if (component.block) {
    const size = new Decimal(component.block.size);
    const blocks = quantity.div(size);
    quantity = component.block.rounding === "UP" ? blocks.ceil() : blocks.floor();
    if (!size.equals(1)) unit = `${size.toFixed()}-${unit} block`;
  }
  if (quantity.isZero() && component.minimumCredits === undefined) return null;

  return {
    line: {
      code: component.code,
      description,
      quantity,
      unit,
      unitCredits,
      credits: toCreditPrecision(quantity.mul(unitCredits)),
      source,
    },
    byRequestModel,
  };
}

function variantLabel(variant: PricingVariant): string {
  const name = variant.name === "default" || variant.name === "keyframe" ? "" : variant.name;
  const parts = [name, variant.resolution, variant.durationSeconds !== null ? `${variant.durationSeconds}s` : null]
    .filter((part): part is string => Boolean(part))
    .filter((part, index, all) => index === 0 || !all[0].split(" ").includes(part));
  return parts.length > 0 ? ` ${parts.join(" ")}` : "";
}

function adjustment(code: string, description: string, credits: Decimal, source: PriceSource): EstimateLineItem {
  return { code, description, quantity: new Decimal(1), unit: "adjustment", unitCredits: credits, credits, source };
}

/** Credits are kept to the micro-credit, the ledger's precision; a fraction beyond that rounds up. */
function toCreditPrecision(value: Decimal): Decimal {
  return value.toDecimalPlaces(PRICING_LIMITS.decimalPlaces, Decimal.ROUND_UP);
}

function sum(lines: EstimateLineItem[]): Decimal {
  return lines.reduce((total, line) => total.plus(line.credits), ZERO);
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
