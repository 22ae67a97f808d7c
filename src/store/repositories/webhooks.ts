/** Outgoing webhooks: endpoints, their deliveries (one per endpoint and event) and every attempt. */
import { aliasedTable, and, asc, count, desc, eq, gt, inArray, isNull, lt, lte, min, ne, notExists, or, sql, type SQL } from "drizzle-orm";
import { first, preparedQuery, type NewRow, type RepositoryContext, type Rows } from "./context.js";
import type { Page } from "../paging.js";

export type WebhookEndpointRow = Rows<"webhookEndpoints">;
export type WebhookDeliveryRow = Rows<"webhookDeliveries">;
export type WebhookAttemptRow = Rows<"webhookAttempts">;

export class WebhookRepository {
  constructor(private readonly c: RepositoryContext) {}

  async insertEndpoint(row: NewRow<"webhookEndpoints">): Promise<void> {
    const { db, t } = this.c;
    await db.insert(t.webhookEndpoints).values(row);
  }

  /** The account's endpoint (undefined for another account's: ids are not proof of ownership). */
  async endpoint(accountId: string, id: string): Promise<WebhookEndpointRow | undefined> {
    const { db, t } = this.c;
    const e = t.webhookEndpoints;
    return first(
      await db
        .select()
        .from(e)
        .where(and(eq(e.id, id), eq(e.accountId, accountId))),
    );
  }

  async endpointById(id: string): Promise<WebhookEndpointRow | undefined> {
    const { db, t } = this.c;
    return first(await db.select().from(t.webhookEndpoints).where(eq(t.webhookEndpoints.id, id)));
  }

  /** Read in every event's transaction (the fan-out): prepared once per connection. */
  async endpointsOf(accountId: string): Promise<WebhookEndpointRow[]> {
    const { db, t } = this.c;
    const e = t.webhookEndpoints;
    return preparedQuery(this.c, "webhook_endpoints_of", () =>
      db
        .select()
        .from(e)
        .where(eq(e.accountId, sql.placeholder("id")))
        .orderBy(asc(e.seq)),
    )({ id: accountId });
  }

  async updateEndpoint(accountId: string, id: string, set: Partial<WebhookEndpointRow>): Promise<WebhookEndpointRow | undefined> {
    const { db, t } = this.c;
    const e = t.webhookEndpoints;
    return first(
      await db
        .update(e)
        .set(set)
        .where(and(eq(e.id, id), eq(e.accountId, accountId)))
        .returning(),
    );
  }

  /** Removes the endpoint with its deliveries and attempts; false when the account has no such endpoint. */
  async deleteEndpoint(accountId: string, id: string): Promise<boolean> {
    const { db, t } = this.c;
    const e = t.webhookEndpoints;
    const deleted = await db
      .delete(e)
      .where(and(eq(e.id, id), eq(e.accountId, accountId)))
      .returning({ id: e.id });
    if (deleted.length === 0) return false;
    await db.delete(t.webhookDeliveries).where(eq(t.webhookDeliveries.endpointId, id));
    await db.delete(t.webhookAttempts).where(eq(t.webhookAttempts.endpointId, id));
    return true;
  }

  async insertDelivery(row: NewRow<"webhookDeliveries">): Promise<void> {
    const { db, t } = this.c;
    await db.insert(t.webhookDeliveries).values(row).onConflictDoNothing();
  }

  /**
   * Queues the event for the endpoint again, due now, with a fresh retry window (its created_at).
   * A claim in flight is dropped: that send's outcome no longer settles the delivery.
   */
  async requeue(row: NewRow<"webhookDeliveries">): Promise<WebhookDeliveryRow> {
    const { db, t } = this.c;
    const d = t.webhookDeliveries;
    const set = { status: "PENDING" as const, attempts: 0, nextAttemptAt: row.nextAttemptAt, claimedUntil: null, deliveredAt: null, createdAt: row.createdAt };
    return (
      await db
        .insert(d)
        .values(row)
        .onConflictDoUpdate({ target: [d.endpointId, d.eventId], set })
        .returning()
    )[0];
  }

  /** Pending deliveries of enabled endpoints that are first in line of their endpoint (event order). */
  private heads(): SQL {
    const { db, t } = this.c;
    const d = t.webhookDeliveries;
    const earlier = aliasedTable(d, "earlier");
    const inLine = db
      .select({ one: sql`1` })
      .from(earlier)
      .where(and(eq(earlier.endpointId, d.endpointId), eq(earlier.status, "PENDING"), lt(earlier.eventSeq, d.eventSeq)));
    return and(eq(d.status, "PENDING"), eq(t.webhookEndpoints.enabled, true), notExists(inLine))!;
  }

  /** Deliveries that may be sent now: first in line, due, and unclaimed (or their claim ran out). */
  async due(now: string, limit: number): Promise<WebhookDeliveryRow[]> {
    const { db, t } = this.c;
    const d = t.webhookDeliveries;
    const rows = await db
      .select({ delivery: d })
      .from(d)
      .innerJoin(t.webhookEndpoints, eq(t.webhookEndpoints.id, d.endpointId))
      .where(and(this.heads(), lte(d.nextAttemptAt, now), or(isNull(d.claimedUntil), lte(d.claimedUntil, now))))
      .orderBy(asc(d.nextAttemptAt))
      .limit(limit);
    return rows.map((row) => row.delivery);
  }

  /** When the next delivery first in line falls due (or its claim runs out), after `now`'s due ones. */
  async nextDue(now: string): Promise<string | undefined> {
    const { db, t } = this.c;
    const d = t.webhookDeliveries;
    const at = sql<string>`coalesce(${d.claimedUntil}, ${d.nextAttemptAt})`;
    const rows = await db
      .select({ at })
      .from(d)
      .innerJoin(t.webhookEndpoints, eq(t.webhookEndpoints.id, d.endpointId))
      .where(and(this.heads(), sql`${at} > ${now}`))
      .orderBy(asc(at))
      .limit(1);
    return rows[0]?.at;
  }

  /**
   * Claims a delivery for one sender until `until`, and returns it as claimed; undefined when another
   * sender claimed or settled it since it was read (guard: conditional on the status, attempt count
   * and claim read).
   */
  async claim(delivery: WebhookDeliveryRow, now: string, until: string): Promise<WebhookDeliveryRow | undefined> {
    const { db, t } = this.c;
    const d = t.webhookDeliveries;
    const unclaimed = or(isNull(d.claimedUntil), lte(d.claimedUntil, now));
    const where = and(eq(d.id, delivery.id), eq(d.status, "PENDING"), eq(d.attempts, delivery.attempts), unclaimed);
    // The row as claimed (a resend since it was read may have changed its window).
    return first(
      await db
        .update(d)
        .set({ claimedUntil: until, attempts: delivery.attempts + 1 })
        .where(where)
        .returning(),
    );
  }

  /**
   * After its head (claimed by this sender), the endpoint's next pending deliveries in event order,
   * claimed under the same claim: the contiguous run of due, unclaimed ones, at most `limit`. Safe
   * because only the head's holder can reach them (no other is first in line while it is pending).
   */
  async claimFollowers(head: WebhookDeliveryRow, now: string, until: string, limit: number): Promise<WebhookDeliveryRow[]> {
    const { db, t } = this.c;
    const d = t.webhookDeliveries;
    const next = await db
      .select()
      .from(d)
      .where(and(eq(d.endpointId, head.endpointId), eq(d.status, "PENDING"), gt(d.eventSeq, head.eventSeq)))
      .orderBy(asc(d.eventSeq))
      .limit(limit);
    const free = (row: WebhookDeliveryRow) => row.nextAttemptAt <= now && (row.claimedUntil === null || row.claimedUntil <= now);
    const cut = next.findIndex((row) => !free(row));
    const run = cut === -1 ? next : next.slice(0, cut);
    if (run.length === 0) return [];
    const unclaimed = or(isNull(d.claimedUntil), lte(d.claimedUntil, now));
    const where = and(
      inArray(
        d.id,
        run.map((row) => row.id),
      ),
      eq(d.status, "PENDING"),
      unclaimed,
    );
    // The rows as claimed, not as read: a resend in between reset their attempts and window.
    const claimed = new Map(
      (
        await db
          .update(d)
          .set({ claimedUntil: until, attempts: sql`${d.attempts} + 1` })
          .where(where)
          .returning()
      ).map((row) => [row.id, row]),
    );
    // Sent in order only up to the first one this claim did not get; the rest are let go.
    const gap = run.findIndex((row) => !claimed.has(row.id));
    if (gap !== -1)
      await this.release(
        run
          .slice(gap)
          .filter((row) => claimed.has(row.id))
          .map((row) => row.id),
        until,
      );
    return (gap === -1 ? run : run.slice(0, gap)).map((row) => claimed.get(row.id)!);
  }

  /** Lets go of claimed deliveries that were not sent: due again at once, their attempt not counted. */
  async release(ids: string[], claimedUntil: string): Promise<void> {
    if (ids.length === 0) return;
    const { db, t } = this.c;
    const d = t.webhookDeliveries;
    await db
      .update(d)
      .set({ claimedUntil: null, attempts: sql`${d.attempts} - 1` })
      .where(and(inArray(d.id, ids), eq(d.status, "PENDING"), eq(d.claimedUntil, claimedUntil)));
  }

  /** Records a claimed delivery's outcome while the claim is still this sender's (guard: its claim). */
  async settle(id: string, claimedUntil: string, set: Pick<WebhookDeliveryRow, "status" | "nextAttemptAt" | "deliveredAt">): Promise<boolean> {
    const { db, t } = this.c;
    const d = t.webhookDeliveries;
    const mine = and(eq(d.id, id), eq(d.status, "PENDING"), eq(d.claimedUntil, claimedUntil));
    return (
      (
        await db
          .update(d)
          .set({ ...set, claimedUntil: null })
          .where(mine)
          .returning({ id: d.id })
      ).length === 1
    );
  }

  /** Deliveries waiting (pending, endpoint enabled) and when the oldest of them was queued: the lag operators watch. */
  async backlog(): Promise<{ pending: number; oldestQueuedAt: string | null }> {
    const { db, t } = this.c;
    const d = t.webhookDeliveries;
    const [row] = await db
      .select({ pending: count(), oldestQueuedAt: min(d.createdAt) })
      .from(d)
      .innerJoin(t.webhookEndpoints, eq(t.webhookEndpoints.id, d.endpointId))
      .where(and(eq(d.status, "PENDING"), eq(t.webhookEndpoints.enabled, true)));
    return { pending: Number(row?.pending ?? 0), oldestQueuedAt: row?.oldestQueuedAt ?? null };
  }

  /** Deletes the deliveries of these (deleted) events, with their attempts (retention). */
  async forgetEvents(eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    const { db, t } = this.c;
    const d = t.webhookDeliveries;
    const theirs = inArray(d.eventId, eventIds);
    await db.delete(t.webhookAttempts).where(inArray(t.webhookAttempts.deliveryId, db.select({ id: d.id }).from(d).where(theirs)));
    await db.delete(d).where(theirs);
  }

  /**
   * Deletes settled deliveries queued before `cutoff` with their attempts, whatever became of their
   * event (e.g. one failed because its event was gone); at most `limit`, returns how many.
   */
  async forgetSettledBefore(cutoff: string, limit: number): Promise<number> {
    const { db, t } = this.c;
    const d = t.webhookDeliveries;
    const old = and(ne(d.status, "PENDING"), lt(d.createdAt, cutoff));
    const ids = (await db.select({ id: d.id }).from(d).where(old).limit(limit)).map((row) => row.id);
    if (ids.length === 0) return 0;
    await db.delete(t.webhookAttempts).where(inArray(t.webhookAttempts.deliveryId, ids));
    return (
      await db
        .delete(d)
        .where(and(inArray(d.id, ids), old))
        .returning({ id: d.id })
    ).length;
  }

  /** Makes the endpoint's pending deliveries due now (it was enabled again). */
  async wakeEndpoint(endpointId: string, now: string): Promise<void> {
    const { db, t } = this.c;
    const d = t.webhookDeliveries;
    await db
      .update(d)
      .set({ nextAttemptAt: now })
      .where(and(eq(d.endpointId, endpointId), eq(d.status, "PENDING")));
  }

  async delivery(endpointId: string, eventId: string): Promise<WebhookDeliveryRow | undefined> {
    const { db, t } = this.c;
    const d = t.webhookDeliveries;
    return first(
      await db
        .select()
        .from(d)
        .where(and(eq(d.endpointId, endpointId), eq(d.eventId, eventId))),
    );
  }

  async deliveriesOf(endpointId: string): Promise<WebhookDeliveryRow[]> {
    const { db, t } = this.c;
    const d = t.webhookDeliveries;
    return db.select().from(d).where(eq(d.endpointId, endpointId)).orderBy(asc(d.eventSeq));
  }

  async insertAttempts(rows: NewRow<"webhookAttempts">[]): Promise<void> {
    if (rows.length === 0) return;
    const { db, t } = this.c;
    await db.insert(t.webhookAttempts).values(rows);
  }

  /** The endpoint's attempts, newest first; `beforeSeq` continues a page. */
  async attempts(endpointId: string, options: { first: number; beforeSeq?: number; eventId?: string | null }): Promise<Page<WebhookAttemptRow>> {
    const { db, t } = this.c;
    const a = t.webhookAttempts;
    const conditions: SQL[] = [eq(a.endpointId, endpointId)];
    if (options.beforeSeq !== undefined) conditions.push(lt(a.seq, options.beforeSeq));
    if (options.eventId) conditions.push(eq(a.eventId, options.eventId));
    const rows = await db
      .select()
      .from(a)
      .where(and(...conditions))
      .orderBy(desc(a.seq))
      .limit(options.first + 1);
    return { items: rows.slice(0, options.first), hasNextPage: rows.length > options.first };
  }
}
