/** Checkout sessions, the webhook events applied to them, and payments that could not be credited. */
import { and, inArray, desc, eq, isNull, lt, lte, ne, or, sql, type SQL } from "drizzle-orm";
import { pageOf, type Page } from "../paging.js";
import { first, inScope, type DueScope, type NewRow, type RepositoryContext, type Rows } from "./context.js";

export type CheckoutSessionRow = Rows<"checkoutSessions">;
export type UnappliedPaymentRow = Rows<"unappliedPayments">;

export class CheckoutSessionRepository {
  constructor(private readonly c: RepositoryContext) {}

  /** Opens a session; undefined when a subscription period already has an open one (guard: its unique index). */
  async insert(row: NewRow<"checkoutSessions">): Promise<CheckoutSessionRow | undefined> {
    const { db, t } = this.c;
    return first(await db.insert(t.checkoutSessions).values(row).onConflictDoNothing().returning());
  }

  /** The sessions whose credits these ledger entries added. */
  async byTransactionIds(transactionIds: readonly string[]): Promise<CheckoutSessionRow[]> {
    const { db, t } = this.c;
    return transactionIds.length === 0
      ? []
      : db
          .select()
          .from(t.checkoutSessions)
          .where(inArray(t.checkoutSessions.transactionId, [...transactionIds]));
  }

  async get(id: string): Promise<CheckoutSessionRow | undefined> {
    const { db, t } = this.c;
    return first(await db.select().from(t.checkoutSessions).where(eq(t.checkoutSessions.id, id)));
  }

  /** The session, locked until the transaction ends. */
  async lock(id: string): Promise<CheckoutSessionRow | undefined> {
    const { db, t, dialect } = this.c;
    return first(await dialect.forUpdate(db.select().from(t.checkoutSessions).where(eq(t.checkoutSessions.id, id))));
  }

  /** The session a provider's event names, locked until the transaction ends. */
  async lockByProviderRef(provider: string, providerSessionId: string): Promise<CheckoutSessionRow | undefined> {
    const { db, t, dialect } = this.c;
    const s = t.checkoutSessions;
    return first(
      await dialect.forUpdate(
        db
          .select()
          .from(s)
          .where(and(eq(s.provider, provider as CheckoutSessionRow["provider"]), eq(s.providerSessionId, providerSessionId))),
      ),
    );
  }

  async page(
    accountId: string,
    options: { first: number; afterSeq?: number; status?: CheckoutSessionRow["status"] | null },
  ): Promise<Page<CheckoutSessionRow>> {
    const { db, t } = this.c;
    const conditions: SQL[] = [eq(t.checkoutSessions.accountId, accountId)];
    if (options.afterSeq !== undefined) conditions.push(lt(t.checkoutSessions.seq, options.afterSeq));
    if (options.status) conditions.push(eq(t.checkoutSessions.status, options.status));
    const rows = await db
      .select()
      .from(t.checkoutSessions)
      .where(and(...conditions))
      .orderBy(desc(t.checkoutSessions.seq))
      .limit(options.first + 1);
    return pageOf(rows, options.first);
  }

  async setProviderRefs(id: string, providerSessionId: string, url: string | null): Promise<void> {
    const { db, t } = this.c;
    await db.update(t.checkoutSessions).set({ providerSessionId, url }).where(eq(t.checkoutSessions.id, id));
  }

  /**
   * Deletes a session whose page the provider never gave us: no one saw it, so no one can pay it.
   * False when it is no longer OPEN and page-less (guard: conditional delete).
   */
  async discardUnopened(id: string): Promise<boolean> {
    const { db, t } = this.c;
    const s = t.checkoutSessions;
    return (
      (
        await db
          .delete(s)
          .where(and(eq(s.id, id), eq(s.status, "OPEN"), isNull(s.url), isNull(s.transactionId)))
          .returning({ id: s.id })
      ).length === 1
    );
  }

  /** OPEN -> EXPIRED or DECLINED; false when it was no longer open (guard: conditional on status). */
  async close(id: string, fields: Pick<CheckoutSessionRow, "status" | "failureReason" | "closedBy" | "resolvedAt">): Promise<boolean> {
    const { db, t } = this.c;
    const s = t.checkoutSessions;
    return (
      (
        await db
          .update(s)
          .set(fields)
          .where(and(eq(s.id, id), eq(s.status, "OPEN")))
          .returning({ id: s.id })
      ).length === 1
    );
  }

  /**
   * Settles a paid session (COMPLETED, or PAID_NOT_CREDITED): one still OPEN, or one this server
   * closed (a payment confirmed after our own timeout still counts); false otherwise (guard).
   */
  /** The session a payment belongs to, locked: by the provider's payment id, or (the sandbox, off-session charges) its session id. */
  async lockByPayment(provider: string, reference: string): Promise<CheckoutSessionRow | undefined> {
    const { db, t, dialect } = this.c;
    const s = t.checkoutSessions;
    const named = and(eq(s.provider, provider as CheckoutSessionRow["provider"]), or(eq(s.paymentReference, reference), eq(s.providerSessionId, reference)));
    return first(await dialect.forUpdate(db.select().from(s).where(named)));
  }

  /** Records what of a paid session was refunded, or that it was disputed (the session is locked by the caller). */
  async recordReversal(id: string, fields: Pick<CheckoutSessionRow, "refundedMicros" | "disputedAt">): Promise<void> {
    const { db, t } = this.c;
    await db.update(t.checkoutSessions).set(fields).where(eq(t.checkoutSessions.id, id));
  }

  async settlePaid(
    id: string,
    fields: Pick<CheckoutSessionRow, "status" | "transactionId" | "failureReason" | "resolvedAt"> & { paymentReference?: string | null },
  ): Promise<boolean> {
    const { db, t } = this.c;
    const s = t.checkoutSessions;
    const payable = or(eq(s.status, "OPEN"), and(eq(s.closedBy, "SERVER"), ne(s.status, "COMPLETED")));
    const settled = await db
      .update(s)
      .set({ ...fields, closedBy: null })
      .where(and(eq(s.id, id), payable))
      .returning({ id: s.id });
    return settled.length === 1;
  }

  /** PAID_NOT_CREDITED -> COMPLETED once an operator applied its credits (guard: conditional on status). */
  async completeUnapplied(id: string, transactionId: string, at: string): Promise<boolean> {
    const { db, t } = this.c;
    const s = t.checkoutSessions;
    const done = await db
      .update(s)
      .set({ status: "COMPLETED", transactionId, failureReason: null, resolvedAt: at })
      .where(and(eq(s.id, id), eq(s.status, "PAID_NOT_CREDITED")))
      .returning({ id: s.id });
    return done.length === 1;
  }

  async dueForExpiry(scope: DueScope): Promise<CheckoutSessionRow[]> {
    const { db, t } = this.c;
    const s = t.checkoutSessions;
    return db
      .select()
      .from(s)
      .where(and(eq(s.status, "OPEN"), lte(s.expiresAt, scope.now), inScope(this.c, s.accountId, scope)));
  }
}

export class WebhookEventRepository {
  constructor(private readonly c: RepositoryContext) {}

  /** Claims an event for this transaction; false when it was applied before (guard: the primary key). */
  async claim(row: NewRow<"webhookEvents">): Promise<boolean> {
    const { db, t } = this.c;
    return (await db.insert(t.webhookEvents).values(row).onConflictDoNothing().returning({ id: t.webhookEvents.eventId })).length === 1;
  }

  async get(provider: string, eventId: string) {
    const { db, t } = this.c;
    return first(
      await db
        .select()
        .from(t.webhookEvents)
        .where(and(eq(t.webhookEvents.provider, provider), eq(t.webhookEvents.eventId, eventId))),
    );
  }

  async setOutcome(provider: string, eventId: string, outcome: string): Promise<void> {
    const { db, t } = this.c;
    await db
      .update(t.webhookEvents)
      .set({ outcome })
      .where(and(eq(t.webhookEvents.provider, provider), eq(t.webhookEvents.eventId, eventId)));
  }
}

export class UnappliedPaymentRepository {
  constructor(private readonly c: RepositoryContext) {}

  async insert(row: NewRow<"unappliedPayments">): Promise<void> {
    const { db, t } = this.c;
    await db.insert(t.unappliedPayments).values(row);
  }

  async get(id: string): Promise<UnappliedPaymentRow | undefined> {
    const { db, t } = this.c;
    return first(await db.select().from(t.unappliedPayments).where(eq(t.unappliedPayments.id, id)));
  }

  /** Newest first; `open` only those not yet resolved. */
  async page(options: { first: number; afterSeq?: number; open?: boolean | null }): Promise<Page<UnappliedPaymentRow>> {
    const { db, t } = this.c;
    const u = t.unappliedPayments;
    const conditions: SQL[] = [];
    if (options.afterSeq !== undefined) conditions.push(lt(u.seq, options.afterSeq));
    if (options.open) conditions.push(isNull(u.resolvedAt));
    const rows = await db
      .select()
      .from(u)
      .where(and(...conditions))
      .orderBy(desc(u.seq))
      .limit(options.first + 1);
    return pageOf(rows, options.first);
  }

  async openCount(): Promise<number> {
    const { db, t } = this.c;
    return (
      await db
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(t.unappliedPayments)
        .where(isNull(t.unappliedPayments.resolvedAt))
    )[0].n;
  }

  /** Resolves it once (guard: conditional on resolved_at being null). */
  async resolve(id: string, fields: Pick<UnappliedPaymentRow, "resolution" | "resolvedAt" | "note">): Promise<boolean> {
    const { db, t } = this.c;
    const u = t.unappliedPayments;
    return (
      (
        await db
          .update(u)
          .set(fields)
          .where(and(eq(u.id, id), isNull(u.resolvedAt)))
          .returning({ id: u.id })
      ).length === 1
    );
  }
}
