/**
 * Subscriptions to plans with monthly credits. Each period is charged to the default payment
 * method at its start (a SUBSCRIPTION checkout session); when the provider's webhook confirms the
 * payment, the period's credits are granted (a PURCHASE entry), once per period (guard: the
 * primary key of subscription_grants, written with the entry). A failed payment makes the
 * subscription PAST_DUE and is retried (./dunning.ts); after the last retry it ends UNPAID.
 * Cancelling stops renewal at the period's end; subscribing again before then resumes it.
 * An account has at most one live subscription per plan (guard: a partial unique index).
 */
import type { EventLog } from "../events/log.js";
import type { EventData } from "../events/definitions.js";
import { subscriptionState } from "../events/payloads.js";

type SubscriptionEventType = "subscription.renewed" | "subscription.payment_failed" | "subscription.cancelled";
import type { CreditService } from "../accounts/grants.js";
import { randomHex } from "../ids.js";
import type { CatalogRepository } from "../catalog/repository.js";
import { dueScope, type AccountTime, type TimeScope } from "../accounts/account-time.js";
import { badInput, DomainError, DomainErrorCode, notFound } from "../errors.js";
import type { Logger } from "../logger.js";
import { toMicros } from "../pricing/decimal.js";
import { LIVE_STATUSES, type SubscriptionRow } from "../store/repositories/index.js";
import type { Store, Tx } from "../store/store.js";
import type { CheckoutService, CheckoutSessionRow } from "./checkout.js";
import { nextRetryAt } from "./dunning.js";
import { checkProviderServes } from "./payment-routing.js";
import { periodGrant } from "./purchased-grants.js";
import type { PaymentMethodService } from "./payment-methods.js";

export { LIVE_STATUSES, type SubscriptionRow };
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

const endedAlready = (subscription: SubscriptionRow) =>
  badInput(
    `Subscription ${subscription.id} has already ended${subscription.status === "UNPAID" ? " unpaid" : ""}: there is nothing to cancel (subscriptionCreate starts a new one)`,
    ["subscriptionId"],
  );

export class SubscriptionService {
  constructor(
    private readonly store: Store,
    private readonly credits: CreditService,
    private readonly catalog: CatalogRepository,
    private readonly time: AccountTime,
    private readonly checkout: CheckoutService,
    private readonly paymentMethods: PaymentMethodService,
    private readonly logger: Logger,
    private readonly retryDays: readonly number[],
    private readonly events: EventLog,
  ) {}

  get(id: string): Promise<SubscriptionRow | undefined> {
    return this.store.reads.subscriptions.get(id);
  }

  ofAccount(accountId: string): Promise<SubscriptionRow[]> {
    return this.store.reads.subscriptions.ofAccount(accountId);
  }

  private plan(planId: string) {
    const plan = this.catalog.subscriptionPlansByIds([planId])[0];
    if (!plan) throw notFound(`No subscription plan ${planId}`, ["planId"]);
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
      throw new DomainError(
        DomainErrorCode.CONTACT_SALES,
        `${plan.name} is arranged with the provider's sales team and cannot be bought here; contact them for a custom plan`,
        ["planId"],
      );
    }
    const { row, charge, retrying } = await this.store.transaction(async (tx): Promise<{ row: SubscriptionRow; charge: boolean; retrying?: string | null }> => {
      const live = await tx.subscriptions.liveOnPlan(accountId, planId);
      if (live?.cancelAtPeriodEnd) {
        await tx.subscriptions.update(live.id, { cancelAtPeriodEnd: false }, { statuses: LIVE_STATUSES });
        return { row: live, charge: false };
      }
      if (live && live.status !== "PAST_DUE") throw badInput(`Already subscribed to ${plan.name} (${live.id})`, ["planId"]);
      const method = await this.paymentMethods.defaultMethod(accountId, tx);
      if (!method) throw badInput(`Attach a payment method first: ${plan.name} is charged each month`, ["planId"]);
      const account = (await tx.accounts.get(accountId))!;
      checkProviderServes(account.mode, method.provider);
      if (live) return { row: live, charge: true, retrying: live.nextPaymentAttemptAt };
      const start = await this.time.of(account, tx);
      const anchorDay = start.getUTCDate();
      const inserted = await tx.subscriptions.insert({
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
      });
      if (!inserted) throw badInput(`Already subscribed to ${plan.name}`, ["planId"]);
      return { row: inserted, charge: true };
    });
    if (charge) await this.charge(row.id, row.currentPeriodStart, retrying === undefined ? undefined : { retrying });
    return (await this.get(row.id))!;
  }

  /**
   * Stops renewal at the end of the current period; the credits already granted stay. A past-due
   * subscription ends at once: its unpaid period is not retried any more. One that has ended
   * (ENDED, or UNPAID after its last retry) is refused: there is nothing left to cancel.
   */
  cancel(accountId: string, subscriptionId: string): Promise<SubscriptionRow> {
    return this.store.transaction(async (tx) => {
      const subscription = await tx.subscriptions.get(subscriptionId);
      if (!subscription || subscription.accountId !== accountId) throw notFound(`No subscription ${subscriptionId}`, ["subscriptionId"]);
      if (!isLive(subscription.status)) throw endedAlready(subscription);
      let changed = false;
      const now = (await this.time.now(accountId, tx)).toISOString();
      if (subscription.status === "PAST_DUE") {
        const ended = { status: "ENDED" as const, cancelAtPeriodEnd: true, endedAt: now, nextPaymentAttemptAt: null };
        changed = await tx.subscriptions.update(subscriptionId, ended, { statuses: ["PAST_DUE"] });
      } else if (isLive(subscription.status) && !subscription.cancelAtPeriodEnd) {
        // Conditional on what was read: two cancels at once change it, and tell of it, once.
        changed = await tx.subscriptions.update(subscriptionId, { cancelAtPeriodEnd: true }, { statuses: LIVE_STATUSES, cancelAtPeriodEnd: false });
      }
      if (changed)
        await this.event(tx, subscriptionId, "subscription.cancelled", { endsAt: subscription.status === "PAST_DUE" ? now : subscription.currentPeriodEnd });
      const after = (await tx.subscriptions.get(subscriptionId))!;
      // Ended meanwhile (its last retry failed, or another cancel ended it): refused as if read so.
      if (!changed && !isLive(after.status)) throw endedAlready(after);
      return after;
    });
  }

  /**
   * Charges a period to the default payment method; the webhook grants or refuses it. Guards, so
   * that two nodes charge a period once: a period with its grant is never charged again (the
   * grant is read in the transaction that opens the charge); only one charge per period is open
   * at a time (the unique index on open sessions per period); and a retry of a past-due payment
   * first claims the retry it read (a conditional update on the scheduled time), so a retrier
   * whose list is stale, because another node's retry was paid or declined meanwhile, does nothing.
   */
  private async charge(subscriptionId: string, periodStart: string, retry?: { retrying: string | null }): Promise<boolean> {
    const opened = await this.store.transaction(async (tx) => {
      const subscription = await tx.subscriptions.get(subscriptionId);
      if (!subscription || !isLive(subscription.status) || subscription.currentPeriodStart !== periodStart) return null;
      if (await tx.subscriptions.grantOf(subscriptionId, periodStart)) return null;
      if (retry) {
        const expected = { statuses: ["PAST_DUE"] as const, periodStart, nextPaymentAttemptAt: retry.retrying };
        if (!(await tx.subscriptions.update(subscriptionId, { nextPaymentAttemptAt: null }, expected))) return null;
      }
      const method = await this.paymentMethods.defaultMethod(subscription.accountId, tx);
      if (!method) {
        await this.paymentFailed(tx, subscriptionId, periodStart, "no payment method");
        return null;
      }
      const plan = this.plan(subscription.planId);
      let session;
      try {
        session = await this.checkout.open(tx, {
          accountId: subscription.accountId,
          paymentType: "CARD",
          purpose: "SUBSCRIPTION",
          // The method's provider charges it, whichever provider new checkouts go to.
          saved: { provider: method.provider, token: method.providerToken },
          plan: { id: plan.id, name: plan.name, price: plan.price!, credits: plan.monthlyCredits! },
          subscription: { id: subscriptionId, periodStart },
        });
      } catch (error) {
        // Not charged at all: e.g. the credits would pass the balance limit.
        if (!(error instanceof DomainError)) throw error;
        await this.paymentFailed(tx, subscriptionId, periodStart, error.message);
        return null;
      }
      // No retry is scheduled while a charge is open; its outcome schedules the next one.
      if (session) await tx.subscriptions.update(subscriptionId, { nextPaymentAttemptAt: null });
      return session ? { session, method } : null;
    });
    if (!opened) return false;
    try {
      const customerId = opened.method.provider === "stripe" ? await this.paymentMethods.customerOf(opened.session.accountId, "stripe") : null;
      await this.checkout.submit(opened.session, { provider: opened.method.provider, token: opened.method.providerToken, customerId });
    } catch (error) {
      // submit() closed the session as declined (which scheduled the next retry, or ended it); anything before it left it open.
      await this.checkout.closeIfOpen(opened.session.id, error);
      this.logger.warn("subscription charge failed", { subscriptionId, error });
    }
    return true;
  }

  /** Inside the webhook's transaction: grants the period's credits (once) and settles the subscription. */
  async paid(tx: Tx, session: CheckoutSessionRow): Promise<string> {
    const subscription = (await tx.subscriptions.get(session.subscriptionId!))!;
    const periodStart = session.periodStart!;
    let transactionId = await tx.subscriptions.grantOf(subscription.id, periodStart);
    if (!transactionId) {
      const plan = this.plan(subscription.planId);
      const planName = plan.name;
      const periodEnd = addMonths(new Date(periodStart), 1, subscription.anchorDay).toISOString();
      ({ transactionId } = await this.credits.purchase(
        tx,
        subscription.accountId,
        plan.providerId,
        periodGrant(subscription, session, plan, new Date(periodEnd)),
        `${planName} monthly credits, ${periodStart.slice(0, 10)} to ${periodEnd.slice(0, 10)} (subscription ${subscription.id})`,
      ));
      await tx.subscriptions.insertGrant({ subscriptionId: subscription.id, periodStart, transactionId });
      await this.settlePaid(tx, subscription, periodStart);
      // Once per period: a second payment of a period already granted renews nothing.
      await this.event(tx, subscription.id, "subscription.renewed", { periodStart, transactionId });
      return transactionId;
    }
    await this.settlePaid(tx, subscription, periodStart);
    return transactionId;
  }

  /**
   * The current period is paid: active, with no retries pending. An UNPAID subscription whose
   * last period is paid after all is active again, unless the account subscribed anew meanwhile.
   */
  async settlePaid(tx: Tx, subscription: SubscriptionRow, periodStart: string): Promise<void> {
    if (periodStart !== subscription.currentPeriodStart) return;
    const paid = { status: "ACTIVE" as const, lastPaymentError: null, failedPaymentAttempts: 0, nextPaymentAttemptAt: null };
    if (isLive(subscription.status)) await tx.subscriptions.update(subscription.id, paid, { statuses: LIVE_STATUSES });
    else if (subscription.status === "UNPAID") await tx.subscriptions.reactivate(subscription, { ...paid, endedAt: null });
  }

  /** A period's charge was declined or expired (inside a transaction): schedule a retry, or end it. */
  failed(tx: Tx, session: CheckoutSessionRow, reason: string): Promise<void> {
    return this.paymentFailed(tx, session.subscriptionId!, session.periodStart!, reason);
  }

  private async paymentFailed(tx: Tx, subscriptionId: string, periodStart: string, reason: string): Promise<void> {
    const subscription = await tx.subscriptions.get(subscriptionId);
    // A failure of an earlier period, or of a subscription that has ended, changes nothing now.
    if (!subscription || !isLive(subscription.status) || subscription.currentPeriodStart !== periodStart) return;
    const now = await this.time.now(subscription.accountId, tx);
    const next = nextRetryAt(subscription, this.retryDays, now);
    const changed = await tx.subscriptions.update(
      subscriptionId,
      {
        status: next ? "PAST_DUE" : "UNPAID",
        lastPaymentError: reason,
        failedPaymentAttempts: subscription.failedPaymentAttempts + 1,
        nextPaymentAttemptAt: next?.toISOString() ?? null,
        endedAt: next ? null : now.toISOString(),
      },
      { statuses: LIVE_STATUSES, periodStart },
    );
    if (changed) await this.event(tx, subscriptionId, "subscription.payment_failed", { periodStart, reason });
  }

  /** The subscription's state after the change, and what changed. */
  private async event<T extends SubscriptionEventType>(tx: Tx, subscriptionId: string, type: T, change: EventData<T>["change"]): Promise<void> {
    const after = (await tx.subscriptions.get(subscriptionId))!;
    await this.events.record<SubscriptionEventType>(tx, after.accountId, type, { subscription: subscriptionState(after), change } as EventData<T>);
  }

  /** Past-due payments retried at once, e.g. after the account attached a new default method. */
  async retryPastDue(accountId: string): Promise<number> {
    let charged = 0;
    for (const { id, periodStart, nextPaymentAttemptAt } of await this.store.reads.subscriptions.pastDue({ accountId })) {
      if (await this.charge(id, periodStart, { retrying: nextPaymentAttemptAt })) charged++;
    }
    return charged;
  }

  /** The scope's retries whose scheduled time has come (called by the sweeper). */
  async retryDue(scope: TimeScope = this.time.serverScope()): Promise<number> {
    let charged = 0;
    for (const { id, periodStart, nextPaymentAttemptAt } of await this.store.reads.subscriptions.pastDue({ retryBy: dueScope(scope) })) {
      if (await this.charge(id, periodStart, { retrying: nextPaymentAttemptAt })) charged++;
    }
    return charged;
  }

  /**
   * Starts every period that has begun (several, if the server was down) and charges each; the
   * webhooks grant the credits. Returns how many periods were started. Guard: a period is started
   * by a conditional update on the period end that was read, so two sweepers start it once.
   */
  async renewDue(scope: TimeScope = this.time.serverScope()): Promise<number> {
    let renewed = 0;
    for (const id of await this.store.reads.subscriptions.renewalsDue(dueScope(scope))) {
      for (;;) {
        const started = await this.store.transaction(async (tx) => {
          const subscription = (await tx.subscriptions.get(id))!;
          const now = (await this.time.now(subscription.accountId, tx)).toISOString();
          if (!isLive(subscription.status) || subscription.currentPeriodEnd > now) return null;
          const current = { statuses: LIVE_STATUSES, periodEnd: subscription.currentPeriodEnd };
          if (subscription.cancelAtPeriodEnd) {
            await tx.subscriptions.update(id, { status: "ENDED", endedAt: subscription.currentPeriodEnd, nextPaymentAttemptAt: null }, current);
            return null;
          }
          const start = subscription.currentPeriodEnd;
          const end = addMonths(new Date(start), 1, subscription.anchorDay).toISOString();
          // An unpaid earlier period is not retried any more: the new period is charged instead.
          const claimed = await tx.subscriptions.update(
            id,
            { currentPeriodStart: start, currentPeriodEnd: end, failedPaymentAttempts: 0, nextPaymentAttemptAt: null },
            current,
          );
          return claimed ? start : null;
        });
        if (!started) break;
        await this.charge(id, started);
        renewed++;
      }
    }
    return renewed;
  }
}
