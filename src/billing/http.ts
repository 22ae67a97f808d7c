/**
 * Non-GraphQL billing routes: provider webhooks (raw body, signature checked), the sandbox
 * provider's pages (./sandbox-pages.ts), and the pages buyers return to after a provider's page
 * (/checkout/<id>/done and …/cancelled, for checkout sessions and payment method setups). The
 * pages show a session only with its page secret (./page-access.ts).
 */
import { AmbiguousApiKeyError, presentedKey } from "../accounts/keys.js";
import type { Clock } from "../clock.js";
import { html, statusLine, summaryOf, type HttpAnswer } from "./html.js";
import type { Billing } from "./index.js";
import { crossSiteRefusal, PAGE_HEADERS, pageSecretMatches, pageSecretOf } from "./page-access.js";
import { WebhookVerificationError } from "./providers.js";
import { packNameOf, sandboxCheckoutAction, sandboxCheckoutPage, sandboxSetupAction, sandboxSetupPage, type AdminCheck } from "./sandbox-pages.js";

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

/** What the billing pages read from a request. */
export interface PageRequest {
  method: string;
  pathname: string;
  /** The URL's query: "?…" or "". */
  search: string;
  header(name: string): string | undefined;
  readForm(): Promise<string>;
  /** Whether the token is this server's admin key (AccountService.authenticate's "admin"). */
  isAdminKey(token: string): Promise<boolean>;
}

/** The billing pages; null when the path is not one of them. Every answer is sent with PAGE_HEADERS. */
export async function billingPage(billing: Billing, request: PageRequest): Promise<HttpAnswer | null> {
  const answer = await routePage(billing, request);
  return answer && { ...answer, headers: { ...answer.headers, ...PAGE_HEADERS } };
}

async function routePage(billing: Billing, request: PageRequest): Promise<HttpAnswer | null> {
  const { method, pathname } = request;
  const secret = pageSecretOf(request.search);
  const sandbox = pathname.match(/^\/sandbox\/(checkout|setup)\/([\w-]+)$/);
  if (sandbox) {
    const [, kind, id] = sandbox;
    if (method === "GET" || method === "HEAD") return kind === "checkout" ? sandboxCheckoutPage(billing, id, secret) : sandboxSetupPage(billing, id, secret);
    if (method === "POST") {
      const crossSite = crossSiteRefusal(request.header, billing.sandbox.pageOrigins());
      if (crossSite) return html(403, "Not allowed", `<p>Cross-site form posts are refused (${crossSite}): nothing was changed.</p>`);
      const form = await request.readForm();
      return kind === "checkout" ? sandboxCheckoutAction(billing, id, secret, form, adminCheck(request)) : sandboxSetupAction(billing, id, secret, form);
    }
    return html(405, "Method not allowed", "<p>Use GET or POST.</p>");
  }
  const returned = pathname.match(/^\/checkout\/([\w-]+)\/(done|cancelled)$/);
  if (returned) {
    if (method !== "GET" && method !== "HEAD") return html(405, "Method not allowed", "<p>Use GET.</p>");
    const [, id, how] = returned;
    return id.startsWith("pms_") ? setupOutcomePage(billing, id, secret, how === "cancelled") : checkoutOutcomePage(billing, id, secret, how === "cancelled");
  }
  return null;
}

function adminCheck(request: PageRequest): AdminCheck {
  return async (formKey) => {
    let key: string | null;
    try {
      key = presentedKey({ get: request.header }) ?? (formKey?.trim() || null);
    } catch (error) {
      if (error instanceof AmbiguousApiKeyError) return false;
      throw error;
    }
    return key !== null && (await request.isAdminKey(key));
  };
}

/**
 * What anyone without the page secret sees on an outcome page, whether the session exists or not:
 * nothing about it. Stripe's sessions have no secret, so their buyers see this too.
 */
function genericOutcome(what: "checkout" | "setup", cancelled: boolean): HttpAnswer {
  const where = what === "checkout" ? "checkout sessions" : "payment methods";
  return cancelled
    ? html(200, "Payment page left", `<p>You left the payment page. Your account's ${where} show where things stand.</p>`)
    : html(200, "Thank you", `<p>Once the payment provider confirms it, your account's ${where} show the outcome. You can close this page.</p>`);
}

/** Where buyers land after the provider's checkout page. */
async function checkoutOutcomePage(billing: Billing, sessionId: string, secret: string | null, cancelled: boolean): Promise<HttpAnswer> {
  const session = await billing.checkout.session(sessionId);
  if (!session || !pageSecretMatches(session.pageSecret, secret)) return genericOutcome("checkout", cancelled);
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
async function setupOutcomePage(billing: Billing, setupId: string, secret: string | null, cancelled: boolean): Promise<HttpAnswer> {
  const setup = await billing.setups.get(setupId);
  if (!setup || !pageSecretMatches(setup.pageSecret, secret)) return genericOutcome("setup", cancelled);
  const words =
    setup.status === "COMPLETED"
      ? "Your payment method is saved and is now the default."
      : cancelled
        ? "You left the page: no payment method was saved."
        : setup.status === "OPEN"
          ? "Waiting for the provider to confirm…"
          : "This setup expired.";
  const refresh = setup.status === "OPEN" && !cancelled ? '<meta http-equiv="refresh" content="2">' : "";
  return html(200, "Payment method", `<p id="status" data-status="${setup.status}">${words}</p>`, refresh);
}
