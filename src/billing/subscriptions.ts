/**
 * Subscriptions to plans with monthly credits. Each period is charged to the default payment
 * method at its start (a SUBSCRIPTION checkout session); when the provider's webhook confirms the
 * payment, the period's credits are granted (a PURCHASE entry), once per period (guard: the
 * primary key of subscription_grants, written with the entry). A failed payment makes the
 * subscription PAST_DUE and is retried (./dunning.ts); after the last retry it ends UNPAID.
 * Cancelling stops renewal at the period's end; subscribing again before then resumes it.
 * An account has at most one live subscription per plan (guard: a partial unique index).
 */
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import { randomHex } from "../accounts/keys.js";
import { LedgerError, type Ledger } from "../accounts/ledger.js";
import type { CatalogRepository } from "../catalog/repository.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import * as t from "../db/schema.js";
import type { Logger } from "../logger.js";
import { toMicros } from "../pricing/decimal.js";
import { BillingErrorCode, type CheckoutService, type CheckoutSessionRow } from "./checkout.js";
import { nextRetryAt } from "./dunning.js";
import type { PaymentMethodService } from "./payment-methods.js";

export type SubscriptionRow = typeof t.subscriptions.$inferSelect;

/** Statuses of a subscription that still renews: at most one per account and plan. */
export const LIVE_STATUSES = ["PENDING", "ACTIVE", "PAST_DUE"] as const;
const isLive = (status: SubscriptionRow["status"]) => (LIVE_STATUSES as readonly string[]).includes(status);

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
    private readonly retryDays: readonly number[],
  ) {}

  private get db() {
    return this.database.db;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  get(id: string): SubscriptionRow | undefined {
    return this.db.select().from(t.subscriptions).where(eq(t.subscriptions.id, id)).get();
  }

  ofAccount(accountId: string): SubscriptionRow[] {
    return this.db.select().from(t.subscriptions).where(eq(t.subscriptions.accountId, accountId)).orderBy(t.subscriptions.createdAt).all();
  }

  private plan(planId: string) {
    const plan = this.catalog.subscriptionPlansByIds([planId])[0];
    if (!plan) throw new LedgerError("NOT_FOUND", `No subscription plan ${planId}`, ["planId"]);
    return plan;
  }

  /**
   * Subscribes to a plan. When the account's subscription to it is still running with
   * cancelAtPeriodEnd, it is resumed (no charge, renewal back on); when it is past due, its
   * payment is retried now. Otherwise a second live subscription to one plan is refused.
   */
  async create(accountId: string, planId: string): Promise<SubscriptionRow> {
    const plan = this.plan(planId);
    if (plan.contactSales || !plan.monthlyCredits || !plan.price) {
      throw new LedgerError(
        BillingErrorCode.CONTACT_SALES,
        `${plan.name} is arranged with the provider's sales team and cannot be bought here; contact them for a custom plan`,
        ["planId"],
      );
    }
    const { row, charge } = this.ledger.atomically(() => {
      const live = this.db
        .select()
        .from(t.subscriptions)
        .where(and(eq(t.subscriptions.accountId, accountId), eq(t.subscriptions.planId, planId), inArray(t.subscriptions.status, LIVE_STATUSES)))
        .get();
      if (live?.cancelAtPeriodEnd) {
        this.db.update(t.subscriptions).set({ cancelAtPeriodEnd: false }).where(eq(t.subscriptions.id, live.id)).run();
        return { row: live, charge: false };
      }
      if (live && live.status !== "PAST_DUE") throw new LedgerError("BAD_USER_INPUT", `Already subscribed to ${plan.name} (${live.id})`, ["planId"]);
      if (!this.paymentMethods.defaultMethod(accountId)) {
        throw new LedgerError("BAD_USER_INPUT", `Attach a payment method first: ${plan.name} is charged each month`, ["planId"]);
      }
      if (live) return { row: live, charge: true };
      const start = this.clock.now();
      const anchorDay = start.getUTCDate();
      const inserted = this.db
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
        .onConflictDoNothing()
        .returning()
        .get();
      if (!inserted) throw new LedgerError("BAD_USER_INPUT", `Already subscribed to ${plan.name}`, ["planId"]);
      return { row: inserted, charge: true };
    });
    if (charge) await this.charge(row.id, row.currentPeriodStart);
    return this.get(row.id)!;
  }

  /**
   * Stops renewal at the end of the current period; the credits already granted stay. A past-due
   * subscription ends at once: its unpaid period is not retried any more.
   */
  cancel(accountId: string, subscriptionId: string): SubscriptionRow {
    return this.ledger.atomically(() => {
      const subscription = this.get(subscriptionId);
      if (!subscription || subscription.accountId !== accountId) {
        throw new LedgerError("NOT_FOUND", `No subscription ${subscriptionId}`, ["subscriptionId"]);
      }
      if (subscription.status === "PAST_DUE") {
        this.db
          .update(t.subscriptions)
          .set({ status: "ENDED", cancelAtPeriodEnd: true, endedAt: this.now(), nextPaymentAttemptAt: null })
          .where(and(eq(t.subscriptions.id, subscriptionId), eq(t.subscriptions.status, "PAST_DUE")))
          .run();
      } else if (isLive(subscription.status)) {
        this.db.update(t.subscriptions).set({ cancelAtPeriodEnd: true }).where(eq(t.subscriptions.id, subscriptionId)).run();
      }
      return this.get(subscriptionId)!;
    });
  }

  /**
   * Charges a period to the default payment method; the webhook grants or refuses it. Only one
   * charge per period is open at a time (guard: the unique index on open sessions per period), so
   * a retry racing a sweep, on this node or another, charges once.
   */
  private async charge(subscriptionId: string, periodStart: string): Promise<void> {
    const opened = this.ledger.atomically(() => {
      const subscription = this.get(subscriptionId);
      if (!subscription || !isLive(subscription.status) || subscription.currentPeriodStart !== periodStart) return null;
      const method = this.paymentMethods.defaultMethod(subscription.accountId);
      if (!method) {
        this.paymentFailed(subscriptionId, periodStart, "no payment method");
        return null;
      }
      const plan = this.plan(subscription.planId);
      let session;
      try {
        session = this.checkout.open({
          accountId: subscription.accountId,
          paymentType: "CARD",
          purpose: "SUBSCRIPTION",
          plan: { id: plan.id, name: plan.name, price: plan.price!, credits: plan.monthlyCredits! },
          subscription: { id: subscriptionId, periodStart },
        });
      } catch (error) {
        // Not charged at all: e.g. the credits would pass the balance limit.
        if (!(error instanceof LedgerError)) throw error;
        this.paymentFailed(subscriptionId, periodStart, error.message);
        return null;
      }
      // No retry is scheduled while a charge is open; its outcome schedules the next one.
      if (session) this.db.update(t.subscriptions).set({ nextPaymentAttemptAt: null }).where(eq(t.subscriptions.id, subscriptionId)).run();
      return session ? { session, method } : null;
    });
    if (!opened) return;
    try {
      const customerId = opened.method.provider === "stripe" ? await this.paymentMethods.customerOf(opened.session.accountId, "stripe") : null;
      await this.checkout.submit(opened.session, { provider: opened.method.provider, token: opened.method.providerToken, customerId });
    } catch (error) {
      // submit() closed the session as declined, which scheduled the next retry (or ended it).
      this.logger.warn("subscription charge failed", { subscriptionId, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Inside the webhook's transaction: grants the period's credits (once) and settles the subscription. */
  paid(session: CheckoutSessionRow): string {
    const subscription = this.get(session.subscriptionId!)!;
    const periodStart = session.periodStart!;
    const already = this.db
      .select()
      .from(t.subscriptionGrants)
      .where(and(eq(t.subscriptionGrants.subscriptionId, subscription.id), eq(t.subscriptionGrants.periodStart, periodStart)))
      .get();
    let transactionId = already?.transactionId;
    if (!transactionId) {
      const planName = this.plan(subscription.planId).name;
      const periodEnd = addMonths(new Date(periodStart), 1, subscription.anchorDay).toISOString();
      ({ transactionId } = this.ledger.purchase(
        subscription.accountId,
        subscription.monthlyCreditsMicros,
        `${planName} monthly credits, ${periodStart.slice(0, 10)} to ${periodEnd.slice(0, 10)} (subscription ${subscription.id})`,
      ));
      this.db.insert(t.subscriptionGrants).values({ subscriptionId: subscription.id, periodStart, transactionId }).run();
    }
    this.settlePaid(subscription, periodStart);
    return transactionId;
  }

  /**
   * The current period is paid: active, with no retries pending. An UNPAID subscription whose
   * last period is paid after all is active again, unless the account subscribed anew meanwhile.
   */
  settlePaid(subscription: SubscriptionRow, periodStart: string): void {
    if (periodStart !== subscription.currentPeriodStart) return;
    const paid = { status: "ACTIVE" as const, lastPaymentError: null, failedPaymentAttempts: 0, nextPaymentAttemptAt: null };
    if (isLive(subscription.status)) {
      this.db.update(t.subscriptions).set(paid).where(and(eq(t.subscriptions.id, subscription.id), inArray(t.subscriptions.status, LIVE_STATUSES))).run();
    } else if (subscription.status === "UNPAID") {
      const other = sql`select 1 from ${t.subscriptions} as other where other.account_id = ${subscription.accountId} and other.plan_id = ${subscription.planId} and other.status in ('PENDING', 'ACTIVE', 'PAST_DUE')`;
      this.db
        .update(t.subscriptions)
        .set({ ...paid, endedAt: null })
        .where(and(eq(t.subscriptions.id, subscription.id), eq(t.subscriptions.status, "UNPAID"), sql`not exists (${other})`))
        .run();
    }
  }

  /** A period's charge was declined or expired (inside a transaction): schedule a retry, or end it. */
  failed(session: CheckoutSessionRow, reason: string): void {
    this.paymentFailed(session.subscriptionId!, session.periodStart!, reason);
  }

  private paymentFailed(subscriptionId: string, periodStart: string, reason: string): void {
    const subscription = this.get(subscriptionId);
    // A failure of an earlier period, or of a subscription that has ended, changes nothing now.
    if (!subscription || !isLive(subscription.status) || subscription.currentPeriodStart !== periodStart) return;
    const now = this.clock.now();
    const next = nextRetryAt(subscription, this.retryDays, now);
    this.db
      .update(t.subscriptions)
      .set({
        status: next ? "PAST_DUE" : "UNPAID",
        lastPaymentError: reason,
        failedPaymentAttempts: subscription.failedPaymentAttempts + 1,
        nextPaymentAttemptAt: next?.toISOString() ?? null,
        endedAt: next ? null : now.toISOString(),
      })
      .where(and(eq(t.subscriptions.id, subscriptionId), eq(t.subscriptions.currentPeriodStart, periodStart), inArray(t.subscriptions.status, LIVE_STATUSES)))
      .run();
  }

  /** Past-due payments retried at once, e.g. after the account attached a new default method. */
  async retryPastDue(accountId: string): Promise<number> {
    const due = this.db
      .select({ id: t.subscriptions.id, periodStart: t.subscriptions.currentPeriodStart })
      .from(t.subscriptions)
      .where(and(eq(t.subscriptions.accountId, accountId), eq(t.subscriptions.status, "PAST_DUE")))
      .all();
    for (const { id, periodStart } of due) await this.charge(id, periodStart);
    return due.length;
  }

  /** Retries whose scheduled time has come (called by the sweeper). */
  async retryDue(): Promise<number> {
    const due = this.db
      .select({ id: t.subscriptions.id, periodStart: t.subscriptions.currentPeriodStart })
      .from(t.subscriptions)
      .where(and(eq(t.subscriptions.status, "PAST_DUE"), lte(t.subscriptions.nextPaymentAttemptAt, this.now())))
      .all();
    for (const { id, periodStart } of due) await this.charge(id, periodStart);
    return due.length;
  }

  /**
   * Starts every period that has begun (several, if the server was down) and charges each; the
   * webhooks grant the credits. Returns how many periods were started. Guard: a period is started
   * by a conditional update on the period end that was read, so two sweepers start it once.
   */
  async renewDue(): Promise<number> {
    let renewed = 0;
    const due = this.db
      .select({ id: t.subscriptions.id })
      .from(t.subscriptions)
      .where(and(inArray(t.subscriptions.status, LIVE_STATUSES), lte(t.subscriptions.currentPeriodEnd, this.now())))
      .all();
    for (const { id } of due) {
      for (;;) {
        const started = this.ledger.atomically(() => {
          const subscription = this.get(id)!;
          if (!isLive(subscription.status) || subscription.currentPeriodEnd > this.now()) return null;
          const current = and(eq(t.subscriptions.id, id), eq(t.subscriptions.currentPeriodEnd, subscription.currentPeriodEnd), inArray(t.subscriptions.status, LIVE_STATUSES));
          if (subscription.cancelAtPeriodEnd) {
            this.db.update(t.subscriptions).set({ status: "ENDED", endedAt: subscription.currentPeriodEnd, nextPaymentAttemptAt: null }).where(current).run();
            return null;
          }
          const start = subscription.currentPeriodEnd;
          const end = addMonths(new Date(start), 1, subscription.anchorDay).toISOString();
          // An unpaid earlier period is not retried any more: the new period is charged instead.
          const claimed = this.db
            .update(t.subscriptions)
            .set({ currentPeriodStart: start, currentPeriodEnd: end, failedPaymentAttempts: 0, nextPaymentAttemptAt: null })
            .where(current)
            .run();
          return claimed.changes === 1 ? start : null;
        });
        if (!started) break;
        await this.charge(id, started);
        renewed++;
      }
    }
    return renewed;
  }
}
