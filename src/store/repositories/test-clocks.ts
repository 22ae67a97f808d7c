/** Test clocks: their time, the advance that holds one, and which accounts follow each. */
import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { first, preparedQuery, type NewRow, type RepositoryContext, type Rows } from "./context.js";

const p = sql.placeholder;

export type TestClockRow = Rows<"testClocks">;

export class TestClockRepository {
  constructor(private readonly c: RepositoryContext) {}

  async get(id: string): Promise<TestClockRow | undefined> {
    const { db, t } = this.c;
    return first(
      await preparedQuery(this.c, "test_clock", () =>
        db
          .select()
          .from(t.testClocks)
          .where(eq(t.testClocks.id, p("id"))),
      )({ id }),
    );
  }

  /** The clock, locked until the transaction ends (accounts are made on it, or it is deleted, one at a time). */
  async lock(id: string): Promise<TestClockRow | undefined> {
    const { db, t, dialect } = this.c;
    return first(await dialect.forUpdate(db.select().from(t.testClocks).where(eq(t.testClocks.id, id))));
  }

  /** The clock's time, read where the account's time is needed (a row per TEST account on a clock). */
  async frozenTime(id: string): Promise<string | undefined> {
    const { db, t } = this.c;
    const query = preparedQuery(this.c, "test_clock_time", () =>
      db
        .select({ frozenTime: t.testClocks.frozenTime })
        .from(t.testClocks)
        .where(eq(t.testClocks.id, p("id"))),
    );
    return first(await query({ id }))?.frozenTime;
  }

  /** Clocks not deleted, oldest first. */
  async list(): Promise<TestClockRow[]> {
    const { db, t } = this.c;
    return db.select().from(t.testClocks).where(isNull(t.testClocks.deletedAt)).orderBy(asc(t.testClocks.createdAt), asc(t.testClocks.id));
  }

  async insert(row: NewRow<"testClocks">): Promise<TestClockRow> {
    const { db, t } = this.c;
    return (await db.insert(t.testClocks).values(row).returning())[0];
  }

  /**
   * Claims the clock for an advance until `until` (guard: conditional on no other advance holding
   * it, or its hold having lapsed, and on the clock not being deleted); the row as claimed, or
   * undefined when another advance holds it.
   */
  async claim(id: string, now: string, until: string): Promise<TestClockRow | undefined> {
    const { db, t } = this.c;
    const free = or(isNull(t.testClocks.advancingUntil), lt(t.testClocks.advancingUntil, now));
    return first(
      await db
        .update(t.testClocks)
        .set({ advancingUntil: until })
        .where(and(eq(t.testClocks.id, id), isNull(t.testClocks.deletedAt), free))
        .returning(),
    );
  }

  /** Moves a claimed clock forward and renews the claim until `holdUntil` (guard: the claim, the clock not deleted, and time never going back). */
  async moveTo(id: string, claimedUntil: string, frozenTime: string, holdUntil: string): Promise<boolean> {
    const { db, t } = this.c;
    const moved = await db
      .update(t.testClocks)
      .set({ frozenTime, advancingUntil: holdUntil })
      .where(
        and(eq(t.testClocks.id, id), isNull(t.testClocks.deletedAt), eq(t.testClocks.advancingUntil, claimedUntil), lt(t.testClocks.frozenTime, frozenTime)),
      )
      .returning({ id: t.testClocks.id });
    return moved.length === 1;
  }

  /** Lets go of a claim (only its holder's: conditional on the claim). */
  async release(id: string, claimedUntil: string): Promise<void> {
    const { db, t } = this.c;
    await db
      .update(t.testClocks)
      .set({ advancingUntil: null })
      .where(and(eq(t.testClocks.id, id), eq(t.testClocks.advancingUntil, claimedUntil)));
  }

  /** Marks the clock deleted unless it is (guard: conditional on deleted_at being null); whether this call did. */
  async markDeleted(id: string, at: string): Promise<boolean> {
    const { db, t } = this.c;
    return (
      (
        await db
          .update(t.testClocks)
          .set({ deletedAt: at })
          .where(and(eq(t.testClocks.id, id), isNull(t.testClocks.deletedAt)))
          .returning({ id: t.testClocks.id })
      ).length === 1
    );
  }

  /** The ids of the accounts on the clock. */
  async accountIds(id: string): Promise<string[]> {
    const { db, t } = this.c;
    return (await db.select({ id: t.accounts.id }).from(t.accounts).where(eq(t.accounts.testClockId, id))).map((row) => row.id);
  }
}
