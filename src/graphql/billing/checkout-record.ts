/** A checkout session row as the GraphQL layer shows it. */
import { money } from "../../pricing/money.js";
import { fromMicros } from "../../pricing/decimal.js";
import type { CheckoutSessionRow } from "../../billing/checkout.js";
import type { CheckoutSessionRecord } from "./types.js";

const date = (value: string | null) => (value ? new Date(value) : null);

export function toCheckoutSession(row: CheckoutSessionRow): CheckoutSessionRecord {
  return {
    __typename: "CheckoutSession",
    id: row.id,
    accountId: row.accountId,
    seq: row.seq,
    url: row.url,
    status: row.status,
    purpose: row.purpose,
    paymentType: row.paymentType,
    packId: row.packId,
    price: money(fromMicros(row.priceMicros), row.currency),
    credits: fromMicros(row.creditsMicros),
    transactionId: row.transactionId,
    failureReason: row.failureReason,
    createdAt: new Date(row.createdAt),
    expiresAt: new Date(row.expiresAt),
    resolvedAt: date(row.resolvedAt),
  };
}
