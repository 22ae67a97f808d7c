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
  if (event.currency !== null && event.currency !== session.currency) return `rejected: ${event.currency} refunded of a ${session.currency} payment`;
  const disputed = session.disputedAt !== null || event.type === "payment.disputed";
  const refunded = Math.max(session.refundedMicros, event.type === "payment.refunded" ? (event.amountMicros ?? 0) : 0);
  await tx.checkoutSessions.recordReversal(session.id, { refundedMicros: refunded, disputedAt: session.disputedAt ?? (disputed ? at : null) });
  // Told before its payment's success (events come in any order): recorded, and applied once its credits are added.
  if (session.status !== "COMPLETED")
    return `ignored: session ${session.id} is ${session.status}; the reversal is recorded and applies if its credits are added`;
  const before = claimedCredits(session, session.refundedMicros, session.disputedAt !== null);
  const after = claimedCredits(session, refunded, disputed);
  if (after <= before) return `ignored: nothing more to claw back of session ${session.id}`;
  const why = disputed
    ? `disputed (${event.reason ?? "chargeback"})`
    : `refunded ${fromMicros(refunded).toFixed()} ${session.currency} of ${fromMicros(session.priceMicros).toFixed()}`;
  return (
    (await clawBack(tx, creditService, session, after - before, after === session.creditsMicros, why)) ??
    `ignored: session ${session.id} has no grant (paid before wallets)`
  );
}

/** Inside the transaction that adds a session's credits: a refund or dispute told earlier takes them back now. */
export async function applyRecordedReversal(tx: Tx, creditService: CreditService, session: CheckoutSessionRow): Promise<void> {
  const claim = claimedCredits(session, session.refundedMicros, session.disputedAt !== null);
  if (claim > 0)
    await clawBack(
      tx,
      creditService,
      session,
      claim,
      claim === session.creditsMicros,
      session.disputedAt ? "disputed before it was credited" : "refunded before it was credited",
    );
}

async function clawBack(
  tx: Tx,
  creditService: CreditService,
  session: CheckoutSessionRow,
  micros: number,
  close: boolean,
  why: string,
): Promise<string | null> {
  const { source, sourceId } = grantSourceOf(session);
  const grant = await tx.grants.bySource(source, sourceId);
  if (!grant) return null;
  await creditService.clawBack(tx, grant, micros, close, `Clawback: checkout session ${session.id} ${why}`);
  return `applied: ${credits(micros)} credits of session ${session.id} clawed back (${why})`;
}
