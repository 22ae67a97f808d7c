/**
 * Payments a provider confirmed whose credits could not be added (./payment-events.ts records
 * them). An operator applies one (the credits are added now, if they fit) or dismisses it (e.g.
 * after refunding the buyer at the provider), once.
 */
import { checkProviderServes } from "./payment-routing.js";
import type { ProviderName } from "./providers.js";
import type { Clock } from "../clock.js";
import { badInput, notFound } from "../errors.js";
import type { UnappliedPaymentRow } from "../store/repositories/index.js";
import type { Store } from "../store/store.js";
import type { SessionPaidHandler } from "./payment-events.js";

export type { UnappliedPaymentRow };

export class UnappliedPaymentService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onPaid: SessionPaidHandler,
  ) {}

  get(id: string): Promise<UnappliedPaymentRow | undefined> {
    return this.store.reads.unappliedPayments.get(id);
  }

  /** Newest first; `open` only those not yet resolved. */
  page(options: { first: number; afterSeq?: number; open?: boolean | null }) {
    return this.store.reads.unappliedPayments.page(options);
  }

  openCount(): Promise<number> {
    return this.store.reads.unappliedPayments.openCount();
  }

  /**
   * APPLY adds the credits now (the session becomes COMPLETED), or fails as the webhook did when
   * they still do not fit; DISMISS closes it without credits. Guard: the update is conditional on
   * the payment being unresolved, and a second resolution rolls the whole transaction back.
   */
  resolve(id: string, action: "APPLY" | "DISMISS", note: string | null): Promise<UnappliedPaymentRow> {
    const text = note?.trim() || null;
    if (text && text.length > 500) throw badInput("A note has at most 500 characters", ["note"]);
    return this.store.transaction(async (tx) => {
      const payment = await tx.unappliedPayments.get(id);
      if (!payment) throw notFound(`No unapplied payment ${id}`, ["unappliedPaymentId"]);
      // Session, then account (in the purchase): the order a webhook takes them in.
      const session = (await tx.checkoutSessions.lock(payment.checkoutSessionId))!;
      const already = () => badInput(`Unapplied payment ${id} was already resolved (${payment.resolution})`, ["unappliedPaymentId"]);
      if (payment.resolvedAt) throw already();
      const now = this.clock.now().toISOString();
      if (!(await tx.unappliedPayments.resolve(id, { resolution: action === "APPLY" ? "APPLIED" : "DISMISSED", resolvedAt: now, note: text }))) throw already();
      if (action === "APPLY") {
        // A sandbox payment never becomes a LIVE account's credits (one recorded before modes, say).
        const account = (await tx.accounts.get(payment.accountId))!;
        checkProviderServes(account.mode, payment.provider as ProviderName, ["action"]);
        const transactionId = await this.onPaid.paid(tx, session);
        if (!(await tx.checkoutSessions.completeUnapplied(session.id, transactionId, now))) throw already();
      }
      return (await tx.unappliedPayments.get(id))!;
    });
  }
}
