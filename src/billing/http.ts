/**
 * Non-GraphQL billing routes: provider webhooks (raw body, signature checked), the sandbox
 * provider's pages (./sandbox-pages.ts), and the pages buyers return to after a provider's page
 * (/checkout/<id>/done and …/cancelled, for checkout sessions and payment method setups).
 */
import type { Clock } from "../clock.js";
import { html, notFound, statusLine, summaryOf, type HttpAnswer } from "./html.js";
import type { Billing } from "./index.js";
import { WebhookVerificationError } from "./providers.js";
import { packNameOf, sandboxCheckoutAction, sandboxCheckoutPage, sandboxSetupAction, sandboxSetupPage } from "./sandbox-pages.js";

export type { HttpAnswer } from "./html.js";

const json = (status: number, body: unknown): HttpAnswer => ({
  status,
  contentType: "application/json; charset=utf-8",
  body: JSON.stringify(body),
});

/** POST /webhooks/<provider>: 400 when the event cannot be trusted, 200 once it is recorded. */
export async function handleWebhook(
  billing: Billing,
  providerName: string,
  rawBody: Buffer,
  headers: Record<string, string | undefined>,
  clock: Clock,
): Promise<HttpAnswer> {
  const provider = billing.checkout.findProvider(providerName);
  if (!provider) return json(404, { error: `No payment provider "${providerName}"` });
  try {
    // Stripe signs with the real time; the sandbox with this server's clock (which tests may replace).
    const event = provider.verifyWebhook(rawBody, headers, provider.name === "stripe" ? new Date() : clock.now());
    const { kind, outcome } = await billing.paymentEvents.apply(provider.name, event);
    return { ...json(200, { received: true, outcome }), webhookOutcome: kind };
  } catch (error) {
    if (error instanceof WebhookVerificationError) return { ...json(400, { error: `Webhook refused: ${error.message}` }), webhookOutcome: "refused" };
    throw error;
  }
}

/** The billing pages; null when the path is not one of them. */
export async function billingPage(billing: Billing, method: string, pathname: string, readForm: () => Promise<string>): Promise<HttpAnswer | null> {
  const sandbox = pathname.match(/^\/sandbox\/(checkout|setup)\/([\w-]+)$/);
  if (sandbox) {
    const [, kind, id] = sandbox;
    if (method === "GET" || method === "HEAD") return kind === "checkout" ? sandboxCheckoutPage(billing, id) : sandboxSetupPage(billing, id);
    if (method === "POST") {
      const form = await readForm();
      return kind === "checkout" ? sandboxCheckoutAction(billing, id, form) : sandboxSetupAction(billing, id, form);
    }
    return html(405, "Method not allowed", "<p>Use GET or POST.</p>");
  }
  const returned = pathname.match(/^\/checkout\/([\w-]+)\/(done|cancelled)$/);
  if (returned) {
    if (method !== "GET" && method !== "HEAD") return html(405, "Method not allowed", "<p>Use GET.</p>");
    const [, id, how] = returned;
    return id.startsWith("pms_") ? setupOutcomePage(billing, id, how === "cancelled") : checkoutOutcomePage(billing, id, how === "cancelled");
  }
  return null;
}

/** Where buyers land after the provider's checkout page. */
async function checkoutOutcomePage(billing: Billing, sessionId: string, cancelled: boolean): Promise<HttpAnswer> {
  const session = await billing.checkout.session(sessionId);
  if (!session) return notFound("Checkout");
  const summary = summaryOf(session, packNameOf(billing, session.packId));
  if (cancelled && session.status === "OPEN") {
    return html(200, "Checkout cancelled", `${summary}<p id="status" data-status="OPEN">You left the payment page: nothing was charged.</p>`);
  }
  // Paid, but the provider's webhook is still on its way: look again in a moment.
  const refresh = session.status === "OPEN" ? '<meta http-equiv="refresh" content="2">' : "";
  const title = session.status === "OPEN" ? "Checkout pending" : `Checkout ${session.status.toLowerCase().replaceAll("_", " ")}`;
  return html(200, title, `${summary}${statusLine(session)}`, refresh);
}

/** Where buyers land after saving a payment method on the provider's page. */
async function setupOutcomePage(billing: Billing, setupId: string, cancelled: boolean): Promise<HttpAnswer> {
  const setup = await billing.setups.get(setupId);
  if (!setup) return notFound("Setup");
  const words =
    setup.status === "COMPLETED" ? "Your payment method is saved and is now the default."
    : cancelled ? "You left the page: no payment method was saved."
    : setup.status === "OPEN" ? "Waiting for the provider to confirm…"
    : "This setup expired.";
  const refresh = setup.status === "OPEN" && !cancelled ? '<meta http-equiv="refresh" content="2">' : "";
  return html(200, "Payment method", `<p id="status" data-status="${setup.status}">${words}</p>`, refresh);
}
