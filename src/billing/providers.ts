/**
 * Payment providers behind one interface. The sandbox provider is embedded (its pages are served
 * by this server and it signs and delivers webhooks over HTTP like an outside provider); the
 * Stripe provider uses the official package. Either way, credits are added and payment methods
 * saved only when a verified webhook reports it (./payment-events.ts).
 */
import { DomainError, DomainErrorCode } from "../errors.js";

export type ProviderName = "sandbox" | "stripe";
export type PaymentType = "CARD" | "PAYPAL";

export interface CheckoutRequest {
  sessionId: string;
  accountId: string;
  amountMicros: number;
  currency: string;
  description: string;
  paymentType: PaymentType;
  /** Where the provider sends the buyer after paying, and after giving up. */
  successUrl: string;
  cancelUrl: string;
  /** The sandbox's page secret, which its page URL carries (./page-access.ts); other providers ignore it. */
  pageSecret?: string | null;
}

export interface ProviderCheckout {
  providerSessionId: string;
  /** Where to send the buyer; null for an off-session charge. */
  url: string | null;
}

/** Saving a payment method on the provider's page (Stripe Checkout in setup mode). */
export interface SetupRequest {
  setupId: string;
  accountId: string;
  customerId: string | null;
  successUrl: string;
  cancelUrl: string;
  /** As in CheckoutRequest. */
  pageSecret?: string | null;
}

/** The account's customer at the provider, and what it says about a payment method attached to it. */
export interface AttachedMethod {
  label: string;
}

export type PaymentEventType =
  | "payment.succeeded"
  | "payment.failed"
  | "payment.expired"
  /** Money of a paid session given back; `amountMicros` is all refunded so far (cumulative, as Stripe's amount_refunded). */
  | "payment.refunded"
  /** The buyer disputed a paid session (a chargeback). */
  | "payment.disputed"
  | "setup.succeeded"
  | "ignored";

/** A verified webhook event, in provider-neutral terms. */
export interface PaymentEvent {
  id: string;
  type: PaymentEventType;
  /** The provider's name for the event, kept for the record. */
  providerType: string;
  providerSessionId: string | null;
  /** The provider's id of the payment (a Stripe PaymentIntent): set on success, named by refunds and disputes. */
  paymentReference?: string | null;
  amountMicros: number | null;
  currency: string | null;
  reason: string | null;
  /** For setup.succeeded: the saved method and the customer it belongs to. */
  setup?: { setupId: string; paymentMethodToken: string; customerId: string | null; label: string | null };
}

/** A webhook that cannot be trusted (bad signature, stale timestamp, malformed): answered 400. */
export class WebhookVerificationError extends Error {}

/**
 * The provider refused an off-session charge on the buyer's account (a decline, a card that needs
 * the cardholder to confirm the payment): the message says what the buyer can do.
 */
export class PaymentDeclinedError extends Error {}

/** A call to the provider that failed (an outage, a request it refused): PAYMENT_PROVIDER_ERROR. */
export const providerFailure = (error: unknown) =>
  new DomainError(
    DomainErrorCode.PAYMENT_PROVIDER_ERROR,
    `The payment provider refused the request: ${error instanceof Error ? error.message : String(error)}`,
  );

export interface PaymentProvider {
  readonly name: ProviderName;
  createCheckout(request: CheckoutRequest): Promise<ProviderCheckout>;
  /** Charges a saved payment method without the buyer present; the outcome arrives as a webhook. */
  chargeSavedMethod(request: CheckoutRequest & { providerToken: string; customerId: string | null }): Promise<ProviderCheckout>;
  /** The account's customer object, made once (null: the provider has none). */
  ensureCustomer(account: { id: string; name: string }): Promise<string | null>;
  /** Attaches a method the buyer's browser created to the customer, for off-session charges. */
  attachPaymentMethod(token: string, customerId: string | null): Promise<AttachedMethod>;
  createSetup(request: SetupRequest): Promise<ProviderCheckout>;
  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>, now: Date): PaymentEvent;
}

/** Seconds a webhook's signed timestamp may differ from our clock. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** What a token-only method shows the buyer, e.g. "visa (sandbox)". */
export const tokenLabel = (token: string, provider: ProviderName) => `${token.replace(/^(tok|pm)_/, "").slice(0, 24)} (${provider})`;
