/**
 * What credits cost the account that holds them: its grants' cost basis (the price paid per
 * credit; 0 for promotional credits). A provider's documented credit value (U-Gen: $0.01) is
 * what a credit is worth on its price list; a pack bought at $0.045 a credit cost more. Both are
 * shown, never one passed off as the other.
 */
import type { AccountTime } from "./account-time.js";
import { money, type Money } from "../pricing/money.js";
import { Decimal, fromMicros } from "../pricing/decimal.js";
import type { GrantRow, Repositories } from "../store/repositories/index.js";

const COST_PLACES = 6;

/** A grant's spendable credits and its cost per credit; null cost when unknown (e.g. migrated). */
function unitCost(grant: GrantRow): { currency: string | null; perCredit: Decimal } | null {
  if (grant.costMicros === null) return null;
  if (grant.costMicros === 0) return { currency: grant.costCurrency, perCredit: new Decimal(0) };
  if (grant.costCurrency === null) return null;
  return { currency: grant.costCurrency, perCredit: fromMicros(grant.costMicros).div(fromMicros(grant.amountMicros)) };
}

/**
 * What `credits` would cost from these grants, taken in the spending order they come in (the
 * grants a job would spend); null when they do not cover it, or a grant's cost is unknown, or
 * the costs are in different currencies.
 */
export function costOf(spendable: readonly GrantRow[], credits: Decimal): Money | null {
  let left = credits;
  let total = new Decimal(0);
  let currency: string | null = null;
  for (const grant of spendable) {
    if (left.lessThanOrEqualTo(0)) break;
    const cost = unitCost(grant);
    if (!cost) return null;
    if (cost.currency && currency && cost.currency !== currency) return null;
    currency ??= cost.currency;
    const take = Decimal.min(left, fromMicros(grant.remainingMicros - grant.heldMicros));
    total = total.plus(take.mul(cost.perCredit));
    left = left.minus(take);
  }
  if (left.greaterThan(0)) return null;
  // Promotional credits alone have no currency of their own: they cost nothing.
  return money(total.toDecimalPlaces(COST_PLACES), currency ?? "USD");
}

export class CreditCosts {
  constructor(
    private readonly reads: Repositories,
    private readonly time: AccountTime,
  ) {}

  /** What the wallet's available credits cost the account, or `credits` of them in spending order. */
  async ofWallet(accountId: string, providerId: string, credits?: Decimal): Promise<Money | null> {
    const spendable = await this.reads.grants.spendable(accountId, providerId, (await this.time.now(accountId)).toISOString());
    const available = spendable.reduce((total, grant) => total.plus(fromMicros(grant.remainingMicros - grant.heldMicros)), new Decimal(0));
    if (available.isZero() && !credits) return null;
    return costOf(spendable, credits ?? available);
  }
}
