/**
 * A paid session the provider refunds (in part or in full) or the buyer disputes: its grant's
 * credits are clawed back in proportion to the money given back (a dispute claims them all), once
 * however often or in whatever order the provider's events arrive: a refund event carries all
 * refunded so far, and what was claimed before is recorded on the session.
 */
import type { CreditService } from "../accounts/grants.js";
import { credits } from "../accounts/credits.js";
import { fromMicros } from "../pricing/decimal.js";
import type { Tx } from "../store/store.js";
import type { CheckoutSessionRow } from "./checkout.js";
import type { PaymentEvent } from "./providers.js";
import { grantSourceOf } from "./purchased-grants.js";

/** Credits of a session claimed back by `refundedMicros` of its price refunded (all of them once disputed). */
export function claimedCredits(session: Pick<CheckoutSessionRow, "creditsMicros" | "priceMicros">, refundedMicros: number, disputed: boolean): number {
  if (disputed || refundedMicros >= session.priceMicros) return session.creditsMicros;
  // Exact integer arithmetic: micros times micros can pass 2^53.
  return Number((BigInt(session.creditsMicros) * BigInt(refundedMicros)) / BigInt(session.priceMicros));
}

export async function applyReversal(tx: Tx, creditService: CreditService, session: CheckoutSessionRow, event: PaymentEvent, at: string): Promise<string> {
  if (session.status !== "COMPLETED") return `ignored: session ${session.id} is ${session.status}, no credits to take back`;
  if (event.currency !== null && event.currency !== session.currency) return `rejected: ${event.currency} refunded of a ${session.currency} payment`;
  const disputed = session.disputedAt !== null || event.type === "payment.disputed";
  const refunded = Math.max(session.refundedMicros, event.type === "payment.refunded" ? (event.amountMicros ?? 0) : 0);
  const before = claimedCredits(session, session.refundedMicros, session.disputedAt !== null);
  const after = claimedCredits(session, refunded, disputed);
  await tx.checkoutSessions.recordReversal(session.id, { refundedMicros: refunded, disputedAt: session.disputedAt ?? (disputed ? at : null) });
  if (after <= before) return `ignored: nothing more to claw back of session ${session.id}`;
  const { source, sourceId } = grantSourceOf(session);
  const grant = await tx.grants.bySource(source, sourceId);
  if (!grant) return `ignored: session ${session.id} has no grant (paid before wallets)`;
  const why = disputed ? `disputed (${event.reason ?? "chargeback"})` : `refunded ${fromMicros(refunded).toFixed()} ${session.currency} of ${fromMicros(session.priceMicros).toFixed()}`;
  await creditService.clawBack(tx, grant, after - before, after === session.creditsMicros, `Clawback: checkout session ${session.id} ${why}`);
  return `applied: ${credits(after - before)} credits of session ${session.id} clawed back (${why})`;
}
