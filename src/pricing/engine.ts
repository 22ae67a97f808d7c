/**
 * The pricing engine: a product's price rules + a request's parameters -> an itemized estimate.
 * Pure: no database, no GraphQL. Exact decimal arithmetic throughout.
 *
 * Line items are those of one generation and always sum to costPerGeneration exactly: a minimum
 * charge, a model multiplier or a rounding step is its own line, never a silent change to another
 * line, so a reader can redo every number.
 */
import { Decimal } from "./decimal.js";
import { resolveParameters } from "./parameters.js";
import type { Condition, PriceComponent, PriceSource, QuantityExpression } from "./rules.js";
import {
  PRICING_LIMITS,
  PricingInputError,
  type EstimateLineItem,
  type EstimateRequest,
  type EstimateResult,
  type PricingModel,
  type PricingProduct,
  type PricingVariant,
  type Value,
} from "./types.js";

export * from "./types.js";

const ZERO = new Decimal(0);

export function estimate(product: PricingProduct, request: EstimateRequest): EstimateResult {
  const generationCount = checkGenerationCount(request.generationCount);
  const { values, normalized } = resolveParameters(product, request.parameters ?? []);
  const model = selectModel(product, request.modelId);

  const lineItems: EstimateLineItem[] = [];
  const creditsByCode = new Map<string, Decimal>();
  let modelPricedCredits = ZERO;

  for (const component of product.components) {
    if (component.when && !conditionHolds(component.when, values, model)) continue;
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
// Models

function selectModel(product: PricingProduct, modelId: string | null | undefined): PricingModel | null {
  if (product.models.length === 0) {
    if (modelId) throw new PricingInputError(["modelId"], `${product.id} is not priced by model; leave modelId out`);
    return null;
  }
  if (!modelId && product.modelRequired) {
    const choices = product.models.map((m) => m.id).join(", ");
    throw new PricingInputError(["modelId"], `${product.id} needs a model: set modelId to one of: ${choices}`);
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

function conditionHolds(condition: Condition, values: Map<string, Value>, model: PricingModel | null): boolean {
  if ("all" in condition) return condition.all.every((c) => conditionHolds(c, values, model));
  if ("any" in condition) return condition.any.some((c) => conditionHolds(c, values, model));
  if ("model" in condition) return model?.id === condition.model;
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
