/**
 * Subscriptions to plans with monthly credits. The plan's credits are granted (a PURCHASE entry)
 * at the start of each period, once per period: a (subscription, period start) row is written in
 * the same transaction as the entry, so restarts or repeated sweeps cannot grant a period twice.
 * Cancelling stops renewal at the end of the current period.
 */
import { and, eq, lte } from "drizzle-orm";
import { randomHex } from "../accounts/keys.js";
import { LedgerError, type Ledger } from "../accounts/ledger.js";
import type { CatalogRepository } from "../catalog/repository.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import * as t from "../db/schema.js";
import { toMicros } from "../pricing/decimal.js";
import { BillingErrorCode } from "./checkout.js";

export type SubscriptionRow = typeof t.subscriptions.$inferSelect;

/** The same day of month `months` later, falling back to the month's last day (Jan 31 -> Feb 28). */
export function addMonths(from: Date, months: number, anchorDay: number): Date {
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(year, month, Math.min(anchorDay, lastDay), from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds(), from.getUTCMilliseconds()),
  );
}

export class SubscriptionService {
  constructor(
    private readonly database: Database,
    private readonly ledger: Ledger,
    private readonly catalog: CatalogRepository,
    private readonly clock: Clock,
  ) {}

  private get db() {
    return this.database.db;
  }

  get(id: string): SubscriptionRow | undefined {
    return this.db.select().from(t.subscriptions).where(eq(t.subscriptions.id, id)).get();
  }

  ofAccount(accountId: string): SubscriptionRow[] {
    return this.db.select().from(t.subscriptions).where(eq(t.subscriptions.accountId, accountId)).orderBy(t.subscriptions.createdAt).all();
  }

  /** Inside a transaction: grants a period's credits unless that period already had them. */
  private grantPeriod(subscription: SubscriptionRow, periodStart: string, periodEnd: string, planName: string): void {
    const already = this.db
      .select()
      .from(t.subscriptionGrants)
      .where(and(eq(t.subscriptionGrants.subscriptionId, subscription.id), eq(t.subscriptionGrants.periodStart, periodStart)))
      .get();
    if (already) return;
    const { transactionId } = this.ledger.purchase(
      subscription.accountId,
      subscription.monthlyCreditsMicros,
      `${planName} monthly credits, ${periodStart.slice(0, 10)} to ${periodEnd.slice(0, 10)} (subscription ${subscription.id})`,
    );
    this.db.insert(t.subscriptionGrants).values({ subscriptionId: subscription.id, periodStart, transactionId }).run();
  }

  private plan(planId: string) {
    const plan = this.catalog.subscriptionPlansByIds([planId])[0];
    if (!plan) throw new LedgerError("NOT_FOUND", `No subscription plan ${planId}`, ["planId"]);
    return plan;
  }

  create(accountId: string, planId: string): SubscriptionRow {
    const plan = this.plan(planId);
    if (plan.contactSales || !plan.monthlyCredits || !plan.price) {
      throw new LedgerError(
        BillingErrorCode.CONTACT_SALES,
        `${plan.name} is arranged with the provider's sales team and cannot be bought here; contact them for a custom plan`,
        ["planId"],
      );
    }
    return this.ledger.atomically(() => {
      const active = this.ofAccount(accountId).find((s) => s.planId === planId && s.status === "ACTIVE" && !s.cancelAtPeriodEnd);
      if (active) throw new LedgerError("BAD_USER_INPUT", `Already subscribed to ${plan.name} (${active.id})`, ["planId"]);
      const start = this.clock.now();
      const anchorDay = start.getUTCDate();
      const row: SubscriptionRow = this.db
        .insert(t.subscriptions)
        .values({
          id: `sub_${randomHex(8)}`,
          accountId,
          planId,
          monthlyCreditsMicros: toMicros(plan.monthlyCredits!),
          status: "ACTIVE",
          anchorDay,
          currentPeriodStart: start.toISOString(),
          currentPeriodEnd: addMonths(start, 1, anchorDay).toISOString(),
          cancelAtPeriodEnd: false,
          createdAt: start.toISOString(),
        })
        .returning()
        .get();
      this.grantPeriod(row, row.currentPeriodStart, row.currentPeriodEnd, plan.name);
      return row;
    });
  }

  /** Stops renewal at the end of the current period; the credits already granted stay. */
  cancel(accountId: string, subscriptionId: string): SubscriptionRow {
    return this.ledger.atomically(() => {
      const subscription = this.get(subscriptionId);
      if (!subscription || subscription.accountId !== accountId) {
        throw new LedgerError("NOT_FOUND", `No subscription ${subscriptionId}`, ["subscriptionId"]);
      }
      if (subscription.status === "ACTIVE") {
        this.db.update(t.subscriptions).set({ cancelAtPeriodEnd: true }).where(eq(t.subscriptions.id, subscriptionId)).run();
      }
      return this.get(subscriptionId)!;
    });
  }

  /** Starts every period that has begun (several, if the server was down), granting each once. */
  renewDue(): number {
    let renewed = 0;
    const now = this.clock.now().toISOString();
    const due = this.db
      .select()
      .from(t.subscriptions)
      .where(and(eq(t.subscriptions.status, "ACTIVE"), lte(t.subscriptions.currentPeriodEnd, now)))
      .all();
    for (const { id } of due) {
      for (;;) {
        const advanced = this.ledger.atomically(() => {
          const subscription = this.get(id)!;
          if (subscription.status !== "ACTIVE" || subscription.currentPeriodEnd > this.clock.now().toISOString()) return false;
          if (subscription.cancelAtPeriodEnd) {
            this.db.update(t.subscriptions).set({ status: "ENDED", endedAt: subscription.currentPeriodEnd }).where(eq(t.subscriptions.id, id)).run();
            return false;
          }
          const start = subscription.currentPeriodEnd;
          const end = addMonths(new Date(start), 1, subscription.anchorDay).toISOString();
          this.db.update(t.subscriptions).set({ currentPeriodStart: start, currentPeriodEnd: end }).where(eq(t.subscriptions.id, id)).run();
          this.grantPeriod({ ...subscription, currentPeriodStart: start, currentPeriodEnd: end }, start, end, this.plan(subscription.planId).name);
          return true;
        });
        if (!advanced) break;
        renewed++;
      }
    }
    return renewed;
  }
}
