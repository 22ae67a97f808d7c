/** Credit amounts and texts from requests, validated before anything is written. */
import { DomainError, DomainErrorCode } from "../errors.js";
import { Decimal, toMicros } from "../pricing/decimal.js";

export const LEDGER_LIMITS = {
  /** Largest credit amount one operation moves. */
  maxOperationCredits: new Decimal(1_000_000_000),
  /** Largest balance an account may hold; keeps every sum exact in 64-bit micros. */
  maxBalanceCredits: new Decimal(1_000_000_000),
  maxIdempotencyKeyLength: 255,
  maxTextLength: 500,
};

const bad = (message: string, field: string[]) => new DomainError(DomainErrorCode.BAD_USER_INPUT, message, field);

export { credits } from "../pricing/decimal.js";

/** Validates a credit amount from a request and returns it in micros. */
export function creditsToMicros(value: Decimal, field: string[], { allowZero = false } = {}): number {
  if (!value.isFinite()) throw bad("Credits must be a finite number", field);
  if (value.isNegative() || (!allowZero && value.isZero())) {
    throw bad(`Credits must be ${allowZero ? "0 or more" : "greater than 0"}; got ${value.toFixed()}`, field);
  }
  if (value.decimalPlaces() > 6) throw bad(`Credits take at most 6 decimal places; got ${value.toFixed()}`, field);
  if (value.greaterThan(LEDGER_LIMITS.maxOperationCredits)) throw bad(`Credits must be at most ${LEDGER_LIMITS.maxOperationCredits.toFixed()}`, field);
  return toMicros(value);
}

export function checkText(value: string, field: string[], what: string): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw bad(`${what} must not be empty`, field);
  if (trimmed.length > LEDGER_LIMITS.maxTextLength) throw bad(`${what} must be at most ${LEDGER_LIMITS.maxTextLength} characters`, field);
  return trimmed;
}

/** Whether `balanceMicros + addedMicros` stays within the balance limit. */
export function fitsBalance(balanceMicros: number, addedMicros: number): boolean {
  return balanceMicros + addedMicros <= toMicros(LEDGER_LIMITS.maxBalanceCredits);
}

export function balanceLimitError(field: string[]): DomainError {
  return bad(`The balance would exceed the maximum of ${LEDGER_LIMITS.maxBalanceCredits.toFixed()} credits`, field);
}
