/**
 * The sandbox provider's pages, served by this server: a checkout page where a person pays or
 * declines, and a card page where a test card is saved. Like a real provider, the sandbox tells
 * this server by signed webhook, then sends the buyer back to the success or cancel URL. A page
 * opens only with its session's page secret (./page-access.ts); refund and dispute, which a real
 * provider keeps behind its dashboard's login, also need the admin key.
 */
import { fromMicros, isDecimalText, parseDecimal, type Decimal } from "../pricing/decimal.js";
import type { CheckoutSessionRow } from "./checkout.js";
import { escape, html, notFound, redirect, SANDBOX_NOTE, statusLine, summaryOf, type HttpAnswer } from "./html.js";
import type { Billing } from "./index.js";
import { PAGE_SECRET_PARAM, pageSecretMatches, withPageSecret } from "./page-access.js";
import type { PaymentMethodSetupRow } from "./payment-method-setups.js";
import { SANDBOX_TEST_TOKENS } from "./sandbox-provider.js";

/** Whether the request carries the admin key: in X-API-Key (or a bearer token), or the form's admin_key field. */
export type AdminCheck = (formKey: string | null) => Promise<boolean>;

/** A POST without the page's secret: the same answer whether the session exists or not. */
const refused = () => html(403, "Not allowed", `<p>This page's link is not valid: nothing was changed.</p>${SANDBOX_NOTE}`);

/**
 * Any sandbox session has a page: a buyer's checkout, and also an off-session charge (a top-up, a
 * subscription period) whose answer is held up (tok_chargeDelayed), to be answered by hand. Null
 * unless the secret is the session's (sessions opened before page secrets have none: refused).
 */
async function sandboxSession(billing: Billing, sessionId: string, secret: string | null): Promise<CheckoutSessionRow | null> {
  const session = await billing.checkout.session(sessionId);
  return session && session.provider === "sandbox" && pageSecretMatches(session.pageSecret, secret) ? session : null;
}

async function sandboxSetup(billing: Billing, setupId: string, secret: string | null): Promise<PaymentMethodSetupRow | null> {
  const setup = await billing.setups.get(setupId);
  return setup && setup.provider === "sandbox" && pageSecretMatches(setup.pageSecret, secret) ? setup : null;
}

/** Forms post back to the page's own URL, secret included. */
const formOf = (kind: "checkout" | "setup", row: { id: string; pageSecret: string | null }, content: string) =>
  `<form method="post" action="/sandbox/${kind}/${row.id}?${PAGE_SECRET_PARAM}=${encodeURIComponent(row.pageSecret!)}">${content}</form>`;

/** Where the buyer goes next: the session's own return URL, or this server's outcome page, which needs the secret too. */
function returnTo(
  billing: Billing,
  row: { id: string; successUrl: string | null; cancelUrl: string | null; pageSecret: string | null },
  success: boolean,
): string {
  const urls = billing.checkout.returnUrls;
  const url = success ? urls.success(row) : urls.cancel(row);
  return (success ? row.successUrl : row.cancelUrl) === null ? withPageSecret(url, row.pageSecret!) : url;
}

/** The pack's display name; its id if it has left the catalog since (the sale itself is unaffected). */
export function packNameOf(billing: Billing, packId: string): string {
  try {
    return `${billing.checkout.findPack(packId).name} credit pack`;
  } catch {
    return packId;
  }
}

/** GET /sandbox/checkout/<id>?secret=…: the page the checkout URL points to; without the secret, as for an unknown session. */
export async function sandboxCheckoutPage(billing: Billing, sessionId: string, secret: string | null): Promise<HttpAnswer> {
  const session = await sandboxSession(billing, sessionId, secret);
  if (!session) return notFound("Checkout");
  const summary = summaryOf(session, packNameOf(billing, session.packId));
  if (session.status === "COMPLETED") {
    // The sandbox stands in for the provider's dashboard too: a paid payment can be refunded or disputed here, with the admin key.
    const price = fromMicros(session.priceMicros).toFixed();
    const currency = escape(session.currency);
    const done = session.disputedAt
      ? `<p id="reversal" data-reversal="DISPUTED">The buyer disputed this payment.</p>`
      : session.refundedMicros > 0
        ? `<p id="reversal" data-reversal="REFUNDED">Refunded so far: ${fromMicros(session.refundedMicros).toFixed()} of ${price} ${currency}.</p>`
        : "";
    // A refund is told as the total refunded so far, as Stripe's charge.refunded tells amount_refunded.
    const reversal = session.disputedAt
      ? ""
      : formOf(
          "checkout",
          session,
          `<p>Provider dashboard (the operator's: needs the admin key)</p><label>Total refunded <input name="amount" value="${price}"> ${currency}</label><label>Admin key <input type="password" name="admin_key" autocomplete="off"></label><button name="action" value="refund">Refund</button><button name="action" value="dispute">Dispute</button>`,
        );
    return html(200, "Checkout completed", `${summary}${statusLine(session)}${done}${reversal}${SANDBOX_NOTE}`);
  }
  if (session.status !== "OPEN") return html(200, `Checkout ${session.status.toLowerCase()}`, `${summary}${statusLine(session)}${SANDBOX_NOTE}`);
  const price = `${fromMicros(session.priceMicros).toFixed()} ${escape(session.currency)}`;
  return html(
    200,
    "Sandbox checkout",
    `${summary}${formOf("checkout", session, `<button name="action" value="pay">Pay ${price}</button><button name="action" value="decline">Decline</button>`)}${SANDBOX_NOTE}`,
  );
}

/**
 * POST /sandbox/checkout/<id>?secret=…: the buyer paid or declined; or, with the admin key, a paid
 * session is refunded (amount: all refunded so far) or disputed. Without the secret: 403, nothing changed.
 */
export async function sandboxCheckoutAction(
  billing: Billing,
  sessionId: string,
  secret: string | null,
  form: string,
  isAdmin: AdminCheck,
): Promise<HttpAnswer> {
  const fields = new URLSearchParams(form);
  const action = fields.get("action");
  const session = await sandboxSession(billing, sessionId, secret);
  if (!session) return refused();
  if (action === "refund" || action === "dispute") {
    if (!(await isAdmin(fields.get("admin_key")))) {
      return html(
        403,
        "Not allowed",
        `<p>Refunds and disputes are the provider dashboard's: send the admin key (X-API-Key). Nothing was changed.</p>${SANDBOX_NOTE}`,
      );
    }
    return reverse(billing, session, action, fields.get("amount"));
  }
  if (action !== "pay" && action !== "decline") return html(400, "Sandbox checkout", "<p>Choose pay or decline.</p>");
  if (session.status === "OPEN") {
    const delivery = await billing.sandbox.deliver(
      action === "pay" ? "checkout.completed" : "checkout.declined",
      session.id,
      fromMicros(session.priceMicros),
      session.currency,
      action === "decline" ? "declined by the buyer" : undefined,
    );
    if (delivery.status !== 200) return html(502, "Sandbox checkout", `<p>The webhook was not accepted (${delivery.status}); try again.</p>${SANDBOX_NOTE}`);
  }
  return redirect(returnTo(billing, session, action === "pay"));
}

/** GET /sandbox/setup/<id>?secret=…: choose a test card to save. */
export async function sandboxSetupPage(billing: Billing, setupId: string, secret: string | null): Promise<HttpAnswer> {
  const setup = await sandboxSetup(billing, setupId, secret);
  if (!setup) return notFound("Setup");
  if (setup.status !== "OPEN")
    return html(
      200,
      `Setup ${setup.status.toLowerCase()}`,
      `<p id="status" data-status="${setup.status}">This setup is ${setup.status.toLowerCase()}.</p>${SANDBOX_NOTE}`,
    );
  const options = SANDBOX_TEST_TOKENS.map((token) => `<option value="${token}">${token}</option>`).join("");
  return html(
    200,
    "Save a test card",
    `${formOf("setup", setup, `<select name="token">${options}</select><button name="action" value="save">Save card</button><button name="action" value="cancel">Cancel</button>`)}${SANDBOX_NOTE}`,
  );
}

/** POST /sandbox/setup/<id>?secret=…: the buyer saved a test card (told by webhook) or gave up. */
export async function sandboxSetupAction(billing: Billing, setupId: string, secret: string | null, form: string): Promise<HttpAnswer> {
  const fields = new URLSearchParams(form);
  const setup = await sandboxSetup(billing, setupId, secret);
  if (!setup) return refused();
  const action = fields.get("action");
  const token = fields.get("token") ?? "";
  if (action === "cancel") return redirect(returnTo(billing, setup, false));
  if (action !== "save" || !SANDBOX_TEST_TOKENS.includes(token)) return html(400, "Save a test card", "<p>Choose a test card.</p>");
  if (setup.status === "OPEN") {
    const delivery = await billing.sandbox.deliver("setup.completed", setup.id, null, null, undefined, token);
    if (delivery.status !== 200) return html(502, "Save a test card", `<p>The webhook was not accepted (${delivery.status}); try again.</p>${SANDBOX_NOTE}`);
  }
  return redirect(returnTo(billing, setup, true));
}

async function reverse(billing: Billing, session: CheckoutSessionRow, action: "refund" | "dispute", amount: string | null): Promise<HttpAnswer> {
  if (session.status !== "COMPLETED")
    return html(409, "Sandbox checkout", `<p>Only a completed payment can be ${action === "refund" ? "refunded" : "disputed"}.</p>${SANDBOX_NOTE}`);
  const price = fromMicros(session.priceMicros);
  let refunded: Decimal = price;
  if (action === "refund" && amount !== null) {
    // The API's one grammar of decimal text; at most 6 places, the ledger's precision.
    const valid = isDecimalText(amount) ? parseDecimal(amount) : null;
    if (!valid || valid.decimalPlaces() > 6 || !valid.isPositive() || valid.isZero() || valid.greaterThan(price))
      return html(400, "Sandbox checkout", `<p>Refund an amount above 0 and at most ${price.toFixed()} ${escape(session.currency)}.</p>`);
    refunded = valid;
  }
  const type = action === "refund" ? "checkout.refunded" : "checkout.disputed";
  const delivery = await billing.sandbox.deliver(type, session.id, refunded, session.currency, action === "dispute" ? "fraudulent" : undefined);
  if (delivery.status !== 200) return html(502, "Sandbox checkout", `<p>The webhook was not accepted (${delivery.status}); try again.</p>${SANDBOX_NOTE}`);
  return html(
    200,
    action === "refund" ? "Payment refunded" : "Payment disputed",
    `<p id="status" data-status="${action === "refund" ? "REFUNDED" : "DISPUTED"}">Done: the webhook was delivered.</p>${SANDBOX_NOTE}`,
  );
}
