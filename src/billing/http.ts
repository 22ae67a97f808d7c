/**
 * Non-GraphQL billing routes: provider webhooks (raw body, signature checked) and the sandbox
 * provider's checkout page, where a person pays or declines with a real HTML form.
 */
import type { Clock } from "../clock.js";
import { fromMicros } from "../pricing/decimal.js";
import type { Billing } from "./index.js";
import { WebhookVerificationError } from "./providers.js";

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

const json = (status: number, body: unknown): HttpAnswer => ({
  status,
  contentType: "application/json; charset=utf-8",
  body: JSON.stringify(body),
});

const html = (status: number, title: string, content: string): HttpAnswer => ({
  status,
  contentType: "text/html; charset=utf-8",
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}</style>
</head><body><h1>${escape(title)}</h1>${content}<p><small>Sandbox payment provider: no real money moves.</small></p></body></html>`,
});

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** POST /webhooks/<provider>: 400 when the event cannot be trusted, 200 once it is recorded. */
export function handleWebhook(
  billing: Billing,
  providerName: string,
  rawBody: Buffer,
  headers: Record<string, string | undefined>,
  clock: Clock,
): HttpAnswer {
  const provider = billing.checkout.findProvider(providerName);
  if (!provider) return json(404, { error: `No payment provider "${providerName}"` });
  try {
    const event = provider.verifyWebhook(rawBody, headers, clock.now());
    const outcome = billing.checkout.applyEvent(provider.name, event);
    return json(200, { received: true, outcome });
  } catch (error) {
    if (error instanceof WebhookVerificationError) return json(400, { error: `Webhook refused: ${error.message}` });
    throw error;
  }
}

function sessionPage(billing: Billing, sessionId: string, notice = ""): HttpAnswer {
  const session = billing.checkout.session(sessionId);
  if (!session || session.provider !== "sandbox" || session.purpose !== "CHECKOUT") {
    return html(404, "Checkout not found", "<p>There is no such checkout session.</p>");
  }
  const price = `${fromMicros(session.priceMicros).toFixed()} ${escape(session.currency)}`;
  const packName = packNameOf(billing, session.packId);
  const summary = `<p>${escape(packName)}: <strong>${fromMicros(session.creditsMicros).toFixed()} credits</strong> for <strong>${price}</strong> (${session.paymentType === "PAYPAL" ? "PayPal" : "card"}).</p>`;
  if (session.status !== "OPEN") {
    const words = {
      COMPLETED: "Payment received: the credits are on your account.",
      DECLINED: "Payment declined: nothing was charged.",
      EXPIRED: "This checkout expired.",
      PAID_NOT_CREDITED: "Payment received, but the credits could not be added yet: our team has been told and will resolve it.",
    };
    return html(200, `Checkout ${session.status.toLowerCase()}`, `${notice}${summary}<p id="status" data-status="${session.status}">${words[session.status]}</p>`);
  }
  return html(
    200,
    "Sandbox checkout",
    `${notice}${summary}<form method="post"><button name="action" value="pay">Pay ${price}</button><button name="action" value="decline">Decline</button></form>`,
  );
}

/** The pack's display name; its id if it has left the catalog since (the sale itself is unaffected). */
function packNameOf(billing: Billing, packId: string): string {
  try {
    return `${billing.checkout.findPack(packId).name} credit pack`;
  } catch {
    return packId;
  }
}

/** GET /sandbox/checkout/<id>: the page the checkout URL points to. */
export function sandboxCheckoutPage(billing: Billing, sessionId: string): HttpAnswer {
  return sessionPage(billing, sessionId);
}

/** POST /sandbox/checkout/<id>: the buyer paid or declined; the provider tells us by webhook. */
export async function sandboxCheckoutAction(billing: Billing, sessionId: string, form: string): Promise<HttpAnswer> {
  const action = new URLSearchParams(form).get("action");
  const session = billing.checkout.session(sessionId);
  if (!session || session.provider !== "sandbox" || session.purpose !== "CHECKOUT") return sessionPage(billing, sessionId);
  if (action !== "pay" && action !== "decline") return html(400, "Sandbox checkout", "<p>Choose pay or decline.</p>");
  if (session.status === "OPEN") {
    const delivery = await billing.sandbox.deliver(
      action === "pay" ? "checkout.completed" : "checkout.declined",
      session.id,
      fromMicros(session.priceMicros),
      session.currency,
      action === "decline" ? "declined by the buyer" : undefined,
    );
    if (delivery.status !== 200) {
      return html(502, "Sandbox checkout", `<p>The webhook was not accepted (${delivery.status}); try again.</p>`);
    }
  }
  return sessionPage(billing, sessionId);
}
