/** Jobs: a reservation of credits that resolves exactly once. */
import { and, asc, desc, eq, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import { pageOf, type Page } from "../paging.js";
import { first, inScope, type DueScope, one, preparedQuery, type RepositoryContext, type Rows } from "./context.js";

const p = sql.placeholder;

export type JobRow = Rows<"jobs">;
export type JobStatus = JobRow["status"];

export class JobRepository {
  constructor(private readonly c: RepositoryContext) {}

  async insert(row: Pick<JobRow, "id" | "accountId" | "providerId" | "reservedMicros" | "productId" | "estimate" | "createdAt" | "expiresAt">): Promise<void> {
    const { db, t } = this.c;
    const insert = preparedQuery(this.c, "job_insert", () =>
      db.insert(t.jobs).values({
        id: p("id"),
        accountId: p("accountId"),
        providerId: p("providerId"),
        status: "RESERVED",
        reservedMicros: p("reservedMicros"),
        productId: p("productId"),
        // A placeholder bypasses the column's JSON mapping: the value is bound as JSON text.
        estimate: sql`${p("estimate")}`,
        createdAt: p("createdAt"),
        expiresAt: p("expiresAt"),
      }),
    );
    await insert({ ...row, estimate: row.estimate == null ? null : JSON.stringify(row.estimate) });
  }

  /** The account's job (another account's looks missing). */
  async get(id: string, accountId: string): Promise<JobRow | undefined> {
    const { db, t } = this.c;
    const query = preparedQuery(this.c, "job_of_account", () =>
      db
        .select()
        .from(t.jobs)
        .where(and(eq(t.jobs.id, p("id")), eq(t.jobs.accountId, p("accountId")))),
    );
    return first(await query({ id, accountId }));
  }

  async byIds(ids: readonly string[]): Promise<JobRow[]> {
    const { db, t } = this.c;
    if (ids.length === 1)
      return one(
        first(
          await preparedQuery(this.c, "job", () =>
            db
              .select()
              .from(t.jobs)
              .where(eq(t.jobs.id, p("id"))),
          )({ id: ids[0] }),
        ),
      );
    return ids.length === 0
      ? []
      : db
          .select()
          .from(t.jobs)
          .where(inArray(t.jobs.id, [...ids]));
  }

  /**
   * Resolves a job that is still RESERVED; false when it was resolved already, by this node or
   * another (guard: the update is conditional on status = 'RESERVED').
   */
  async resolve(
    id: string,
    outcome: { status: Exclude<JobStatus, "RESERVED">; consumedMicros: number; failureReason: string | null; resolvedAt: string },
  ): Promise<boolean> {
    const { db, t } = this.c;
    const resolve = preparedQuery(this.c, "job_resolve", () =>
      db
        .update(t.jobs)
        .set({
          status: sql`${p("status")}`,
          consumedMicros: sql`${p("consumedMicros")}`,
          failureReason: sql`${p("failureReason")}`,
          resolvedAt: sql`${p("resolvedAt")}`,
        })
        .where(and(eq(t.jobs.id, p("id")), eq(t.jobs.status, "RESERVED")))
        .returning({ id: t.jobs.id }),
    );
    return (await resolve({ id, ...outcome })).length === 1;
  }

  /** Reservations past their time, oldest first. */
  async due(scope: DueScope, limit: number): Promise<JobRow[]> {
    const { db, t } = this.c;
    return db
      .select()
      .from(t.jobs)
      .where(and(eq(t.jobs.status, "RESERVED"), lte(t.jobs.expiresAt, scope.now), inScope(this.c, t.jobs.accountId, scope)))
      .orderBy(asc(t.jobs.expiresAt))
      .limit(limit);
  }

  /** Newest first; `afterSeq` is the cursor position (exclusive). */
  async page(accountId: string, options: { first: number; afterSeq?: number; status?: JobStatus | null }): Promise<Page<JobRow>> {
    const { db, t } = this.c;
    const conditions: SQL[] = [eq(t.jobs.accountId, accountId)];
    if (options.afterSeq !== undefined) conditions.push(lt(t.jobs.seq, options.afterSeq));
    if (options.status) conditions.push(eq(t.jobs.status, options.status));
    const rows = await db
      .select()
      .from(t.jobs)
      .where(and(...conditions))
      .orderBy(desc(t.jobs.seq))
      .limit(options.first + 1);
    return pageOf(rows, options.first);
  }

  async ofAccount(accountId: string): Promise<JobRow[]> {
    const { db, t } = this.c;
    return db.select().from(t.jobs).where(eq(t.jobs.accountId, accountId));
  }
}
