/**
 * Checkout sessions: a credit pack bought on the provider's page, or a saved payment method
 * charged off-session (an auto top-up, a subscription period). A session records what was sold
 * (price, currency, credits); credits are added only when a verified webhook reports the payment
 * (./payment-events.ts). The session row is written before the provider is called, so a webhook
 * never arrives for a session we do not know, but for one whose page the provider failed to give:
 * that one is removed, as no one saw it or could pay on it.
 */
import { fitsBalance, LEDGER_LIMITS } from "../accounts/credits.js";
import type { Mode } from "../accounts/modes.js";
import { providerOf } from "./purchased-grants.js";
import { randomHex } from "../ids.js";
import type { CreditPackRecord } from "../catalog/records.js";
import type { CatalogRepository } from "../catalog/repository.js";
import { dueScope, type AccountTime, type TimeScope } from "../accounts/account-time.js";
import { badInput, DomainError, DomainErrorCode, notFound } from "../errors.js";
import { fromMicros, toMicros } from "../pricing/decimal.js";
import type { CheckoutSessionRow } from "../store/repositories/index.js";
import type { Store, Tx } from "../store/store.js";
import { checkProviderServes, providerForPayment } from "./payment-routing.js";
import { PaymentDeclinedError, providerFailure, type PaymentProvider, type PaymentType, type ProviderName } from "./providers.js";
import type { SandboxProvider } from "./sandbox-provider.js";
import { type ReturnUrls } from "./return-urls.js";
import { newPageSecret } from "./page-access.js";

export type { CheckoutSessionRow };

export interface Providers {
  sandbox: SandboxProvider;
  stripe: PaymentProvider | null;
}

/** What a closed (declined or expired) session means beyond itself, by purpose (billing/index.ts). */
export interface SessionClosedHandler {
  /** Inside the closing transaction. */
  closed(tx: Tx, session: CheckoutSessionRow, reason: string): Promise<void>;
}

export interface SavedMethod {
  provider: ProviderName;
  token: string;
  /** The provider's customer the method belongs to (a Stripe Customer), when it has one. */
  customerId?: string | null;
}

export type CheckoutRequest = {
  accountId: string;
  paymentType: PaymentType;
  purpose?: CheckoutSessionRow["purpose"];
  sessionId?: string;
  saved?: SavedMethod;
  successUrl?: string | null;
  cancelUrl?: string | null;
} & (
  | { packId: string }
  /** A subscription period: the plan's price for its monthly credits. */
  | {
      plan: { id: string; name: string; price: CreditPackRecord["price"]; credits: CreditPackRecord["credits"] };
      subscription: { id: string; periodStart: string };
    }
);

export class CheckoutService {
  constructor(
    private readonly store: Store,
    private readonly catalog: CatalogRepository,
    readonly providers: Providers,
    private readonly time: AccountTime,
    private readonly checkoutTtlMs: number,
    readonly returnUrls: ReturnUrls,
    private readonly onClosed: SessionClosedHandler,
  ) {}

  /** The provider of that name, or null when it is unknown or not configured. */
  findProvider(name: string): PaymentProvider | null {
    return name === "sandbox" ? this.providers.sandbox : name === "stripe" ? this.providers.stripe : null;
  }

  provider(name: ProviderName): PaymentProvider {
    const provider = name === "stripe" ? this.providers.stripe : this.providers.sandbox;
    if (!provider) throw new Error(`payment provider ${name} is not configured`);
    return provider;
  }

  /** TEST accounts pay through the sandbox; LIVE ones by card through Stripe, or not at all (./payment-routing.ts). */
  providerFor(mode: Mode, paymentType: PaymentType, field?: string[]): ProviderName {
    return providerForPayment(mode, paymentType, this.providers.stripe !== null, field);
  }

  findPack(packId: string): CreditPackRecord {
    const pack = this.packOf(packId);
    if (!pack) throw notFound(`No credit pack ${packId}`, ["packId"]);
    return pack;
  }

  /** The pack as the catalog has it now; undefined when it has left the catalog (a sale already made stands). */
  packOf(packId: string): CreditPackRecord | undefined {
    const providerId = providerOf(packId);
    return this.catalog
      .creditPacksByProviderIds([providerId])
      .get(providerId)
      ?.find((p) => p.id === packId);
  }

  /** The account's sessions, newest first; `afterSeq` is the cursor position (exclusive). */
  page(accountId: string, options: { first: number; afterSeq?: number; status?: CheckoutSessionRow["status"] | null }) {
    return this.store.reads.checkoutSessions.page(accountId, options);
  }

  session(id: string): Promise<CheckoutSessionRow | undefined> {
    return this.store.reads.checkoutSessions.get(id);
  }

  /** Opens a session and asks the provider for its page, or charges the saved method. */
  async create(request: CheckoutRequest): Promise<CheckoutSessionRow> {
    const session = (await this.store.transaction((tx) => this.open(tx, request)))!;
    return this.submit(session, request.saved);
  }

  /**
   * Writes an OPEN session (inside the caller's transaction) without calling the provider. Refuses
   * a sale whose credits could not be added: a payment must never be taken that cannot be
   * credited. For a subscription period, returns null when that period already has an open
   * charge (guard: the unique index on open sessions per subscription period).
   */
  async open(tx: Tx, request: CheckoutRequest): Promise<CheckoutSessionRow | null> {
    const pack = "packId" in request ? this.findPack(request.packId) : request.plan;
    const subscription = "subscription" in request ? request.subscription : null;
    const creditsMicros = toMicros(pack.credits);
    const account = await tx.accounts.get(request.accountId);
    if (!account) throw notFound(`No account ${request.accountId}`, ["accountId"]);
    // The wallet the credits go to: the pack's (or plan's) provider's.
    const balanceMicros = (await tx.wallets.get(request.accountId, providerOf(pack.id)))?.balanceMicros ?? 0;
    if (!fitsBalance(balanceMicros, creditsMicros)) {
      throw badInput(
        `Buying ${pack.credits.toFixed()} credits would take the ${providerOf(pack.id)} balance (${fromMicros(balanceMicros).toFixed()}) past the maximum of ${LEDGER_LIMITS.maxBalanceCredits.toFixed()} credits`,
        ["packId"],
      );
    }
    const id = request.sessionId ?? `cs_${randomHex(12)}`;
    const urls = this.returnUrls.check(id, request.successUrl, request.cancelUrl);
    // Decided on the account's mode as stored: a LIVE account's payment never reaches the sandbox.
    if (request.saved) checkProviderServes(account.mode, request.saved.provider);
    const providerName = request.saved?.provider ?? this.providerFor(account.mode, request.paymentType);
    const now = await this.time.of(account, tx);
    return (
      (await tx.checkoutSessions.insert({
        id,
        accountId: request.accountId,
        packId: pack.id,
        priceMicros: toMicros(pack.price.amount),
        currency: pack.price.currency,
        creditsMicros,
        provider: providerName,
        paymentType: request.paymentType,
        purpose: request.purpose ?? "CHECKOUT",
        status: "OPEN",
        providerSessionId: providerName === "sandbox" ? id : null,
        pageSecret: providerName === "sandbox" ? newPageSecret() : null,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + this.checkoutTtlMs).toISOString(),
        subscriptionId: subscription?.id ?? null,
        periodStart: subscription?.periodStart ?? null,
        successUrl: urls.successUrl,
        cancelUrl: urls.cancelUrl,
      })) ?? null
    );
  }

  /**
   * Asks the provider for the session's page, or charges the saved method; the outcome comes by
   * webhook. When the provider fails, a page's session is removed; a charge's is DECLINED.
   */
  async submit(session: CheckoutSessionRow, saved?: SavedMethod): Promise<CheckoutSessionRow> {
    const request = {
      sessionId: session.id,
      accountId: session.accountId,
      amountMicros: session.priceMicros,
      currency: session.currency,
      description: this.describe(session),
      paymentType: session.paymentType,
      successUrl: this.returnUrls.success(session),
      cancelUrl: this.returnUrls.cancel(session),
      pageSecret: session.pageSecret,
    };
    try {
      const provider = this.provider(session.provider);
      const result = saved
        ? await provider.chargeSavedMethod({ ...request, providerToken: saved.token, customerId: saved.customerId ?? null })
        : await provider.createCheckout(request);
      await this.store.transaction((tx) => tx.checkoutSessions.setProviderRefs(session.id, result.providerSessionId, result.url));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (!saved) {
        // No page: the caller never sees this session and no one can pay it, so it goes as if
        // never opened (no DECLINED session, no event). Stripe's events could not name it anyway:
        // its id there was never recorded.
        await this.store.transaction((tx) => tx.checkoutSessions.discardUnopened(session.id));
        throw providerFailure(error);
      }
      if (error instanceof PaymentDeclinedError) {
        // The provider's own answer about the buyer's card: final, as a declining webhook would be.
        await this.store.transaction((tx) => this.close(tx, session, "DECLINED", reason, "PROVIDER"));
        throw new DomainError(DomainErrorCode.PAYMENT_DECLINED, `The payment was declined: ${reason}`);
      }
      // Our call to charge failed: the charge may still have gone through, so a later confirmation counts.
      await this.store.transaction((tx) => this.close(tx, session, "DECLINED", `payment provider error: ${reason}`, "SERVER"));
      throw providerFailure(error);
    }
    return (await this.session(session.id))!;
  }

  private describe(session: CheckoutSessionRow): string {
    const credits = fromMicros(session.creditsMicros).toFixed();
    if (session.purpose === "SUBSCRIPTION") {
      const plan = this.catalog.subscriptionPlansByIds([session.packId])[0];
      return `${plan?.name ?? session.packId} subscription: ${credits} credits for the period from ${session.periodStart!.slice(0, 10)}`;
    }
    return `${this.packOf(session.packId)?.name ?? session.packId} credit pack: ${credits} credits`;
  }

  /**
   * Moves an OPEN session to EXPIRED or DECLINED, on the provider's word or on this server's (see
   * `closedBy` in the schema); top-up and subscription bookkeeping follow. Inside a transaction.
   * Guard: the update is conditional on the session still being OPEN.
   */
  async close(tx: Tx, session: CheckoutSessionRow, status: "EXPIRED" | "DECLINED", reason: string, closedBy: "PROVIDER" | "SERVER"): Promise<void> {
    const resolvedAt = (await this.time.now(session.accountId, tx)).toISOString();
    const closed = await tx.checkoutSessions.close(session.id, { status, failureReason: reason, closedBy, resolvedAt });
    if (closed) await this.onClosed.closed(tx, session, reason);
  }

  /** After a charge failed before the provider answered: the session is closed by this server (a later confirmation still counts). */
  async closeIfOpen(sessionId: string, error: unknown): Promise<void> {
    const reason = `payment provider error: ${error instanceof Error ? error.message : String(error)}`;
    await this.store.transaction(async (tx) => {
      const session = await tx.checkoutSessions.get(sessionId);
      if (session?.status === "OPEN") await this.close(tx, session, "DECLINED", reason, "SERVER");
    });
  }

  /** Expires the scope's OPEN sessions past their time, each in its own transaction; returns how many. */
  async expireStale(scope: TimeScope = this.time.serverScope()): Promise<number> {
    const due = await this.store.reads.checkoutSessions.dueForExpiry(dueScope(scope));
    for (const session of due) await this.store.transaction((tx) => this.close(tx, session, "EXPIRED", "checkout expired unpaid", "SERVER"));
    return due.length;
  }
}
