/** Plan subscriptions and the periods whose credits were granted. */
import { and, eq, inArray, isNull, lte, sql, type SQL } from "drizzle-orm";
import { first, inScope, type DueScope, type NewRow, type RepositoryContext, type Rows } from "./context.js";

export type SubscriptionRow = Rows<"subscriptions">;
export type SubscriptionStatus = SubscriptionRow["status"];

/** Statuses of a subscription that still renews: at most one per account and plan (a partial unique index). */
export const LIVE_STATUSES = ["PENDING", "ACTIVE", "PAST_DUE"] as const satisfies readonly SubscriptionStatus[];

/** What a conditional update expects to find; it changes nothing when the row moved on. */
export interface SubscriptionExpectation {
  statuses?: readonly SubscriptionStatus[];
  periodStart?: string;
  periodEnd?: string;
  /** The scheduled retry that was read (null: none); claiming it keeps two retriers from both charging. */
  nextPaymentAttemptAt?: string | null;
  cancelAtPeriodEnd?: boolean;
}

export class SubscriptionRepository {
  constructor(private readonly c: RepositoryContext) {}

  async get(id: string): Promise<SubscriptionRow | undefined> {
    const { db, t } = this.c;
    return first(await db.select().from(t.subscriptions).where(eq(t.subscriptions.id, id)));
  }

  async ofAccount(accountId: string): Promise<SubscriptionRow[]> {
    const { db, t } = this.c;
    return db.select().from(t.subscriptions).where(eq(t.subscriptions.accountId, accountId)).orderBy(t.subscriptions.createdAt);
  }

  async liveOnPlan(accountId: string, planId: string): Promise<SubscriptionRow | undefined> {
    const { db, t } = this.c;
    const s = t.subscriptions;
    return first(
      await db
        .select()
        .from(s)
        .where(and(eq(s.accountId, accountId), eq(s.planId, planId), inArray(s.status, LIVE_STATUSES))),
    );
  }

  /** Undefined when the account has a live subscription to the plan already (guard: the partial unique index). */
  async insert(row: NewRow<"subscriptions">): Promise<SubscriptionRow | undefined> {
    const { db, t } = this.c;
    return first(await db.insert(t.subscriptions).values(row).onConflictDoNothing().returning());
  }

  /** Changes the subscription only while it is as expected (guard: a conditional update); false otherwise. */
  async update(id: string, fields: Partial<NewRow<"subscriptions">>, expected: SubscriptionExpectation = {}): Promise<boolean> {
    const { db, t } = this.c;
    const s = t.subscriptions;
    const conditions: SQL[] = [eq(s.id, id)];
    if (expected.statuses) conditions.push(inArray(s.status, [...expected.statuses]));
    if (expected.periodStart !== undefined) conditions.push(eq(s.currentPeriodStart, expected.periodStart));
    if (expected.periodEnd !== undefined) conditions.push(eq(s.currentPeriodEnd, expected.periodEnd));
    if (expected.cancelAtPeriodEnd !== undefined) conditions.push(eq(s.cancelAtPeriodEnd, expected.cancelAtPeriodEnd));
    if (expected.nextPaymentAttemptAt !== undefined) {
      conditions.push(expected.nextPaymentAttemptAt === null ? isNull(s.nextPaymentAttemptAt) : eq(s.nextPaymentAttemptAt, expected.nextPaymentAttemptAt));
    }
    return (
      (
        await db
          .update(s)
          .set(fields)
          .where(and(...conditions))
          .returning({ id: s.id })
      ).length === 1
    );
  }

  /** UNPAID -> ACTIVE, unless the account has subscribed to the plan anew meanwhile (guard: in the same statement). */
  async reactivate(subscription: SubscriptionRow, fields: Partial<NewRow<"subscriptions">>): Promise<boolean> {
    const { db, t } = this.c;
    const s = t.subscriptions;
    const other = sql`select 1 from ${s} as other where other.account_id = ${subscription.accountId} and other.plan_id = ${subscription.planId} and other.status in ('PENDING', 'ACTIVE', 'PAST_DUE')`;
    const done = await db
      .update(s)
      .set(fields)
      .where(and(eq(s.id, subscription.id), eq(s.status, "UNPAID"), sql`not exists (${other})`))
      .returning({ id: s.id });
    return done.length === 1;
  }

  /** Live subscriptions whose period has ended. */
  async renewalsDue(scope: DueScope): Promise<string[]> {
    const { db, t } = this.c;
    const s = t.subscriptions;
    return (
      await db
        .select({ id: s.id })
        .from(s)
        .where(and(inArray(s.status, LIVE_STATUSES), lte(s.currentPeriodEnd, scope.now), inScope(this.c, s.accountId, scope)))
    ).map((r) => r.id);
  }

  /** Past-due subscriptions: all of an account's, or those whose next retry is due. */
  async pastDue(
    which: { accountId: string } | { retryBy: DueScope },
  ): Promise<Array<{ id: string; periodStart: string; nextPaymentAttemptAt: string | null }>> {
    const { db, t } = this.c;
    const s = t.subscriptions;
    const condition =
      "accountId" in which
        ? eq(s.accountId, which.accountId)
        : and(lte(s.nextPaymentAttemptAt, which.retryBy.now), inScope(this.c, s.accountId, which.retryBy));
    return db
      .select({ id: s.id, periodStart: s.currentPeriodStart, nextPaymentAttemptAt: s.nextPaymentAttemptAt })
      .from(s)
      .where(and(eq(s.status, "PAST_DUE"), condition));
  }

  async grantOf(subscriptionId: string, periodStart: string): Promise<string | undefined> {
    const { db, t } = this.c;
    const g = t.subscriptionGrants;
    return first(
      await db
        .select()
        .from(g)
        .where(and(eq(g.subscriptionId, subscriptionId), eq(g.periodStart, periodStart))),
    )?.transactionId;
  }

  /** Records a period's grant (guard: the primary key makes it once per period). */
  async insertGrant(row: NewRow<"subscriptionGrants">): Promise<void> {
    const { db, t } = this.c;
    await db.insert(t.subscriptionGrants).values(row);
  }
}
