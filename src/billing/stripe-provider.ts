/**
 * Stripe, through the official package. Each account gets a Stripe Customer (made once, with an
 * idempotency key per account); saved methods are attached to it, either by the buyer's browser
 * (a `pm_…` id from Stripe.js, attached here) or on Stripe's own page (Checkout in setup mode,
 * confirmed by `setup_intent.succeeded`). Off-session charges are PaymentIntents with the
 * customer and the method, confirmed at once; a card that needs the cardholder to confirm is a
 * decline that says how to.
 */
import Stripe from "stripe";
import { Decimal, fromMicros, toMicros } from "../pricing/decimal.js";
import { AUTHENTICATION_REQUIRED } from "./sandbox-provider.js";
import {
  PaymentDeclinedError,
  tokenLabel,
  WEBHOOK_TOLERANCE_SECONDS,
  WebhookVerificationError,
  type AttachedMethod,
  type CheckoutRequest,
  type PaymentEvent,
  type PaymentProvider,
  type ProviderCheckout,
  type SetupRequest,
} from "./providers.js";

export interface StripeOptions {
  secretKey: string;
  webhookSecret: string;
  /** For tests: a local stand-in for api.stripe.com. */
  apiHost?: { host: string; port: number; protocol: "http" | "https" };
}

/** Stripe amounts are integers of the currency's minor unit (cents for USD). */
const toMinorUnits = (micros: number) => fromMicros(micros).mul(100).toNumber();
const fromMinorUnits = (amount: number) => toMicros(new Decimal(amount).div(100));

export class StripeProvider implements PaymentProvider {
  readonly name = "stripe" as const;
  private readonly stripe: Stripe;

  constructor(private readonly options: StripeOptions) {
    this.stripe = new Stripe(options.secretKey, {
      maxNetworkRetries: 2,
      ...(options.apiHost ?? {}),
    });
  }

  async createCheckout(request: CheckoutRequest): Promise<ProviderCheckout> {
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: "payment",
        client_reference_id: request.sessionId,
        metadata: { sessionId: request.sessionId, accountId: request.accountId },
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: request.currency.toLowerCase(),
              unit_amount: toMinorUnits(request.amountMicros),
              product_data: { name: request.description },
            },
          },
        ],
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
      },
      // Stripe's own idempotency: a retried create returns the same session.
      { idempotencyKey: `checkout-${request.sessionId}` },
    );
    return { providerSessionId: session.id, url: session.url };
  }

  async chargeSavedMethod(request: CheckoutRequest & { providerToken: string; customerId: string | null }): Promise<ProviderCheckout> {
    try {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: toMinorUnits(request.amountMicros),
          currency: request.currency.toLowerCase(),
          ...(request.customerId ? { customer: request.customerId } : {}),
          payment_method: request.providerToken,
          off_session: true,
          confirm: true,
          description: request.description,
          metadata: { sessionId: request.sessionId, accountId: request.accountId },
        },
        { idempotencyKey: `charge-${request.sessionId}` },
      );
      return { providerSessionId: intent.id, url: null };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) {
        throw new PaymentDeclinedError(
          error.code === "authentication_required" ? AUTHENTICATION_REQUIRED : `${error.code ?? "card_declined"}: ${error.message}`,
        );
      }
      throw error;
    }
  }

  async ensureCustomer(account: { id: string; name: string }): Promise<string> {
    const customer = await this.stripe.customers.create(
      { name: account.name, metadata: { accountId: account.id } },
      // The same customer however often (and on however many nodes) this runs for the account.
      { idempotencyKey: `customer-${account.id}` },
    );
    return customer.id;
  }

  async attachPaymentMethod(token: string, customerId: string | null): Promise<AttachedMethod> {
    if (!customerId) return { label: tokenLabel(token, "stripe") };
    const method = await this.stripe.paymentMethods.attach(token, { customer: customerId });
    return { label: method.card ? `${method.card.brand} •••• ${method.card.last4} (stripe)` : tokenLabel(token, "stripe") };
  }

  async createSetup(request: SetupRequest): Promise<ProviderCheckout> {
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: "setup",
        currency: "usd",
        ...(request.customerId ? { customer: request.customerId } : {}),
        client_reference_id: request.setupId,
        metadata: { setupId: request.setupId, accountId: request.accountId },
        setup_intent_data: { metadata: { setupId: request.setupId, accountId: request.accountId } },
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
      },
      { idempotencyKey: `setup-${request.setupId}` },
    );
    return { providerSessionId: session.id, url: session.url };
  }

  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>, now: Date): PaymentEvent {
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(
        rawBody,
        headers["stripe-signature"] ?? "",
        this.options.webhookSecret,
        WEBHOOK_TOLERANCE_SECONDS,
        undefined,
        now.getTime(), // milliseconds, despite the seconds in the signature
      );
    } catch (error) {
      throw new WebhookVerificationError(error instanceof Error ? error.message : "invalid signature");
    }
    const base = { id: event.id, providerType: event.type, reason: null };
    const none = { amountMicros: null, currency: null };
    switch (event.type) {
      case "checkout.session.completed":
      case "checkout.session.async_payment_succeeded": {
        const session = event.data.object;
        // Setup sessions save a method: setup_intent.succeeded reports it.
        if (session.mode === "setup") return { ...base, ...none, type: "ignored", providerSessionId: null };
        // A completed session with a delayed method (e.g. bank debit) is not paid yet.
        const paid = session.payment_status === "paid" || session.payment_status === "no_payment_required";
        return {
          ...base,
          type: paid ? "payment.succeeded" : "ignored",
          providerSessionId: session.id,
          paymentReference: typeof session.payment_intent === "string" ? session.payment_intent : (session.payment_intent?.id ?? null),
          amountMicros: session.amount_total === null ? null : fromMinorUnits(session.amount_total),
          currency: session.currency?.toUpperCase() ?? null,
        };
      }
      case "checkout.session.async_payment_failed":
        return { ...base, ...none, type: "payment.failed", providerSessionId: event.data.object.id, reason: "payment failed" };
      case "checkout.session.expired":
        return { ...base, ...none, type: "payment.expired", providerSessionId: event.data.object.id };
      case "payment_intent.succeeded": {
        const intent = event.data.object;
        return {
          ...base,
          type: "payment.succeeded",
          providerSessionId: intent.id,
          paymentReference: intent.id,
          amountMicros: fromMinorUnits(intent.amount_received),
          currency: intent.currency.toUpperCase(),
        };
      }
      case "charge.refunded": {
        // amount_refunded is everything refunded so far: applying it is the same whatever the order.
        const charge = event.data.object;
        const intent = typeof charge.payment_intent === "string" ? charge.payment_intent : (charge.payment_intent?.id ?? null);
        return {
          ...base,
          type: "payment.refunded",
          providerSessionId: null,
          paymentReference: intent,
          amountMicros: fromMinorUnits(charge.amount_refunded),
          currency: charge.currency.toUpperCase(),
        };
      }
      case "charge.dispute.created": {
        const dispute = event.data.object;
        const intent = typeof dispute.payment_intent === "string" ? dispute.payment_intent : (dispute.payment_intent?.id ?? null);
        return {
          ...base,
          type: "payment.disputed",
          providerSessionId: null,
          paymentReference: intent,
          amountMicros: fromMinorUnits(dispute.amount),
          currency: dispute.currency.toUpperCase(),
          reason: dispute.reason,
        };
      }
      case "payment_intent.payment_failed": {
        const intent = event.data.object;
        return { ...base, ...none, type: "payment.failed", providerSessionId: intent.id, reason: intent.last_payment_error?.message ?? "payment failed" };
      }
      case "setup_intent.succeeded": {
        const intent = event.data.object;
        const method = typeof intent.payment_method === "string" ? intent.payment_method : intent.payment_method?.id;
        const setupId = intent.metadata?.setupId;
        if (!method || !setupId) return { ...base, ...none, type: "ignored", providerSessionId: null };
        const customerId = typeof intent.customer === "string" ? intent.customer : (intent.customer?.id ?? null);
        return {
          ...base,
          ...none,
          type: "setup.succeeded",
          providerSessionId: setupId,
          setup: { setupId, paymentMethodToken: method, customerId, label: null },
        };
      }
      default:
        return { ...base, ...none, type: "ignored", providerSessionId: null };
    }
  }
}
