/**
 * Checkout sessions for credit packs. A session records the pack as sold (price, currency,
 * credits); credits are added only when a verified webhook reports the payment, exactly once per
 * session: the event id is remembered (redeliveries and replays change nothing), only an OPEN
 * session changes, and the amount and currency must match what was sold.
 */
import { and, desc, eq, lt, lte, type SQL } from "drizzle-orm";
import type { Ledger } from "../accounts/ledger.js";
import { LedgerError } from "../accounts/ledger.js";
import { randomHex } from "../accounts/keys.js";
import type { CreditPackRecord } from "../catalog/records.js";
import type { CatalogRepository } from "../catalog/repository.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import { pageOf } from "../db/paging.js";
import * as t from "../db/schema.js";
import { fromMicros, toMicros } from "../pricing/decimal.js";
import type { PaymentEvent, PaymentProvider, PaymentType, ProviderName, SandboxProvider } from "./providers.js";
import { topUpFailed, topUpSucceeded } from "./top-up-state.js";

export type CheckoutSessionRow = typeof t.checkoutSessions.$inferSelect;

export const BillingErrorCode = {
  PAYMENT_PROVIDER_ERROR: "PAYMENT_PROVIDER_ERROR",
  CONTACT_SALES: "CONTACT_SALES",
} as const;

export interface Providers {
  sandbox: SandboxProvider;
  stripe: PaymentProvider | null;
}

/** What a paid or failed SUBSCRIPTION session does (set by ./subscriptions.ts, which owns periods). */
export interface SubscriptionPayments {
  /** Inside the webhook's transaction: grants the period's credits; returns the PURCHASE entry's id. */
  paid(session: CheckoutSessionRow): string;
  failed(session: CheckoutSessionRow, reason: string): void;
}

export class CheckoutService {
  private subscriptionPayments: SubscriptionPayments | null = null;

  constructor(
    private readonly database: Database,
    private readonly ledger: Ledger,
    private readonly catalog: CatalogRepository,
    readonly providers: Providers,
    private readonly clock: Clock,
    private readonly checkoutTtlMs: number,
  ) {}

  private get db() {
    return this.database.db;
  }

  handleSubscriptionPayments(handler: SubscriptionPayments): void {
    this.subscriptionPayments = handler;
  }

  /** The provider of that name, or null when it is unknown or not configured. */
  findProvider(name: string): PaymentProvider | null {
    return name === "sandbox" ? this.providers.sandbox : name === "stripe" ? this.providers.stripe : null;
  }

  provider(name: ProviderName): PaymentProvider {
    const provider = name === "stripe" ? this.providers.stripe : this.providers.sandbox;
    if (!provider) throw new Error(`payment provider ${name} is not configured`);
    return provider;
  }

  /** Card payments go to Stripe when it is configured; PayPal goes through the sandbox for now. */
  providerFor(paymentType: PaymentType): ProviderName {
    return paymentType === "CARD" && this.providers.stripe ? "stripe" : "sandbox";
  }

  findPack(packId: string): CreditPackRecord {
    const providerId = packId.split("/")[0];
    const pack = this.catalog.creditPacksByProviderIds([providerId]).get(providerId)?.find((p) => p.id === packId);
    if (!pack) throw new LedgerError("NOT_FOUND", `No credit pack ${packId}`, ["packId"]);
    return pack;
  }

  /** The account's sessions, newest first; `afterSeq` is the cursor position (exclusive). */
  page(accountId: string, options: { first: number; afterSeq?: number; status?: CheckoutSessionRow["status"] | null }) {
    const conditions: SQL[] = [eq(t.checkoutSessions.accountId, accountId)];
    if (options.afterSeq !== undefined) conditions.push(lt(t.checkoutSessions.seq, options.afterSeq));
    if (options.status) conditions.push(eq(t.checkoutSessions.status, options.status));
    const rows = this.db
      .select()
      .from(t.checkoutSessions)
      .where(and(...conditions))
      .orderBy(desc(t.checkoutSessions.seq))
      .limit(options.first + 1)
      .all();
    return pageOf(rows, options.first);
  }

  session(id: string): CheckoutSessionRow | undefined {
    return this.db.select().from(t.checkoutSessions).where(eq(t.checkoutSessions.id, id)).get();
  }

  /**
   * Opens a session and asks the provider for its checkout page (CHECKOUT), or charges a saved
   * payment method (AUTO_TOP_UP). The session row exists before the provider is called, so a
   * webhook can never arrive for a session we do not know.
   */
  async create(request: {
    accountId: string;
    paymentType: PaymentType;
    purpose?: CheckoutSessionRow["purpose"];
    sessionId?: string;
    saved?: { provider: ProviderName; token: string };
  } & (
    | { packId: string }
    /** A subscription period: the plan's price for its monthly credits. */
    | { plan: { id: string; name: string; price: CreditPackRecord["price"]; credits: CreditPackRecord["credits"] }; subscription: { id: string; periodStart: string } }
  )): Promise<CheckoutSessionRow> {
    const pack = "packId" in request ? this.findPack(request.packId) : request.plan;
    const subscription = "subscription" in request ? request.subscription : null;
    const purpose = request.purpose ?? "CHECKOUT";
    const providerName = request.saved?.provider ?? this.providerFor(request.paymentType);
    const id = request.sessionId ?? `cs_${randomHex(12)}`;
    const now = this.clock.now();
    this.db
      .insert(t.checkoutSessions)
      .values({
        id,
        accountId: request.accountId,
        packId: pack.id,
        priceMicros: toMicros(pack.price.amount),
        currency: pack.price.currency,
        creditsMicros: toMicros(pack.credits),
        provider: providerName,
        paymentType: request.paymentType,
        purpose,
        status: "OPEN",
        providerSessionId: providerName === "sandbox" ? id : null,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + this.checkoutTtlMs).toISOString(),
        subscriptionId: subscription?.id ?? null,
        periodStart: subscription?.periodStart ?? null,
      })
      .run();
    const checkout = {
      sessionId: id,
      accountId: request.accountId,
      amountMicros: toMicros(pack.price.amount),
      currency: pack.price.currency,
      description: subscription
        ? `${pack.name} subscription: ${pack.credits.toFixed()} credits for the period from ${subscription.periodStart.slice(0, 10)}`
        : `${pack.name} credit pack: ${pack.credits.toFixed()} credits`,
      paymentType: request.paymentType,
    };
    try {
      const provider = this.provider(providerName);
      const result = request.saved
        ? await provider.chargeSavedMethod({ ...checkout, providerToken: request.saved.token })
        : await provider.createCheckout(checkout);
      this.db
        .update(t.checkoutSessions)
        .set({ providerSessionId: result.providerSessionId, url: result.url })
        .where(eq(t.checkoutSessions.id, id))
        .run();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.ledger.atomically(() => this.close(this.session(id)!, "DECLINED", `payment provider error: ${reason}`, "SERVER"));
      throw new LedgerError(BillingErrorCode.PAYMENT_PROVIDER_ERROR, `The payment provider refused the request: ${reason}`);
    }
    return this.session(id)!;
  }

  /**
   * Moves an OPEN session to EXPIRED or DECLINED, on the provider's word or on this server's (see
   * `closedBy` in the schema); top-up and subscription bookkeeping follow. Inside a transaction.
   */
  private close(session: CheckoutSessionRow, status: "EXPIRED" | "DECLINED", reason: string, closedBy: "PROVIDER" | "SERVER"): void {
    this.db
      .update(t.checkoutSessions)
      .set({ status, failureReason: reason, closedBy, resolvedAt: this.clock.now().toISOString() })
      .where(and(eq(t.checkoutSessions.id, session.id), eq(t.checkoutSessions.status, "OPEN")))
      .run();
    if (session.purpose === "AUTO_TOP_UP") topUpFailed(this.db, this.clock, session.accountId, session.id, reason);
    if (session.purpose === "SUBSCRIPTION") this.subscriptionPayments?.failed(session, reason);
  }

  /**
   * Applies a verified webhook event, exactly once. Returns what it did, for the provider's log
   * and ours; everything but a bad signature is acknowledged (retrying would not change it).
   */
  applyEvent(providerName: ProviderName, event: PaymentEvent): string {
    return this.ledger.atomically(() => {
      const seen = this.db
        .select()
        .from(t.webhookEvents)
        .where(and(eq(t.webhookEvents.provider, providerName), eq(t.webhookEvents.eventId, event.id)))
        .get();
      if (seen) return `duplicate of an event already processed (${seen.outcome})`;
      const outcome = this.outcomeOf(providerName, event);
      this.db
        .insert(t.webhookEvents)
        .values({ provider: providerName, eventId: event.id, type: event.providerType, outcome, receivedAt: this.clock.now().toISOString() })
        .run();
      return outcome;
    });
  }

  private outcomeOf(providerName: ProviderName, event: PaymentEvent): string {
    if (event.type === "ignored" || !event.providerSessionId) return `ignored: ${event.providerType} is not handled`;
    const session = this.db
      .select()
      .from(t.checkoutSessions)
      .where(and(eq(t.checkoutSessions.provider, providerName), eq(t.checkoutSessions.providerSessionId, event.providerSessionId)))
      .get();
    if (!session) return "ignored: unknown session";
    // The provider's final word stays final: its events arriving late or out of order change
    // nothing. But a payment it confirms after this server gave up on the session (our expiry
    // timer, a provider call that failed while the charge went through) was taken: it becomes
    // credits, as webhooks can arrive days late. (closedBy is set only while EXPIRED or DECLINED.)
    const paidAfterWeClosed = event.type === "payment.succeeded" && session.closedBy === "SERVER";
    if (session.status !== "OPEN" && !paidAfterWeClosed) return `ignored: session ${session.id} is already ${session.status}`;

    switch (event.type) {
      case "payment.succeeded": {
        if (event.amountMicros !== session.priceMicros || event.currency !== session.currency) {
          const paid = event.amountMicros === null ? "?" : fromMicros(event.amountMicros).toFixed();
          return `rejected: paid ${paid} ${event.currency ?? "?"} but session ${session.id} costs ${fromMicros(session.priceMicros).toFixed()} ${session.currency}`;
        }
        const transactionId =
          session.purpose === "SUBSCRIPTION" && this.subscriptionPayments
            ? this.subscriptionPayments.paid(session)
            : this.ledger.purchase(session.accountId, session.creditsMicros, `Purchase of ${session.packId} (checkout session ${session.id})`)
                .transactionId;
        this.db
          .update(t.checkoutSessions)
          .set({ status: "COMPLETED", transactionId, failureReason: null, closedBy: null, resolvedAt: this.clock.now().toISOString() })
          .where(eq(t.checkoutSessions.id, session.id))
          .run();
        if (session.purpose === "AUTO_TOP_UP") topUpSucceeded(this.db, session.accountId, session.id);
        const credits = `${fromMicros(session.creditsMicros).toFixed()} credits added`;
        return paidAfterWeClosed
          ? `applied: session ${session.id} was ${session.status} here (${session.failureReason}) but is paid: completed, ${credits}`
          : `applied: session ${session.id} completed, ${credits}`;
      }
      case "payment.failed":
        this.close(session, "DECLINED", event.reason ?? "payment declined", "PROVIDER");
        return `applied: session ${session.id} declined`;
      case "payment.expired":
        this.close(session, "EXPIRED", "checkout expired", "PROVIDER");
        return `applied: session ${session.id} expired`;
    }
  }

  /** Expires OPEN sessions past their time; returns how many. */
  expireStale(): number {
    const due = this.db
      .select()
      .from(t.checkoutSessions)
      .where(and(eq(t.checkoutSessions.status, "OPEN"), lte(t.checkoutSessions.expiresAt, this.clock.now().toISOString())))
      .all();
    for (const session of due) this.ledger.atomically(() => this.close(session, "EXPIRED", "checkout expired unpaid", "SERVER"));
    return due.length;
  }
}
