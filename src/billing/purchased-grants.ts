/**
 * The grant a payment buys: a pack's credits (PAID, never expiring unless the catalog says how
 * long they last) or a plan period's (SUBSCRIPTION, expiring at the period's end when the catalog
 * says so), with what was paid for them as their cost basis.
 */
import type { NewGrant } from "../accounts/wallet-book.js";
import type { CreditPackRecord, SubscriptionPlanRecord } from "../catalog/records.js";
import type { CheckoutSessionRow, SubscriptionRow } from "../store/repositories/index.js";

const DAY_MS = 86_400_000;

/** The provider whose wallet a pack's or plan's credits go to ("<provider>/…" ids). */
export const providerOf = (packOrPlanId: string) => packOrPlanId.split("/")[0];

export function packGrant(session: CheckoutSessionRow, pack: CreditPackRecord | undefined, paidAt: Date): NewGrant {
  const days = pack?.creditsExpireAfterDays ?? null;
  return {
    kind: "PAID",
    source: "CHECKOUT",
    sourceId: session.id,
    micros: session.creditsMicros,
    costMicros: session.priceMicros,
    costCurrency: session.currency,
    expiresAt: days === null ? null : new Date(paidAt.getTime() + days * DAY_MS),
  };
}

/** One grant per subscription period (the source id is unique), effective from the period's start. */
export function periodGrant(subscription: SubscriptionRow, session: CheckoutSessionRow, plan: SubscriptionPlanRecord, periodEnd: Date): NewGrant {
  return {
    kind: "SUBSCRIPTION",
    source: "SUBSCRIPTION_PERIOD",
    sourceId: periodSourceId(subscription.id, session.periodStart!),
    micros: subscription.monthlyCreditsMicros,
    costMicros: session.priceMicros,
    costCurrency: session.currency,
    effectiveAt: new Date(session.periodStart!),
    expiresAt: plan.creditsExpireAtPeriodEnd ? periodEnd : null,
  };
}

export const periodSourceId = (subscriptionId: string, periodStart: string) => `${subscriptionId}@${periodStart}`;

/** The grant a paid session created, if any. */
export function grantSourceOf(session: CheckoutSessionRow): { source: "CHECKOUT" | "SUBSCRIPTION_PERIOD"; sourceId: string } {
  return session.purpose === "SUBSCRIPTION"
    ? { source: "SUBSCRIPTION_PERIOD", sourceId: periodSourceId(session.subscriptionId!, session.periodStart!) }
    : { source: "CHECKOUT", sourceId: session.id };
}
