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

/**
 * The one grammar of decimal text, wherever a client writes one: -?digits[.digits]. No spaces, no
 * plus sign, no point without digits on both sides, no exponent. "-0" is zero.
 */
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

export const DECIMAL_GRAMMAR =
  'digits with an optional leading minus and decimal point, -?digits[.digits], such as "12.5", "-3" or "0.25" (no spaces, plus sign, leading or trailing point, or exponent)';

export class DecimalFormatError extends Error {}

export const isDecimalText = (text: string): boolean => DECIMAL_TEXT.test(text);

/** Parses decimal text of the one grammar above; anything else (" 5 ", "+5", ".5", "5.", "5e2", NaN) is refused, naming the grammar. */
export function parseDecimal(text: string): Decimal {
  if (!DECIMAL_TEXT.test(text)) throw new DecimalFormatError(`${JSON.stringify(text)} is not a decimal number: write ${DECIMAL_GRAMMAR}`);
  const value = new Decimal(text);
  // "-0" is zero, never a negative zero.
  return value.isZero() ? new Decimal(0) : value;
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

/** Credits as people read them, from micros. */
export const credits = (micros: number) => fromMicros(micros).toFixed();
