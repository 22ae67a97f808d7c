/** The small HTML pages billing serves (sandbox provider pages, checkout outcomes). */
import { fromMicros } from "../pricing/decimal.js";
import type { CheckoutSessionRow } from "./checkout.js";

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
  /** For webhooks: what the event did ("refused": it could not be trusted). */
  webhookOutcome?: string;
}

export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export const html = (status: number, title: string, content: string, head = ""): HttpAnswer => ({
  status,
  contentType: "text/html; charset=utf-8",
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>${head}
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button,select{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}</style>
</head><body><h1>${escape(title)}</h1>${content}</body></html>`,
});

/** A 303 to where the buyer goes next, as providers send buyers back after their pages. */
export const redirect = (location: string): HttpAnswer => ({
  ...html(303, "Continue", `<p><a href="${escape(location)}">Continue</a></p>`),
  headers: { location },
});

export const notFound = (what: string) => html(404, `${what} not found`, `<p>There is no such ${what.toLowerCase()}.</p>`);

export const SANDBOX_NOTE = "<p><small>Sandbox payment provider: no real money moves.</small></p>";

const STATUS_WORDS: Record<Exclude<CheckoutSessionRow["status"], "OPEN">, string> = {
  COMPLETED: "Payment received: the credits are on your account.",
  DECLINED: "Payment declined: nothing was charged.",
  EXPIRED: "This checkout expired.",
  PAID_NOT_CREDITED: "Payment received, but the credits could not be added yet: it is kept for our team, who will resolve it.",
};

export function statusLine(session: CheckoutSessionRow): string {
  const words = session.status === "OPEN" ? "Waiting for the payment to be confirmed…" : STATUS_WORDS[session.status];
  return `<p id="status" data-status="${session.status}">${words}</p>`;
}

export function summaryOf(session: CheckoutSessionRow, name: string): string {
  const price = `${fromMicros(session.priceMicros).toFixed()} ${escape(session.currency)}`;
  return `<p>${escape(name)}: <strong>${fromMicros(session.creditsMicros).toFixed()} credits</strong> for <strong>${price}</strong> (${session.paymentType === "PAYPAL" ? "PayPal" : "card"}).</p>`;
}
