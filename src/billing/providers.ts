/**
 * Payment providers behind one interface. The sandbox provider is embedded (its checkout page is
 * served by this server and it signs and delivers webhooks over HTTP like an outside provider);
 * the Stripe provider uses the official package. Either way, credits are added only when a
 * verified webhook reports the payment (./checkout.ts).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import Stripe from "stripe";
import { randomHex } from "../accounts/keys.js";
import { Decimal, fromMicros, toMicros } from "../pricing/decimal.js";

export type ProviderName = "sandbox" | "stripe";
export type PaymentType = "CARD" | "PAYPAL";

export interface CheckoutRequest {
  sessionId: string;
  accountId: string;
  amountMicros: number;
  currency: string;
  description: string;
  paymentType: PaymentType;
}

export interface ProviderCheckout {
  providerSessionId: string;
  /** Where to send the buyer; null for an off-session charge. */
  url: string | null;
}

export type PaymentEventType = "payment.succeeded" | "payment.failed" | "payment.expired" | "ignored";

/** A verified webhook event, in provider-neutral terms. */
export interface PaymentEvent {
  id: string;
  type: PaymentEventType;
  /** The provider's name for the event, kept for the record. */
  providerType: string;
  providerSessionId: string | null;
  amountMicros: number | null;
  currency: string | null;
  reason: string | null;
}

/** A webhook that cannot be trusted (bad signature, stale timestamp, malformed): answered 400. */
export class WebhookVerificationError extends Error {}

export interface PaymentProvider {
  readonly name: ProviderName;
  createCheckout(request: CheckoutRequest): Promise<ProviderCheckout>;
  /** Charges a saved payment method without the buyer present; the outcome arrives as a webhook. */
  chargeSavedMethod(request: CheckoutRequest & { providerToken: string }): Promise<ProviderCheckout>;
  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>, now: Date): PaymentEvent;
}

/** Seconds a webhook's signed timestamp may differ from our clock. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

// ---------------------------------------------------------------------------------------------
// Sandbox

export const SANDBOX_SIGNATURE_HEADER = "sandbox-signature";

export interface SandboxEventBody {
  id: string;
  type: "checkout.completed" | "checkout.declined" | "checkout.expired";
  created: number;
  data: { session_id: string; amount: string; currency: string; reason?: string };
}

/** HMAC-SHA256 over "<timestamp>.<raw body>", sent as "t=<timestamp>,v1=<hex>". */
export function signSandboxPayload(secret: string, payload: string, timestamp: number): string {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

export class SandboxProvider implements PaymentProvider {
  readonly name = "sandbox" as const;

  constructor(
    private readonly options: {
      secret: string;
      /** Public base URL of this server, for the checkout page link. */
      publicUrl: () => string;
      /** Where this server itself listens, for delivering webhooks to it. */
      selfUrl: () => string;
      now: () => Date;
      onDeliveryError: (error: unknown) => void;
    },
  ) {}

  async createCheckout(request: CheckoutRequest): Promise<ProviderCheckout> {
    return { providerSessionId: request.sessionId, url: `${this.options.publicUrl()}/sandbox/checkout/${request.sessionId}` };
  }

  /**
   * Test tokens follow Stripe's: "tok_chargeDeclined" is declined, anything else is paid. One is
   * our own: with "tok_chargeDelayed" no answer comes at all until someone calls `deliver`, as when
   * a provider's webhooks are held up for days.
   */
  async chargeSavedMethod(request: CheckoutRequest & { providerToken: string }): Promise<ProviderCheckout> {
    if (request.providerToken.startsWith("tok_chargeDelayed")) return { providerSessionId: request.sessionId, url: null };
    const declined = request.providerToken.startsWith("tok_chargeDeclined");
    // Like a real provider, the result comes back later, as a webhook.
    setImmediate(() => {
      this.deliver(
        declined ? "checkout.declined" : "checkout.completed",
        request.sessionId,
        fromMicros(request.amountMicros),
        request.currency,
        declined ? "card declined" : undefined,
      ).catch(this.options.onDeliveryError);
    });
    return { providerSessionId: request.sessionId, url: null };
  }

  /** Signs an event and POSTs it to this server's /webhooks/sandbox, as the provider's servers would. */
  async deliver(
    type: SandboxEventBody["type"],
    sessionId: string,
    amount: Decimal,
    currency: string,
    reason?: string,
  ): Promise<{ status: number; body: string }> {
    const created = Math.floor(this.options.now().getTime() / 1000);
    const event: SandboxEventBody = {
      id: `evt_${randomHex(12)}`,
      type,
      created,
      data: { session_id: sessionId, amount: amount.toFixed(), currency, ...(reason ? { reason } : {}) },
    };
    const payload = JSON.stringify(event);
    const response = await fetch(`${this.options.selfUrl()}/webhooks/sandbox`, {
      method: "POST",
      headers: { "content-type": "application/json", [SANDBOX_SIGNATURE_HEADER]: signSandboxPayload(this.options.secret, payload, created) },
      body: payload,
    });
    return { status: response.status, body: await response.text() };
  }

  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>, now: Date): PaymentEvent {
    const header = headers[SANDBOX_SIGNATURE_HEADER];
    const parts = Object.fromEntries((header ?? "").split(",").map((part) => part.trim().split("=", 2)));
    const timestamp = Number(parts.t);
    if (!header || !Number.isSafeInteger(timestamp) || !/^[0-9a-f]{64}$/.test(parts.v1 ?? "")) {
      throw new WebhookVerificationError("missing or malformed signature header");
    }
    if (Math.abs(now.getTime() / 1000 - timestamp) > WEBHOOK_TOLERANCE_SECONDS) {
      throw new WebhookVerificationError("timestamp outside the tolerance");
    }
    const expected = createHmac("sha256", this.options.secret).update(`${timestamp}.`).update(rawBody).digest();
    if (!timingSafeEqual(expected, Buffer.from(parts.v1, "hex"))) throw new WebhookVerificationError("signature mismatch");

    let event: SandboxEventBody;
    try {
      event = JSON.parse(rawBody.toString("utf8"));
    } catch {
      throw new WebhookVerificationError("body is not JSON");
    }
    if (typeof event?.id !== "string" || typeof event.data?.session_id !== "string") {
      throw new WebhookVerificationError("event lacks id or data.session_id");
    }
    const amount = typeof event.data.amount === "string" && /^\d+(\.\d+)?$/.test(event.data.amount) ? toMicros(new Decimal(event.data.amount)) : null;
    const type: PaymentEventType =
      event.type === "checkout.completed" ? "payment.succeeded"
      : event.type === "checkout.declined" ? "payment.failed"
      : event.type === "checkout.expired" ? "payment.expired"
      : "ignored";
    return {
      id: event.id,
      type,
      providerType: String(event.type),
      providerSessionId: event.data.session_id,
      amountMicros: amount,
      currency: typeof event.data.currency === "string" ? event.data.currency.toUpperCase() : null,
      reason: event.data.reason ?? null,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Stripe

export interface StripeOptions {
  secretKey: string;
  webhookSecret: string;
  publicUrl: () => string;
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
    const base = this.options.publicUrl();
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
        success_url: `${base}/checkout/${request.sessionId}/done`,
        cancel_url: `${base}/checkout/${request.sessionId}/cancelled`,
      },
      // Stripe's own idempotency: a retried create returns the same session.
      { idempotencyKey: `checkout-${request.sessionId}` },
    );
    return { providerSessionId: session.id, url: session.url };
  }

  async chargeSavedMethod(request: CheckoutRequest & { providerToken: string }): Promise<ProviderCheckout> {
    const intent = await this.stripe.paymentIntents.create(
      {
        amount: toMinorUnits(request.amountMicros),
        currency: request.currency.toLowerCase(),
        payment_method: request.providerToken,
        off_session: true,
        confirm: true,
        metadata: { sessionId: request.sessionId, accountId: request.accountId },
      },
      { idempotencyKey: `top-up-${request.sessionId}` },
    );
    return { providerSessionId: intent.id, url: null };
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
    switch (event.type) {
      case "checkout.session.completed":
      case "checkout.session.async_payment_succeeded": {
        const session = event.data.object;
        // A completed session with a delayed method (e.g. bank debit) is not paid yet.
        const paid = session.payment_status === "paid" || session.payment_status === "no_payment_required";
        return {
          ...base,
          type: paid ? "payment.succeeded" : "ignored",
          providerSessionId: session.id,
          amountMicros: session.amount_total === null ? null : fromMinorUnits(session.amount_total),
          currency: session.currency?.toUpperCase() ?? null,
        };
      }
      case "checkout.session.async_payment_failed":
        return { ...base, type: "payment.failed", providerSessionId: event.data.object.id, amountMicros: null, currency: null, reason: "payment failed" };
      case "checkout.session.expired":
        return { ...base, type: "payment.expired", providerSessionId: event.data.object.id, amountMicros: null, currency: null };
      case "payment_intent.succeeded": {
        const intent = event.data.object;
        return { ...base, type: "payment.succeeded", providerSessionId: intent.id, amountMicros: fromMinorUnits(intent.amount_received), currency: intent.currency.toUpperCase() };
      }
      case "payment_intent.payment_failed": {
        const intent = event.data.object;
        return { ...base, type: "payment.failed", providerSessionId: intent.id, amountMicros: null, currency: null, reason: intent.last_payment_error?.message ?? "payment failed" };
      }
      default:
        return { ...base, type: "ignored", providerSessionId: null, amountMicros: null, currency: null };
    }
  }
}
