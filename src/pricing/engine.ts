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
  // A component's credits and whether they rest on an assumed number (its rate, or its minimum).
  const pricedByCode = new Map<string, { credits: Decimal; source: PriceSource }>();
  let modelPriced = { credits: ZERO, source: "DOCUMENTED" as PriceSource };

  for (const component of product.components) {
    if (component.when && !conditionHolds(component.when, values, model)) continue;
    const priced = priceComponent(product, component, values, model, pricedByCode);
    if (!priced) continue;
    lineItems.push(priced.line);
    let credits = priced.line.credits;
    let source = priced.line.source;
    if (component.minimumCredits !== undefined) {
      const minimum = new Decimal(component.minimumCredits);
      if (credits.lessThan(minimum)) {
        // The top-up's size depends on the line it tops up.
        source = weakest(source, component.source);
        lineItems.push(
          adjustment(
            `${component.code}_minimum`,
            `Minimum charge for ${lowerFirst(component.description)} (${minimum.toFixed()} credits)`,
            minimum.minus(credits),
            source,
          ),
        );
        credits = minimum;
      }
    }
    pricedByCode.set(component.code, { credits, source });
    if (priced.byRequestModel) modelPriced = { credits: modelPriced.credits.plus(credits), source: weakest(modelPriced.source, source) };
  }

  if (model && !model.multiplier.equals(1) && modelPriced.credits.greaterThan(0)) {
    const extra = model.multiplier.minus(1);
    lineItems.push({
      code: "model_multiplier",
      description: `${model.name} multiplier x${model.multiplier.toFixed()} on the model's credits`,
      quantity: modelPriced.credits,
      unit: "credit",
      unitCredits: extra,
      credits: toCreditPrecision(modelPriced.credits.mul(extra)),
      // A documented factor of an assumed base is still an assumed number of credits.
      source: weakest(model.multiplierSource ?? "ASSUMED", modelPriced.source),
    });
  }

  // Adjustments of the whole (a minimum charge, rounding) are as sure as everything they adjust.
  let subtotal = sum(lineItems);
  if (product.minimumCredits && subtotal.lessThan(product.minimumCredits.credits)) {
    const minimum = product.minimumCredits.credits;
    lineItems.push(
      adjustment(
        "minimum_charge",
        `Minimum charge of ${minimum.toFixed()} credits`,
        minimum.minus(subtotal),
        weakest(product.minimumCredits.source, ...lineItems.map((l) => l.source)),
      ),
    );
    subtotal = minimum;
  }
  if (product.rounding?.mode === "UP" && !subtotal.isInteger()) {
    const rounded = subtotal.ceil();
    lineItems.push(
      adjustment("rounding", "Rounded up to a whole credit", rounded.minus(subtotal), weakest(product.rounding.source, ...lineItems.map((l) => l.source))),
    );
    subtotal = rounded;
  }
  const assumedPerGeneration = sum(lineItems.filter((line) => line.source === "ASSUMED"));

  return {
    productId: product.id,
    model,
    costPerGeneration: subtotal,
    generationCount,
    totalCredits: subtotal.mul(generationCount),
    assumedCredits: assumedPerGeneration.mul(generationCount),
    lineItems,
    normalized,
  };
}

/** ASSUMED when any of the numbers is. */
function weakest(...sources: PriceSource[]): PriceSource {
  return sources.includes("ASSUMED") ? "ASSUMED" : "DOCUMENTED";
}

function checkGenerationCount(count: number | null | undefined): number {
  if (count === null || count === undefined) return 1;
  if (!Number.isInteger(count) || count < 1 || count > PRICING_LIMITS.maxGenerationCount) {
    throw new PricingInputError(["generationCount"], `generationCount must be a whole number from 1 to ${PRICING_LIMITS.maxGenerationCount}; got ${count}`);
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
    return { attribute: attribute as keyof typeof VARIANT_ATTRIBUTES, parameter, value: value instanceof Decimal ? value.toFixed() : String(value) };
  });
  const matches = (v: PricingVariant, except?: string) => wanted.every((w) => w.parameter === except || VARIANT_ATTRIBUTES[w.attribute](v) === w.value);
  const variant = model.variants.find((v) => matches(v));
  if (!variant) {
    const asked = wanted.map((w) => `${w.attribute} ${w.value}`).join(", ");
    const offered = model.variants.map((v) => wanted.map((w) => VARIANT_ATTRIBUTES[w.attribute](v)).join("/")).join("; ");
    // The input at fault is the one whose value alone has no variant (Sora with resolution "hd"); else the model.
    const atFault = wanted.filter((w) => model.variants.some((v) => matches(v, w.parameter)));
    const field = atFault.length === 1 ? ["parameters", atFault[0].parameter] : ["modelId"];
    throw new PricingInputError(field, `${model.name} has no variant with ${asked}; it offers: ${offered}`);
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
  if (condition.present !== undefined) return (value !== undefined) === condition.present;
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
  pricedByCode: Map<string, { credits: Decimal; source: PriceSource }>,
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
    const pricedModel = rate.variant.model ? product.fixedModels.find((m) => m.id === rate.variant.model) : model;
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
    const bases = rate.percentOf.flatMap((code) => pricedByCode.get(code) ?? []);
    const base = bases.reduce((total, priced) => total.plus(priced.credits), ZERO);
    unitCredits = toCreditPrecision(base.mul(rate.percent).div(100));
    // A documented percentage of an assumed base is an assumed number of credits.
    source = weakest(source, ...bases.map((priced) => priced.source));
  }

  // Exact (seconds / 60 keeps its 40 significant digits): a block rounded up, and credits rounded
  // up to the micro-credit, must see the sliver above a whole unit that 6 decimals would drop.
  let exact: Decimal;
  try {
    exact = evaluate(quantityExpression, values);
  } catch (error) {
    if (!(error instanceof MissingValue)) throw error;
    const names = error.parameters.map((p) => `"${p}"`).join(" or ");
    throw new PricingInputError(["parameters", error.parameters[0]], `Parameter ${names} is needed to price ${lowerFirst(component.description)}`);
  }

  if (component.block) {
    const size = new Decimal(component.block.size);
    const blocks = settle(exact.div(size));
    exact = component.block.rounding === "UP" ? blocks.ceil() : blocks.floor();
    if (!size.equals(1)) unit = `${size.toFixed()}-${unit} block`;
  }
  if (exact.isZero() && component.minimumCredits === undefined) return null;

  return {
    line: {
      code: component.code,
      description,
      quantity: exact.toDecimalPlaces(PRICING_LIMITS.decimalPlaces, Decimal.ROUND_HALF_UP),
      unit,
      unitCredits,
      credits: toCreditPrecision(settle(exact.mul(unitCredits))),
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

/**
 * A quotient's last digit is rounded (2/3 is 0.66…67 to 40 digits), so 2/3 x 3 would come out a
 * hair above 2 and round up to 2.000001 (or a whole block). Inputs have at most 6 decimals and
 * the rules divide by small constants, so any true difference shows far above 24 places: rounding
 * there removes the hair and keeps every real sliver (60.000001 s is 1.0000000166… minutes).
 */
function settle(value: Decimal): Decimal {
  return value.toDecimalPlaces(24, Decimal.ROUND_HALF_UP);
}

/** Credits are kept to the micro-credit, the ledger's precision; a fraction beyond that rounds up. */
function toCreditPrecision(value: Decimal): Decimal {
  return value.toDecimalPlaces(PRICING_LIMITS.decimalPlaces, Decimal.ROUND_UP);
}

function sum(lines: EstimateLineItem[]): Decimal {
  return lines.reduce((total, line) => total.plus(line.credits), ZERO);
}

/** "Generated clip" -> "generated clip"; an acronym ("AI clip-selection") keeps its capitals. */
const lowerFirst = (text: string) => (/^[A-Z]{2}/.test(text) ? text : text.charAt(0).toLowerCase() + text.slice(1));
