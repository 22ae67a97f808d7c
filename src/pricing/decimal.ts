import { Decimal as DecimalJs } from "decimal.js";

/**
 * Exact decimal arithmetic for credits and money. A private clone so that no other module's
 * configuration can change ours. 40 significant digits is far beyond any credit amount we
 * accept (caps keep values under 10^12), so intermediate products never lose precision.
 */
export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP });
export type Decimal = InstanceType<typeof Decimal>;

/** Fixed-point scale used wherever a decimal is stored as an integer (SQLite columns `*_micros`). */
export const MICROS_SCALE = 6;
const MICROS = new Decimal(10).pow(MICROS_SCALE);

/** Largest magnitude we store: keeps micros within Number.MAX_SAFE_INTEGER. */
export const MAX_STORABLE = new Decimal(Number.MAX_SAFE_INTEGER).div(MICROS).floor();

const DECIMAL_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

export class DecimalFormatError extends Error {}

/** Parses a plain decimal string ("12.5", "-3", "0.25"); rejects exponents, NaN, Infinity and junk. */
export function parseDecimal(text: string): Decimal {
  const trimmed = text.trim();
  if (!DECIMAL_PATTERN.test(trimmed)) {
    throw new DecimalFormatError(`"${text}" is not a decimal number (expected digits like "12.5")`);
  }
  return new Decimal(trimmed);
}

export function toMicros(value: Decimal): number {
  if (value.decimalPlaces() > MICROS_SCALE) {
    throw new DecimalFormatError(`${value.toFixed()} has more than ${MICROS_SCALE} decimal places`);
  }
  if (value.abs().greaterThan(MAX_STORABLE)) {
    throw new DecimalFormatError(`${value.toFixed()} is too large to store`);
  }
  return value.mul(MICROS).toNumber();
}

export function fromMicros(micros: number): Decimal {
  return new Decimal(micros).div(MICROS);
}

/** Canonical text form: no exponent, no trailing zeros ("12.50" -> "12.5"). */
export function formatDecimal(value: Decimal): string {
  return value.toFixed();
}
