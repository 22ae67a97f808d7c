/**
 * Verified payment webhooks, applied exactly once: the event id is remembered (redeliveries and
 * replays change nothing; guard: the primary key of webhook_events, written in the same
 * transaction), only an OPEN session changes (guard: conditional updates), and the amount and
 * currency must match what was sold. A confirmed payment whose credits cannot be added (the
 * balance limit) is never lost: it is recorded as an unapplied payment for an operator and the
 * webhook is acknowledged.
 */
import { randomHex } from "../ids.js";
import type { AccountTime } from "../accounts/account-time.js";
import { DomainError } from "../errors.js";
import { fromMicros } from "../pricing/decimal.js";
import type { Store, Tx } from "../store/store.js";
import type { CheckoutService, CheckoutSessionRow } from "./checkout.js";
import type { PaymentMethodSetupService } from "./payment-method-setups.js";
import { providerServes } from "./payment-routing.js";
import type { PaymentEvent, ProviderName } from "./providers.js";

/** What a paid session does beyond itself, by purpose (billing/index.ts). */
export interface SessionPaidHandler {
  /** Inside the webhook's transaction: adds the credits; returns the PURCHASE entry's id. */
  paid(tx: Tx, session: CheckoutSessionRow): Promise<string>;
  /** Inside the webhook's transaction: the payment was taken but its credits could not be added. */
  unapplied(tx: Tx, session: CheckoutSessionRow, reason: string): Promise<void>;
  /** Inside the webhook's transaction: a paid session was refunded or disputed; returns the outcome. */
  reversed(tx: Tx, session: CheckoutSessionRow, event: PaymentEvent): Promise<string>;
  /** Inside the webhook's transaction, once the session is COMPLETED (its event is written then). */
  completed(tx: Tx, sessionId: string): Promise<void>;
}

export type WebhookOutcome = "applied" | "unapplied" | "duplicate" | "ignored" | "rejected";

/** What happens after an event's transaction committed. */
export interface AfterPaymentEvent {
  /** A payment was taken whose credits could not be added. */
  unapplied(): void;
  /** The account has a new default payment method (a setup succeeded). */
  defaultMethodChanged(accountId: string): void;
}

type Result = { kind: WebhookOutcome; outcome: string; accountWithNewMethod?: string | null };

export class PaymentEventService {
  constructor(
    private readonly store: Store,
    private readonly checkout: CheckoutService,
    private readonly setups: PaymentMethodSetupService,
    private readonly time: AccountTime,
    private readonly onPaid: SessionPaidHandler,
    private readonly after: AfterPaymentEvent,
  ) {}

  /**
   * Applies a verified webhook event, exactly once. Returns what it did, for the provider's log
   * and ours; everything but a bad signature is acknowledged (retrying would not change it).
   */
  async apply(providerName: ProviderName, event: PaymentEvent): Promise<{ kind: WebhookOutcome; outcome: string }> {
    return this.store.transaction(async (tx) => {
      // Claimed before it is applied (guard: the primary key): a redelivery, here or on another node, is a duplicate.
      const claimed = await tx.webhookEvents.claim({
        provider: providerName,
        eventId: event.id,
        type: event.providerType,
        outcome: "applying",
        receivedAt: this.time.server.now().toISOString(),
      });
      if (!claimed) {
        const seen = await tx.webhookEvents.get(providerName, event.id);
        return { kind: "duplicate" as const, outcome: `duplicate of an event already processed (${seen?.outcome})` };
      }
      const result = await this.outcomeOf(tx, providerName, event);
      await tx.webhookEvents.setOutcome(providerName, event.id, result.outcome);
      if (result.kind === "unapplied") tx.afterCommit(() => this.after.unapplied());
      const accountId = result.accountWithNewMethod;
      if (accountId) tx.afterCommit(() => this.after.defaultMethodChanged(accountId));
      return { kind: result.kind, outcome: result.outcome };
    });
  }

  private async outcomeOf(tx: Tx, providerName: ProviderName, event: PaymentEvent): Promise<Result> {
    const ignored = (outcome: string) => ({ kind: "ignored" as const, outcome: `ignored: ${outcome}` });
    if (event.type === "setup.succeeded") {
      const { outcome, accountId } = await this.setups.completed(tx, providerName, event);
      return { kind: outcome.split(":")[0] as WebhookOutcome, outcome, accountWithNewMethod: accountId };
    }
    if (event.type === "payment.refunded" || event.type === "payment.disputed") {
      const session = event.paymentReference ? await tx.checkoutSessions.lockByPayment(providerName, event.paymentReference) : undefined;
      if (!session) return ignored("unknown payment");
      const refused = await this.outsideMode(tx, providerName, session);
      if (refused) return refused;
      const outcome = await this.onPaid.reversed(tx, session, event);
      return { kind: outcome.split(":")[0] as WebhookOutcome, outcome };
    }
    if (event.type === "ignored" || !event.providerSessionId) return ignored(`${event.providerType} is not handled`);
    // Locked: events of one session are applied one after the other, on any node.
    const session = await tx.checkoutSessions.lockByProviderRef(providerName, event.providerSessionId);
    if (!session) return ignored("unknown session");
    const refused = await this.outsideMode(tx, providerName, session);
    // Money a real provider took is never lost, even for an account its mode keeps from it: an operator refunds it.
    if (refused && event.type === "payment.succeeded" && providerName !== "sandbox" && session.status === "OPEN") {
      const now = (await this.time.now(session.accountId, tx)).toISOString();
      return this.keepUnapplied(tx, providerName, event, session, `the account's mode takes no ${providerName} payments: refund it at the provider`, now);
    }
    if (refused) return refused;
    // The provider's final word stays final: its events arriving late or out of order change
    // nothing. But a payment it confirms after this server gave up on the session (our expiry
    // timer, a provider call that failed while the charge went through) was taken: it becomes
    // credits, as webhooks can arrive days late. (closedBy is set only while EXPIRED or DECLINED.)
    const paidAfterWeClosed = event.type === "payment.succeeded" && session.closedBy === "SERVER";
    if (session.status !== "OPEN" && !paidAfterWeClosed) return ignored(`session ${session.id} is already ${session.status}`);

    switch (event.type) {
      case "payment.succeeded":
        return this.succeeded(tx, providerName, event, session, paidAfterWeClosed);
      case "payment.failed":
        await this.checkout.close(tx, session, "DECLINED", event.reason ?? "payment declined", "PROVIDER");
        return { kind: "applied", outcome: `applied: session ${session.id} declined` };
      case "payment.expired":
        await this.checkout.close(tx, session, "EXPIRED", "checkout expired", "PROVIDER");
        return { kind: "applied", outcome: `applied: session ${session.id} expired` };
    }
  }

  private async succeeded(tx: Tx, providerName: ProviderName, event: PaymentEvent, session: CheckoutSessionRow, paidAfterWeClosed: boolean): Promise<Result> {
    if (event.amountMicros !== session.priceMicros || event.currency !== session.currency) {
      const paid = event.amountMicros === null ? "?" : fromMicros(event.amountMicros).toFixed();
      return {
        kind: "rejected",
        outcome: `rejected: paid ${paid} ${event.currency ?? "?"} but session ${session.id} costs ${fromMicros(session.priceMicros).toFixed()} ${session.currency}`,
      };
    }
    const now = (await this.time.now(session.accountId, tx)).toISOString();
    let transactionId: string;
    try {
      // Its own savepoint: when the credits cannot be added, the payment is still recorded below.
      transactionId = await tx.savepoint(() => this.onPaid.paid(tx, session));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return this.keepUnapplied(tx, providerName, event, session, error.message, now);
    }
    await this.settle(tx, session.id, {
      status: "COMPLETED",
      transactionId,
      failureReason: null,
      resolvedAt: now,
      paymentReference: event.paymentReference ?? null,
    });
    await this.onPaid.completed(tx, session.id);
    const credits = `${fromMicros(session.creditsMicros).toFixed()} credits added`;
    return {
      kind: "applied",
      outcome: paidAfterWeClosed
        ? `applied: session ${session.id} was ${session.status} here (${session.failureReason}) but is paid: completed, ${credits}`
        : `applied: session ${session.id} completed, ${credits}`,
    };
  }

  /** A payment taken whose credits are not added: kept for an operator (unappliedPayments), the session PAID_NOT_CREDITED. */
  private async keepUnapplied(tx: Tx, providerName: ProviderName, event: PaymentEvent, session: CheckoutSessionRow, why: string, now: string): Promise<Result> {
    const id = `upa_${randomHex(10)}`;
    const reason = `paid, but the credits could not be added: ${why}`;
    await tx.unappliedPayments.insert({
      id,
      accountId: session.accountId,
      checkoutSessionId: session.id,
      provider: providerName,
      eventId: event.id,
      amountMicros: session.priceMicros,
      currency: session.currency,
      creditsMicros: session.creditsMicros,
      reason: why,
      createdAt: now,
    });
    await this.settle(tx, session.id, {
      status: "PAID_NOT_CREDITED",
      transactionId: null,
      failureReason: `${reason} (kept for an operator as ${id})`,
      resolvedAt: now,
    });
    await this.onPaid.unapplied(tx, session, reason);
    return { kind: "unapplied", outcome: `unapplied: session ${session.id} ${reason}; recorded as ${id}` };
  }

  /**
   * A provider's event about a session of an account whose mode that provider does not serve (a
   * sandbox payment for a LIVE account's session from before modes): refused, so no sandbox event
   * ever moves a LIVE account's credits.
   */
  private async outsideMode(tx: Tx, providerName: ProviderName, session: CheckoutSessionRow): Promise<Result | null> {
    const account = (await tx.accounts.get(session.accountId))!;
    if (providerServes(account.mode, providerName)) return null;
    return { kind: "rejected", outcome: `rejected: session ${session.id} belongs to a ${account.mode} account, which ${providerName} does not serve` };
  }

  /** The session is locked by this transaction, so it is still payable; anything else is a bug. */
  private async settle(tx: Tx, id: string, fields: Parameters<Tx["checkoutSessions"]["settlePaid"]>[1]): Promise<void> {
    if (!(await tx.checkoutSessions.settlePaid(id, fields))) throw new Error(`checkout session ${id} changed while its payment was applied`);
  }
}
