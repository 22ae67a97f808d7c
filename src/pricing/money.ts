import type { Decimal } from "./decimal.js";

/** An exact amount of money in an ISO 4217 currency. */
export interface Money {
  amount: Decimal;
  currency: string;
}

export function money(amount: Decimal, currency: string): Money {
  return { amount, currency };
}
