/** The event log: events numbered per account, read by sequence number for catching up and following. */
import { and, asc, eq, gt, inArray, isNull, lt, notExists, or, sql, type SQL } from "drizzle-orm";
import { deliveryIdSuffix, first, preparedQuery, type AppendedEvent, type EventToAppend, type NewRow, type RepositoryContext, type Rows } from "./context.js";
import type { Page } from "../paging.js";

export type EventRow = Rows<"events">;

/** A LIKE pattern finding `"type"` in an endpoint's JSON list of event types (stored as text). */
const eventTypePattern = (type: string) => `%"${type.replace(/[\\%_]/g, (c) => `\\${c}`)}"%`;

export class EventRepository {
  constructor(private readonly c: RepositoryContext) {}

  /**
   * The account's next event number. Guard: one upsert of the account's counter row, which the
   * transaction then holds (PostgreSQL's row lock; SQLite's single writer) until it commits, so
   * numbers are given, and become visible, in order.
   */
  private async nextSeq(accountId: string): Promise<number> {
    const { db, t } = this.c;
    const next = preparedQuery(this.c, "event_next_seq", () =>
      db
        .insert(t.eventCounters)
        .values({ accountId: sql.placeholder("accountId"), lastSeq: 1 })
        .onConflictDoUpdate({ target: t.eventCounters.accountId, set: { lastSeq: sql`${t.eventCounters.lastSeq} + 1` } })
        .returning({ seq: t.eventCounters.lastSeq }),
    );
    return (await next({ accountId }))[0].seq;
  }

  /**
   * Writes the event with the account's next number, and a webhook delivery for each enabled
   * endpoint of the account that wants its type (the transactional outbox): one statement where
   * the dialect can (PostgreSQL), three otherwise.
   */
  async append(event: EventToAppend): Promise<AppendedEvent> {
    if (this.c.dialect.appendEvent) return this.c.dialect.appendEvent(this.c.db, event);
    const seq = await this.nextSeq(event.accountId);
    await this.insert({ ...event, seq });
    return { seq, deliveries: await this.queueDeliveries({ ...event, seq }) };
  }

  /** INSERT … SELECT from the account's endpoints: no read of them, whatever their number. */
  private async queueDeliveries(event: EventToAppend & { seq: number }): Promise<number> {
    const { db, t } = this.c;
    const w = t.webhookEndpoints;
    const wanted = db
      .select({
        id: sql<string>`'whd_' || substr(${w.id}, 4) || ${deliveryIdSuffix(event.id)}`.as("id"),
        endpointId: w.id,
        eventId: sql<string>`${event.id}`.as("event_id"),
        accountId: w.accountId,
        eventSeq: sql<number>`cast(${event.seq} as integer)`.as("event_seq"),
        status: sql<"PENDING">`'PENDING'`.as("status"),
        attempts: sql<number>`0`.as("attempts"),
        nextAttemptAt: sql<string>`${event.createdAt}`.as("next_attempt_at"),
        claimedUntil: sql<string | null>`null`.as("claimed_until"),
        deliveredAt: sql<string | null>`null`.as("delivered_at"),
        createdAt: sql<string>`${event.createdAt}`.as("created_at"),
      })
      .from(w)
      .where(
        and(
          eq(w.accountId, event.accountId),
          eq(w.enabled, true),
          or(
            isNull(w.eventTypes),
            sql`cast(${w.eventTypes} as text) in ('null', '[]')`,
            sql`cast(${w.eventTypes} as text) like ${eventTypePattern(event.type)} escape '\\'`,
          ),
        ),
      );
    const d = t.webhookDeliveries;
    return (await db.insert(d).select(wanted).onConflictDoNothing().returning({ id: d.id })).length;
  }

  private async insert(row: NewRow<"events">): Promise<void> {
    const { db, t } = this.c;
    await db.insert(t.events).values(row);
  }

  async get(id: string): Promise<EventRow | undefined> {
    const { db, t } = this.c;
    return first(await db.select().from(t.events).where(eq(t.events.id, id)));
  }

  /** The event, locked until commit (a resend against retention: see delete). */
  async getLocked(id: string): Promise<EventRow | undefined> {
    const { db, t, dialect } = this.c;
    return first(await dialect.forUpdate(db.select().from(t.events).where(eq(t.events.id, id))));
  }

  async getMany(ids: readonly string[]): Promise<EventRow[]> {
    if (ids.length === 0) return [];
    const { db, t } = this.c;
    return db
      .select()
      .from(t.events)
      .where(inArray(t.events.id, [...ids]));
  }

  /** The account's events after a sequence number, oldest first; optionally of some types only. */
  async page(accountId: string, options: { first: number; afterSeq?: number; types?: readonly string[] | null }): Promise<Page<EventRow>> {
    const { db, t } = this.c;
    const e = t.events;
    const conditions: SQL[] = [eq(e.accountId, accountId)];
    if (options.afterSeq !== undefined) conditions.push(gt(e.seq, options.afterSeq));
    if (options.types && options.types.length > 0) conditions.push(inArray(e.type, [...options.types]));
    const rows = await db
      .select()
      .from(e)
      .where(and(...conditions))
      .orderBy(asc(e.seq))
      .limit(options.first + 1);
    return { items: rows.slice(0, options.first), hasNextPage: rows.length > options.first };
  }

  /** Events after each account's last seen number, for followers (at most `limit`, oldest first per account). */
  async after(cursors: ReadonlyArray<{ accountId: string; seq: number }>, limit: number): Promise<EventRow[]> {
    if (cursors.length === 0) return [];
    const { db, t } = this.c;
    const e = t.events;
    const conditions = cursors.map(({ accountId, seq }) => and(eq(e.accountId, accountId), gt(e.seq, seq))!);
    return db
      .select()
      .from(e)
      .where(or(...conditions))
      .orderBy(asc(e.accountId), asc(e.seq))
      .limit(limit);
  }

  /** Ids of events older than `cutoff` that no delivery waits to send (the oldest first): what retention may delete. */
  async prunable(cutoff: string, limit: number): Promise<string[]> {
    const { db, t } = this.c;
    const e = t.events;
    const rows = await db
      .select({ id: e.id })
      .from(e)
      .where(and(lt(e.createdAt, cutoff), notExists(this.pendingDelivery())))
      .orderBy(asc(e.createdAt))
      .limit(limit);
    return rows.map((row) => row.id);
  }

  /**
   * Deletes these events, except any a delivery was queued for since they were chosen (a resend);
   * returns the ids deleted. Guard: the rows are locked first, as a resend locks its event, so the
   * check after the lock sees every resend that committed, and a later one finds no event.
   */
  async delete(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const { db, t, dialect } = this.c;
    const e = t.events;
    await dialect.forUpdate(db.select({ id: e.id }).from(e).where(inArray(e.id, ids)));
    return (
      await db
        .delete(e)
        .where(and(inArray(e.id, ids), notExists(this.pendingDelivery())))
        .returning({ id: e.id })
    ).map((row) => row.id);
  }

  private pendingDelivery() {
    const { db, t } = this.c;
    const d = t.webhookDeliveries;
    return db
      .select({ one: sql`1` })
      .from(d)
      .where(and(eq(d.eventId, t.events.id), eq(d.status, "PENDING")));
  }

  /** The account's last event number (0 when it has none): where a new follower starts. */
  async lastSeq(accountId: string): Promise<number> {
    const { db, t } = this.c;
    return first(await db.select({ seq: t.eventCounters.lastSeq }).from(t.eventCounters).where(eq(t.eventCounters.accountId, accountId)))?.seq ?? 0;
  }
}
