/**
 * The embedded sandbox payment provider: its checkout and card-saving pages are served by this
 * server (./http.ts), and it signs and POSTs webhooks to this server's /webhooks/sandbox as an
 * outside provider would. Test tokens follow Stripe's (see `chargeSavedMethod`).
 */
import { createHmac } from "node:crypto";
import { randomHex } from "../ids.js";
import { sameSecret } from "../secrets.js";
import { Decimal, fromMicros, toMicros } from "../pricing/decimal.js";
import { withPageSecret } from "./page-access.js";
import {
  PaymentDeclinedError,
  tokenLabel,
  WEBHOOK_TOLERANCE_SECONDS,
  WebhookVerificationError,
  type AttachedMethod,
  type CheckoutRequest,
  type PaymentEvent,
  type PaymentEventType,
  type PaymentProvider,
  type ProviderCheckout,
  type SetupRequest,
} from "./providers.js";

export const SANDBOX_SIGNATURE_HEADER = "sandbox-signature";

/** The test tokens a buyer can save on the sandbox's card page. */
export const SANDBOX_TEST_TOKENS = ["tok_visa", "tok_mastercard", "tok_chargeDeclined", "tok_authenticationRequired", "tok_chargeDelayed"];

export interface SandboxEventBody {
  id: string;
  type: "checkout.completed" | "checkout.declined" | "checkout.expired" | "checkout.refunded" | "checkout.disputed" | "setup.completed";
  created: number;
  data: { session_id: string; amount?: string; currency?: string; reason?: string; token?: string };
}

/** HMAC-SHA256 over "<timestamp>.<raw body>", sent as "t=<timestamp>,v1=<hex>". */
export function signSandboxPayload(secret: string, payload: string, timestamp: number): string {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

const EVENT_TYPES: Record<string, PaymentEventType> = {
  "checkout.completed": "payment.succeeded",
  "checkout.declined": "payment.failed",
  "checkout.expired": "payment.expired",
  "checkout.refunded": "payment.refunded",
  "checkout.disputed": "payment.disputed",
  "setup.completed": "setup.succeeded",
};

export class SandboxProvider implements PaymentProvider {
  readonly name = "sandbox" as const;

  constructor(
    private readonly options: {
      secret: string;
      /** Public base URL of this server, for the pages' links. */
      publicUrl: () => string;
      /** Where this server itself listens, for delivering webhooks to it. */
      selfUrl: () => string;
      now: () => Date;
      onDeliveryError: (error: unknown) => void;
      /** Runs a delivery after the caller's answer, tracked (shutdown and the test clock wait for it). */
      runInBackground?: (what: string, task: () => Promise<unknown>, accountId: string) => void;
    },
  ) {}

  async createCheckout(request: CheckoutRequest): Promise<ProviderCheckout> {
    return { providerSessionId: request.sessionId, url: this.pageUrl("checkout", request.sessionId, request.pageSecret) };
  }

  /** The page's URL, with the secret that opens it (./page-access.ts). */
  private pageUrl(kind: "checkout" | "setup", id: string, secret: string | null | undefined): string {
    if (!secret) throw new Error(`sandbox ${kind} ${id} has no page secret`);
    return withPageSecret(`${this.options.publicUrl()}/sandbox/${kind}/${id}`, secret);
  }

  /** The origins this server's pages are served from: the public URL's and where it listens. */
  pageOrigins(): string[] {
    return [new URL(this.options.publicUrl()).origin, new URL(this.options.selfUrl()).origin];
  }

  /**
   * "tok_chargeDeclined" is declined and "tok_authenticationRequired" needs the cardholder to
   * confirm (both refused at once, as Stripe refuses an off-session confirmation); anything else
   * is paid. One is our own: with "tok_chargeDelayed" no answer comes at all until someone calls
   * `deliver` or answers on the session's page (its url), as when a provider's webhooks are held
   * up for days.
   */
  async chargeSavedMethod(request: CheckoutRequest & { providerToken: string }): Promise<ProviderCheckout> {
    const token = request.providerToken;
    if (token.startsWith("tok_authenticationRequired")) throw new PaymentDeclinedError(AUTHENTICATION_REQUIRED);
    if (token.startsWith("tok_chargeDelayed"))
      return { providerSessionId: request.sessionId, url: this.pageUrl("checkout", request.sessionId, request.pageSecret) };
    const declined = token.startsWith("tok_chargeDeclined");
    // Like a real provider, the result comes back later, as a webhook.
    const deliver = () =>
      this.deliver(
        declined ? "checkout.declined" : "checkout.completed",
        request.sessionId,
        fromMicros(request.amountMicros),
        request.currency,
        declined ? "card declined" : undefined,
      );
    const later = () => new Promise<void>((resolve) => setImmediate(resolve)).then(deliver);
    if (this.options.runInBackground) this.options.runInBackground("sandbox webhook delivery", later, request.accountId);
    else void later().catch(this.options.onDeliveryError);
    return { providerSessionId: request.sessionId, url: null };
  }

  async ensureCustomer(): Promise<string | null> {
    return null;
  }

  async attachPaymentMethod(token: string): Promise<AttachedMethod> {
    return { label: tokenLabel(token, "sandbox") };
  }

  async createSetup(request: SetupRequest): Promise<ProviderCheckout> {
    return { providerSessionId: request.setupId, url: this.pageUrl("setup", request.setupId, request.pageSecret) };
  }

  /** Signs an event and POSTs it to this server's /webhooks/sandbox, as the provider's servers would. */
  async deliver(
    type: SandboxEventBody["type"],
    sessionId: string,
    amount: Decimal | null,
    currency: string | null,
    reason?: string,
    token?: string,
  ): Promise<{ status: number; body: string }> {
    const created = Math.floor(this.options.now().getTime() / 1000);
    const data: SandboxEventBody["data"] = { session_id: sessionId };
    if (amount) data.amount = amount.toFixed();
    if (currency) data.currency = currency;
    if (reason) data.reason = reason;
    if (token) data.token = token;
    const payload = JSON.stringify({ id: `evt_${randomHex(12)}`, type, created, data } satisfies SandboxEventBody);
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
    const expected = createHmac("sha256", this.options.secret).update(`${timestamp}.`).update(rawBody).digest("hex");
    if (!sameSecret(parts.v1, expected)) throw new WebhookVerificationError("signature mismatch");

    let event: SandboxEventBody;
    try {
      event = JSON.parse(rawBody.toString("utf8"));
    } catch {
      throw new WebhookVerificationError("body is not JSON");
    }
    if (typeof event?.id !== "string" || typeof event.data?.session_id !== "string") {
      throw new WebhookVerificationError("event lacks id or data.session_id");
    }
    const { data } = event;
    const amount = typeof data.amount === "string" && /^\d+(\.\d+)?$/.test(data.amount) ? toMicros(new Decimal(data.amount)) : null;
    const type = EVENT_TYPES[String(event.type)] ?? "ignored";
    const token = typeof data.token === "string" ? data.token : null;
    return {
      id: event.id,
      type: type === "setup.succeeded" && !token ? "ignored" : type,
      providerType: String(event.type),
      providerSessionId: data.session_id,
      // The sandbox names a payment by its session.
      paymentReference: data.session_id,
      amountMicros: amount,
      currency: typeof data.currency === "string" ? data.currency.toUpperCase() : null,
      reason: data.reason ?? null,
      ...(token ? { setup: { setupId: data.session_id, paymentMethodToken: token, customerId: null, label: tokenLabel(token, "sandbox") } } : {}),
    };
  }
}

export const AUTHENTICATION_REQUIRED =
  "authentication_required: the card's bank asks the cardholder to confirm this payment. Buy it with checkoutSessionCreate, where the buyer confirms it on the payment page, or save the card again with paymentMethodSetupCreate";
