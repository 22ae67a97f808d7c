/** A request's parameters, checked against the product's definitions and coerced to their types. */
import { Decimal, DECIMAL_GRAMMAR, isDecimalText, parseDecimal } from "./decimal.js";
import { PRICING_LIMITS, PricingInputError, type NormalizedValue, type PricingParameter, type PricingProduct, type Value } from "./types.js";

export function resolveParameters(product: PricingProduct, given: ReadonlyArray<{ name: string; value: unknown }>) {
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
      const fewest = definition.minItems ?? 1;
      if (raw.length < fewest) return fail(`needs at least ${fewest} ${plural("item", fewest)}; got ${raw.length}`);
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
  } else if (typeof raw === "string" && raw.length <= 40 && isDecimalText(raw)) {
    value = parseDecimal(raw);
  } else if (typeof raw === "string") {
    return fail(`must be ${kind}: a JSON number, or text of ${DECIMAL_GRAMMAR} (at most 40 characters); got ${describeValue(raw)}`);
  } else {
    return fail(`must be ${kind}; got ${describeValue(raw)}`);
  }
  if (integer && !value.isInteger()) return fail(`must be a whole number; got ${value.toFixed()}`);
  if (value.decimalPlaces() > PRICING_LIMITS.decimalPlaces) {
    // Refused, never rounded silently: the price would differ from what the client believes it asked for.
    const floating = typeof raw === "number" ? "; a number computed in binary floating point (3 * 20.1 is 60.300000000000004) carries such digits" : "";
    return fail(
      `takes at most ${PRICING_LIMITS.decimalPlaces} decimal places (the ledger's precision); got ${value.toFixed()}, with ${value.decimalPlaces()}${floating}: round it to ${PRICING_LIMITS.decimalPlaces} places, or send it as a string such as "${value.toDecimalPlaces(PRICING_LIMITS.decimalPlaces).toFixed()}"`,
    );
  }
  const units = (bound: Decimal) => (definition.unit ? ` ${plural(definition.unit, bound)}` : "");
  if (definition.minimum && value.lessThan(definition.minimum)) {
    return fail(`must be at least ${definition.minimum.toFixed()}${units(definition.minimum)}; got ${value.toFixed()}`);
  }
  if (definition.maximum && value.greaterThan(definition.maximum)) {
    return fail(`must be at most ${definition.maximum.toFixed()}${units(definition.maximum)}; got ${value.toFixed()}`);
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

/** "1 second", "10 retries", "5 audio files". */
export function plural(unit: string, count: Decimal | number): string {
  if (new Decimal(count).equals(1)) return unit;
  if (/[^aeiou]y$/.test(unit)) return `${unit.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(unit)) return `${unit}es`;
  return `${unit}s`;
}
