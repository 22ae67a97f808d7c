/**
 * Verified payment webhooks, applied exactly once: the event id is remembered (redeliveries and
 * replays change nothing; guard: the primary key of webhook_events, written in the same
 * transaction), only an OPEN session changes (guard: conditional updates), and the amount and
 * currency must match what was sold. A confirmed payment whose credits cannot be added (the
 * balance limit) is never lost: it is recorded as an unapplied payment for an operator and the
 * webhook is acknowledged.
 */
import { and, eq } from "drizzle-orm";
import { randomHex } from "../accounts/keys.js";
import { LedgerError, type Ledger } from "../accounts/ledger.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import * as t from "../db/schema.js";
import { fromMicros } from "../pricing/decimal.js";
import type { CheckoutService, CheckoutSessionRow } from "./checkout.js";
import type { PaymentMethodSetupService } from "./payment-method-setups.js";
import type { PaymentEvent, ProviderName } from "./providers.js";

/** What a paid session does beyond itself, by purpose (billing/index.ts). */
export interface SessionPaidHandler {
  /** Inside the webhook's transaction: adds the credits; returns the PURCHASE entry's id. */
  paid(session: CheckoutSessionRow): string;
  /** Inside the webhook's transaction: the payment was taken but its credits could not be added. */
  unapplied(session: CheckoutSessionRow, reason: string): void;
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
    private readonly database: Database,
    private readonly ledger: Ledger,
    private readonly checkout: CheckoutService,
    private readonly setups: PaymentMethodSetupService,
    private readonly clock: Clock,
    private readonly onPaid: SessionPaidHandler,
    private readonly after: AfterPaymentEvent,
  ) {}

  private get db() {
    return this.database.db;
  }

  /**
   * Applies a verified webhook event, exactly once. Returns what it did, for the provider's log
   * and ours; everything but a bad signature is acknowledged (retrying would not change it).
   */
  apply(providerName: ProviderName, event: PaymentEvent): { kind: WebhookOutcome; outcome: string } {
    const result = this.ledger.atomically((): Result => {
      const seen = this.db
        .select()
        .from(t.webhookEvents)
        .where(and(eq(t.webhookEvents.provider, providerName), eq(t.webhookEvents.eventId, event.id)))
        .get();
      if (seen) return { kind: "duplicate", outcome: `duplicate of an event already processed (${seen.outcome})` };
      const result = this.outcomeOf(providerName, event);
      this.db
        .insert(t.webhookEvents)
        .values({ provider: providerName, eventId: event.id, type: event.providerType, outcome: result.outcome, receivedAt: this.clock.now().toISOString() })
        .run();
      return result;
    });
    if (result.kind === "unapplied") this.after.unapplied();
    if (result.accountWithNewMethod) this.after.defaultMethodChanged(result.accountWithNewMethod);
    return { kind: result.kind, outcome: result.outcome };
  }

  private outcomeOf(providerName: ProviderName, event: PaymentEvent): Result {
    const ignored = (outcome: string) => ({ kind: "ignored" as const, outcome: `ignored: ${outcome}` });
    if (event.type === "setup.succeeded") {
      const { outcome, accountId } = this.setups.completed(providerName, event);
      return { kind: outcome.split(":")[0] as WebhookOutcome, outcome, accountWithNewMethod: accountId };
    }
    if (event.type === "ignored" || !event.providerSessionId) return ignored(`${event.providerType} is not handled`);
    const session = this.db
      .select()
      .from(t.checkoutSessions)
      .where(and(eq(t.checkoutSessions.provider, providerName), eq(t.checkoutSessions.providerSessionId, event.providerSessionId)))
      .get();
    if (!session) return ignored("unknown session");
    // The provider's final word stays final: its events arriving late or out of order change
    // nothing. But a payment it confirms after this server gave up on the session (our expiry
    // timer, a provider call that failed while the charge went through) was taken: it becomes
    // credits, as webhooks can arrive days late. (closedBy is set only while EXPIRED or DECLINED.)
    const paidAfterWeClosed = event.type === "payment.succeeded" && session.closedBy === "SERVER";
    if (session.status !== "OPEN" && !paidAfterWeClosed) return ignored(`session ${session.id} is already ${session.status}`);

    switch (event.type) {
      case "payment.succeeded":
        return this.succeeded(providerName, event, session, paidAfterWeClosed);
      case "payment.failed":
        this.checkout.close(session, "DECLINED", event.reason ?? "payment declined", "PROVIDER");
        return { kind: "applied", outcome: `applied: session ${session.id} declined` };
      case "payment.expired":
        this.checkout.close(session, "EXPIRED", "checkout expired", "PROVIDER");
        return { kind: "applied", outcome: `applied: session ${session.id} expired` };
    }
  }

  private succeeded(providerName: ProviderName, event: PaymentEvent, session: CheckoutSessionRow, paidAfterWeClosed: boolean) {
    if (event.amountMicros !== session.priceMicros || event.currency !== session.currency) {
      const paid = event.amountMicros === null ? "?" : fromMicros(event.amountMicros).toFixed();
      return {
        kind: "rejected" as const,
        outcome: `rejected: paid ${paid} ${event.currency ?? "?"} but session ${session.id} costs ${fromMicros(session.priceMicros).toFixed()} ${session.currency}`,
      };
    }
    const now = this.clock.now().toISOString();
    let transactionId: string;
    try {
      // Its own savepoint: when the credits cannot be added, the payment is still recorded below.
      transactionId = this.ledger.atomically(() => this.onPaid.paid(session));
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error;
      const id = `upa_${randomHex(10)}`;
      const reason = `paid, but the credits could not be added: ${error.message}`;
      this.db
        .insert(t.unappliedPayments)
        .values({
          id,
          accountId: session.accountId,
          checkoutSessionId: session.id,
          provider: providerName,
          eventId: event.id,
          amountMicros: session.priceMicros,
          currency: session.currency,
          creditsMicros: session.creditsMicros,
          reason: error.message,
          createdAt: now,
        })
        .run();
      this.db
        .update(t.checkoutSessions)
        .set({ status: "PAID_NOT_CREDITED", failureReason: `${reason} (kept for an operator as ${id})`, closedBy: null, resolvedAt: now })
        .where(eq(t.checkoutSessions.id, session.id))
        .run();
      this.onPaid.unapplied(session, reason);
      return { kind: "unapplied" as const, outcome: `unapplied: session ${session.id} ${reason}; recorded as ${id}` };
    }
    this.db
      .update(t.checkoutSessions)
      .set({ status: "COMPLETED", transactionId, failureReason: null, closedBy: null, resolvedAt: now })
      .where(eq(t.checkoutSessions.id, session.id))
      .run();
    const credits = `${fromMicros(session.creditsMicros).toFixed()} credits added`;
    return {
      kind: "applied" as const,
      outcome: paidAfterWeClosed
        ? `applied: session ${session.id} was ${session.status} here (${session.failureReason}) but is paid: completed, ${credits}`
        : `applied: session ${session.id} completed, ${credits}`,
    };
  }
}
