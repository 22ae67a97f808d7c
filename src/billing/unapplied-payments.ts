/**
 * Payments a provider confirmed whose credits could not be added (./payment-events.ts records
 * them). An operator applies one (the credits are added now, if they fit) or dismisses it (e.g.
 * after refunding the buyer at the provider), once.
 */
import { and, desc, eq, isNull, lt, sql, type SQL } from "drizzle-orm";
import { LedgerError, type Ledger } from "../accounts/ledger.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import { pageOf } from "../db/paging.js";
import * as t from "../db/schema.js";
import type { CheckoutService } from "./checkout.js";
import type { SessionPaidHandler } from "./payment-events.js";

export type UnappliedPaymentRow = typeof t.unappliedPayments.$inferSelect;

export class UnappliedPaymentService {
  constructor(
    private readonly database: Database,
    private readonly ledger: Ledger,
    private readonly checkout: CheckoutService,
    private readonly clock: Clock,
    private readonly onPaid: SessionPaidHandler,
  ) {}

  private get db() {
    return this.database.db;
  }

  get(id: string): UnappliedPaymentRow | undefined {
    return this.db.select().from(t.unappliedPayments).where(eq(t.unappliedPayments.id, id)).get();
  }

  /** Newest first; `open` only those not yet resolved. */
  page(options: { first: number; afterSeq?: number; open?: boolean | null; accountId?: string }) {
    const conditions: SQL[] = [];
    if (options.afterSeq !== undefined) conditions.push(lt(t.unappliedPayments.seq, options.afterSeq));
    if (options.open) conditions.push(isNull(t.unappliedPayments.resolvedAt));
    if (options.accountId) conditions.push(eq(t.unappliedPayments.accountId, options.accountId));
    const rows = this.db
      .select()
      .from(t.unappliedPayments)
      .where(and(...conditions))
      .orderBy(desc(t.unappliedPayments.seq))
      .limit(options.first + 1)
      .all();
    return pageOf(rows, options.first);
  }

  openCount(): number {
    return this.db.select({ count: sql<number>`count(*)` }).from(t.unappliedPayments).where(isNull(t.unappliedPayments.resolvedAt)).get()!.count;
  }

  /**
   * APPLY adds the credits now (the session becomes COMPLETED), or fails as the webhook did when
   * they still do not fit; DISMISS closes it without credits. Guard: the update is conditional
   * on the payment being unresolved.
   */
  resolve(id: string, action: "APPLY" | "DISMISS", note: string | null): UnappliedPaymentRow {
    const text = note?.trim() || null;
    if (text && text.length > 500) throw new LedgerError("BAD_USER_INPUT", "A note has at most 500 characters", ["note"]);
    return this.ledger.atomically(() => {
      const payment = this.get(id);
      if (!payment) throw new LedgerError("NOT_FOUND", `No unapplied payment ${id}`, ["unappliedPaymentId"]);
      if (payment.resolvedAt) {
        throw new LedgerError("BAD_USER_INPUT", `Unapplied payment ${id} was already resolved (${payment.resolution})`, ["unappliedPaymentId"]);
      }
      const now = this.clock.now().toISOString();
      if (action === "APPLY") {
        const session = this.checkout.session(payment.checkoutSessionId)!;
        const transactionId = this.onPaid.paid(session);
        this.db
          .update(t.checkoutSessions)
          .set({ status: "COMPLETED", transactionId, failureReason: null, resolvedAt: now })
          .where(eq(t.checkoutSessions.id, session.id))
          .run();
      }
      const resolved = this.db
        .update(t.unappliedPayments)
        .set({ resolution: action === "APPLY" ? "APPLIED" : "DISMISSED", resolvedAt: now, note: text })
        .where(and(eq(t.unappliedPayments.id, id), isNull(t.unappliedPayments.resolvedAt)))
        .run();
      if (resolved.changes !== 1) throw new LedgerError("BAD_USER_INPUT", `Unapplied payment ${id} was already resolved`, ["unappliedPaymentId"]);
      return this.get(id)!;
    });
  }
}
