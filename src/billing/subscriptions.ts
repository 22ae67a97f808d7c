/**
 * Subscriptions to plans with monthly credits. Each period is charged to the default payment
 * method at its start (a SUBSCRIPTION checkout session); when the provider's webhook confirms
 * the payment, the period's credits are granted (a PURCHASE entry), once per period: a
 * (subscription, period start) row is written in the same transaction as the entry, so restarts,
 * repeated sweeps or webhook redeliveries cannot grant a period twice. A failed payment leaves the
 * subscription PAST_DUE without that period's credits. Cancelling stops renewal at the period's end.
 */
import { and, eq, lte, ne } from "drizzle-orm";
import { randomHex } from "../accounts/keys.js";
import { LedgerError, type Ledger } from "../accounts/ledger.js";
import type { CatalogRepository } from "../catalog/repository.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import * as t from "../db/schema.js";
import { toMicros } from "../pricing/decimal.js";
import type { Logger } from "../logger.js";
import { BillingErrorCode, type CheckoutService, type CheckoutSessionRow } from "./checkout.js";
import type { PaymentMethodService } from "./payment-methods.js";

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
    private readonly checkout: CheckoutService,
    private readonly paymentMethods: PaymentMethodService,
    private readonly logger: Logger,
  ) {
    checkout.handleSubscriptionPayments({
      paid: (session) => this.paid(session),
      failed: (session, reason) => this.failed(session, reason),
    });
  }

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
  private grantPeriod(subscription: SubscriptionRow, periodStart: string, planName: string): string {
    const already = this.db
      .select()
      .from(t.subscriptionGrants)
      .where(and(eq(t.subscriptionGrants.subscriptionId, subscription.id), eq(t.subscriptionGrants.periodStart, periodStart)))
      .get();
    if (already) return already.transactionId;
    const periodEnd = addMonths(new Date(periodStart), 1, subscription.anchorDay).toISOString();
    const { transactionId } = this.ledger.purchase(
      subscription.accountId,
      subscription.monthlyCreditsMicros,
      `${planName} monthly credits, ${periodStart.slice(0, 10)} to ${periodEnd.slice(0, 10)} (subscription ${subscription.id})`,
    );
    this.db.insert(t.subscriptionGrants).values({ subscriptionId: subscription.id, periodStart, transactionId }).run();
    return transactionId;
  }

  /** A period's payment was confirmed (inside the webhook's transaction). */
  private paid(session: CheckoutSessionRow): string {
    const subscription = this.get(session.subscriptionId!)!;
    const transactionId = this.grantPeriod(subscription, session.periodStart!, this.plan(subscription.planId).name);
    if (subscription.status === "PENDING" || subscription.status === "PAST_DUE") {
      this.db.update(t.subscriptions).set({ status: "ACTIVE", lastPaymentError: null }).where(eq(t.subscriptions.id, subscription.id)).run();
    } else {
      this.db.update(t.subscriptions).set({ lastPaymentError: null }).where(eq(t.subscriptions.id, subscription.id)).run();
    }
    return transactionId;
  }

  /** A period's payment failed or expired (inside a transaction): no credits for it. */
  private failed(session: CheckoutSessionRow, reason: string): void {
    const subscription = this.get(session.subscriptionId!);
    if (!subscription || subscription.status === "ENDED") return;
    this.db.update(t.subscriptions).set({ status: "PAST_DUE", lastPaymentError: reason }).where(eq(t.subscriptions.id, subscription.id)).run();
  }

  /** Charges one period to the account's default payment method; the webhook grants or refuses it. */
  private async charge(subscription: SubscriptionRow, periodStart: string): Promise<void> {
    const plan = this.plan(subscription.planId);
    const method = this.paymentMethods.defaultMethod(subscription.accountId);
    if (!method) {
      this.ledger.atomically(() =>
        this.db.update(t.subscriptions).set({ status: "PAST_DUE", lastPaymentError: "no payment method" }).where(eq(t.subscriptions.id, subscription.id)).run(),
      );
      return;
    }
    try {
      await this.checkout.create({
        accountId: subscription.accountId,
        paymentType: "CARD",
        purpose: "SUBSCRIPTION",
        saved: { provider: method.provider, token: method.providerToken },
        plan: { id: plan.id, name: plan.name, price: plan.price!, credits: plan.monthlyCredits! },
        subscription: { id: subscription.id, periodStart },
      });
    } catch (error) {
      // create() closed the session as declined, which marked the subscription past due.
      this.logger.warn("subscription charge failed", { subscriptionId: subscription.id, error: error instanceof Error ? error.message : String(error) });
    }
  }

  private plan(planId: string) {
    const plan = this.catalog.subscriptionPlansByIds([planId])[0];
    if (!plan) throw new LedgerError("NOT_FOUND", `No subscription plan ${planId}`, ["planId"]);
    return plan;
  }

  async create(accountId: string, planId: string): Promise<SubscriptionRow> {
    const plan = this.plan(planId);
    if (plan.contactSales || !plan.monthlyCredits || !plan.price) {
      throw new LedgerError(
        BillingErrorCode.CONTACT_SALES,
        `${plan.name} is arranged with the provider's sales team and cannot be bought here; contact them for a custom plan`,
        ["planId"],
      );
    }
    if (!this.paymentMethods.defaultMethod(accountId)) {
      throw new LedgerError("BAD_USER_INPUT", `Attach a payment method first: ${plan.name} is charged each month`, ["planId"]);
    }
    const row = this.ledger.atomically(() => {
      const active = this.ofAccount(accountId).find((s) => s.planId === planId && s.status !== "ENDED" && !s.cancelAtPeriodEnd);
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
          status: "PENDING",
          anchorDay,
          currentPeriodStart: start.toISOString(),
          currentPeriodEnd: addMonths(start, 1, anchorDay).toISOString(),
          cancelAtPeriodEnd: false,
          createdAt: start.toISOString(),
        })
        .returning()
        .get();
      return row;
    });
    await this.charge(row, row.currentPeriodStart);
    return this.get(row.id)!;
  }

  /** Stops renewal at the end of the current period; the credits already granted stay. */
  cancel(accountId: string, subscriptionId: string): SubscriptionRow {
    return this.ledger.atomically(() => {
      const subscription = this.get(subscriptionId);
      if (!subscription || subscription.accountId !== accountId) {
        throw new LedgerError("NOT_FOUND", `No subscription ${subscriptionId}`, ["subscriptionId"]);
      }
      if (subscription.status !== "ENDED") {
        this.db.update(t.subscriptions).set({ cancelAtPeriodEnd: true }).where(eq(t.subscriptions.id, subscriptionId)).run();
      }
      return this.get(subscriptionId)!;
    });
  }

  /**
   * Starts every period that has begun (several, if the server was down) and charges each;
   * the webhooks grant the credits. Returns how many periods were started.
   */
  async renewDue(): Promise<number> {
    let renewed = 0;
    const now = this.clock.now().toISOString();
    const due = this.db
      .select()
      .from(t.subscriptions)
      .where(and(ne(t.subscriptions.status, "ENDED"), lte(t.subscriptions.currentPeriodEnd, now)))
      .all();
    for (const { id } of due) {
      for (;;) {
        const started = this.ledger.atomically(() => {
          const subscription = this.get(id)!;
          if (subscription.status === "ENDED" || subscription.currentPeriodEnd > this.clock.now().toISOString()) return null;
          if (subscription.cancelAtPeriodEnd) {
            this.db.update(t.subscriptions).set({ status: "ENDED", endedAt: subscription.currentPeriodEnd }).where(eq(t.subscriptions.id, id)).run();
            return null;
          }
          const start = subscription.currentPeriodEnd;
          const end = addMonths(new Date(start), 1, subscription.anchorDay).toISOString();
          this.db.update(t.subscriptions).set({ currentPeriodStart: start, currentPeriodEnd: end }).where(eq(t.subscriptions.id, id)).run();
          return { subscription, start };
        });
        if (!started) break;
        await this.charge(started.subscription, started.start);
        renewed++;
      }
    }
    return renewed;
  }
}
