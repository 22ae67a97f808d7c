/**
 * Which payment provider may take an account's payments, by the account's mode: a TEST account
 * pays only through the embedded sandbox (in every environment), a LIVE account only through a
 * real provider (Stripe, for cards). Every payment path asks here: new sessions, saved methods,
 * provider events, and an operator applying an unapplied payment.
 */
import type { Mode } from "../accounts/modes.js";
import { DomainError, DomainErrorCode } from "../errors.js";
import type { PaymentType, ProviderName } from "./providers.js";

export const providerUnavailable = (message: string, field?: string[]) => new DomainError(DomainErrorCode.PAYMENT_PROVIDER_UNAVAILABLE, message, field);

/** The provider a new payment of this kind goes to, or PAYMENT_PROVIDER_UNAVAILABLE. */
export function providerForPayment(mode: Mode, paymentType: PaymentType, stripeConfigured: boolean, field = ["paymentType"]): ProviderName {
  if (mode === "TEST") return "sandbox";
  if (paymentType === "PAYPAL") throw providerUnavailable("PayPal is not available to LIVE accounts yet: pay by CARD", field);
  if (!stripeConfigured)
    throw providerUnavailable("This server takes no live payments: no payment provider is configured (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET)", field);
  return "stripe";
}

/** Whether a provider may take this account's payments (a saved method's, a session's, a webhook's). */
export const providerServes = (mode: Mode, provider: ProviderName) => (mode === "TEST") === (provider === "sandbox");

/** Refuses a payment through a provider the account's mode does not allow (e.g. a sandbox card saved on a LIVE account before modes). */
export function checkProviderServes(mode: Mode, provider: ProviderName, field?: string[]): void {
  if (providerServes(mode, provider)) return;
  throw providerUnavailable(
    mode === "LIVE"
      ? "A LIVE account pays only through a real payment provider; this payment method belongs to the sandbox: save a card with paymentMethodSetupCreate or a Stripe pm_… method"
      : "A TEST account pays only through the sandbox; save a sandbox test card (tok_visa …)",
    field,
  );
}
