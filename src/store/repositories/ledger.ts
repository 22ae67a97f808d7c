/** Ledger entries (append-only) and the idempotency keys of the operations that wrote them. */
import { and, asc, desc, eq, inArray, lt, sql, type SQL } from "drizzle-orm";
import { pageOf, type Page } from "../paging.js";
import { first, one, preparedQuery, type NewRow, type RepositoryContext, type Rows } from "./context.js";

const p = sql.placeholder;

export type EntryRow = Rows<"ledgerEntries">;
export type IdempotencyRow = Rows<"idempotencyKeys">;

export class LedgerRepository {
  constructor(private readonly c: RepositoryContext) {}

  async append(row: Omit<NewRow<"ledgerEntries">, "seq">): Promise<void> {
    const { db, t } = this.c;
    const insert = preparedQuery(this.c, "ledger_append", () =>
      db.insert(t.ledgerEntries).values({
        id: p("id"),
        accountId: p("accountId"),
        providerId: p("providerId"),
        sequence: p("sequence"),
        type: p("type"),
        amountMicros: p("amountMicros"),
        availableBeforeMicros: p("availableBeforeMicros"),
        availableAfterMicros: p("availableAfterMicros"),
        jobId: p("jobId"),
        refundOfId: p("refundOfId"),
        idempotencyKey: p("idempotencyKey"),
        description: p("description"),
        createdAt: p("createdAt"),
      }),
    );
    await insert({ jobId: null, refundOfId: null, idempotencyKey: null, ...row });
  }

  async get(id: string): Promise<EntryRow | undefined> {
    const { db, t } = this.c;
    return first(
      await preparedQuery(this.c, "ledger_entry", () =>
        db
          .select()
          .from(t.ledgerEntries)
          .where(eq(t.ledgerEntries.id, p("id"))),
      )({ id }),
    );
  }

  async byIds(ids: readonly string[]): Promise<EntryRow[]> {
    const { db, t } = this.c;
    if (ids.length === 1) return one(await this.get(ids[0]));
    return ids.length === 0
      ? []
      : db
          .select()
          .from(t.ledgerEntries)
          .where(inArray(t.ledgerEntries.id, [...ids]));
  }

  /** Newest first across the account's wallets; `afterSeq` is the cursor position (exclusive). */
  async page(
    accountId: string,
    options: { first: number; afterSeq?: number; type?: EntryRow["type"] | null; jobId?: string | null; providerId?: string | null },
  ): Promise<Page<EntryRow>> {
    const { db, t } = this.c;
    const conditions: SQL[] = [eq(t.ledgerEntries.accountId, accountId)];
    if (options.afterSeq !== undefined) conditions.push(lt(t.ledgerEntries.seq, options.afterSeq));
    if (options.type) conditions.push(eq(t.ledgerEntries.type, options.type));
    if (options.jobId) conditions.push(eq(t.ledgerEntries.jobId, options.jobId));
    if (options.providerId) conditions.push(eq(t.ledgerEntries.providerId, options.providerId));
    const rows = await db
      .select()
      .from(t.ledgerEntries)
      .where(and(...conditions))
      .orderBy(desc(t.ledgerEntries.seq))
      .limit(options.first + 1);
    return pageOf(rows, options.first);
  }

  /** The whole ledger of an account, in order (for the invariant audit and the wallet backfill). */
  async ofAccount(accountId: string): Promise<EntryRow[]> {
    const { db, t } = this.c;
    return db.select().from(t.ledgerEntries).where(eq(t.ledgerEntries.accountId, accountId)).orderBy(asc(t.ledgerEntries.seq));
  }

  /** The refunds given for a CONSUME entry. */
  async refundsOf(consumeId: string): Promise<EntryRow[]> {
    const { db, t } = this.c;
    return db
      .select()
      .from(t.ledgerEntries)
      .where(and(eq(t.ledgerEntries.refundOfId, consumeId), eq(t.ledgerEntries.type, "REFUND")));
  }

  /** Credits already given back for a CONSUME entry. */
  async refundedMicros(consumeId: string): Promise<number> {
    const { db, t } = this.c;
    const [row] = await db
      .select({ refunded: sql<number>`coalesce(sum(${t.ledgerEntries.amountMicros}), 0)`.mapWith(Number) })
      .from(t.ledgerEntries)
      .where(and(eq(t.ledgerEntries.refundOfId, consumeId), eq(t.ledgerEntries.type, "REFUND")));
    return row.refunded;
  }
}

export class IdempotencyRepository {
  constructor(private readonly c: RepositoryContext) {}

  async get(scope: string, operation: string, key: string): Promise<IdempotencyRow | undefined> {
    const { db, t } = this.c;
    const k = t.idempotencyKeys;
    return first(
      await db
        .select()
        .from(k)
        .where(and(eq(k.scope, scope), eq(k.operation, operation), eq(k.key, key))),
    );
  }

  /** Records a key's first result; false when another transaction recorded it first (guard: the primary key). */
  async insert(row: NewRow<"idempotencyKeys">): Promise<boolean> {
    const { db, t } = this.c;
    const inserted = await db.insert(t.idempotencyKeys).values(row).onConflictDoNothing().returning({ key: t.idempotencyKeys.key });
    return inserted.length === 1;
  }

  async setResult(scope: string, operation: string, key: string, result: unknown): Promise<void> {
    const { db, t } = this.c;
    const k = t.idempotencyKeys;
    await db
      .update(k)
      .set({ result })
      .where(and(eq(k.scope, scope), eq(k.operation, operation), eq(k.key, key)));
  }

  /** Forgets keys older than `cutoff`; returns how many. */
  async purge(cutoff: string): Promise<number> {
    const { db, t } = this.c;
    return (await db.delete(t.idempotencyKeys).where(lt(t.idempotencyKeys.createdAt, cutoff)).returning({ key: t.idempotencyKeys.key })).length;
  }
}
