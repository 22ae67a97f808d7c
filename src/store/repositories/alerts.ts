/** Auto top-up and credit alert settings, and the email outbox. */
import { and, asc, eq, isNull, lt, lte, or, sql } from "drizzle-orm";
import { first, inScope, type DueScope, preparedQuery, type NewRow, type RepositoryContext, type Rows } from "./context.js";

export type AutoTopUpRow = Rows<"autoTopUps">;
export type CreditAlertRow = Rows<"creditAlerts">;
export type EmailRow = Rows<"emailOutbox">;

export class AutoTopUpRepository {
  constructor(private readonly c: RepositoryContext) {}

  /** Read after every reserve and consume. */
  async get(accountId: string): Promise<AutoTopUpRow | undefined> {
    const { db, t } = this.c;
    return first(
      await preparedQuery(this.c, "auto_top_up", () =>
        db
          .select()
          .from(t.autoTopUps)
          .where(eq(t.autoTopUps.accountId, sql.placeholder("id"))),
      )({ id: accountId }),
    );
  }

  /** Writes the settings; a top-up in flight stays claimed (only its own settle clears it). */
  async save(row: Omit<NewRow<"autoTopUps">, "inFlightSessionId">): Promise<void> {
    const { db, t } = this.c;
    const { accountId: _accountId, ...set } = row;
    await db.insert(t.autoTopUps).values(row).onConflictDoUpdate({ target: t.autoTopUps.accountId, set });
  }

  /** Marks a top-up in flight; false when one already is (guard: conditional on none in flight). */
  async claim(accountId: string, sessionId: string): Promise<boolean> {
    const { db, t } = this.c;
    const a = t.autoTopUps;
    return (
      (
        await db
          .update(a)
          .set({ inFlightSessionId: sessionId })
          .where(and(eq(a.accountId, accountId), isNull(a.inFlightSessionId)))
          .returning({ id: a.accountId })
      ).length === 1
    );
  }

  /** Settles the in-flight top-up of that session, if it still is the one in flight (guard). */
  async settle(accountId: string, sessionId: string, fields: Pick<AutoTopUpRow, "consecutiveFailures" | "nextAttemptAt" | "lastError">): Promise<boolean> {
    const { db, t } = this.c;
    const a = t.autoTopUps;
    const settled = await db
      .update(a)
      .set({ ...fields, inFlightSessionId: null })
      .where(and(eq(a.accountId, accountId), eq(a.inFlightSessionId, sessionId)))
      .returning({ id: a.accountId });
    return settled.length === 1;
  }

  /** Accounts whose top-up may be tried now (on, none in flight, no backoff pending). */
  async due(scope: DueScope): Promise<string[]> {
    const { db, t } = this.c;
    const a = t.autoTopUps;
    const rows = await db
      .select({ accountId: a.accountId })
      .from(a)
      .where(
        and(
          eq(a.enabled, true),
          isNull(a.inFlightSessionId),
          or(isNull(a.nextAttemptAt), lte(a.nextAttemptAt, scope.now)),
          inScope(this.c, a.accountId, scope),
        ),
      );
    return rows.map((row) => row.accountId);
  }
}

export class CreditAlertRepository {
  constructor(private readonly c: RepositoryContext) {}

  /** Read inside every ledger write. */
  async get(accountId: string, providerId: string): Promise<CreditAlertRow | undefined> {
    const { db, t } = this.c;
    const a = t.creditAlerts;
    const query = preparedQuery(this.c, "credit_alert", () =>
      db
        .select()
        .from(a)
        .where(and(eq(a.accountId, sql.placeholder("id")), eq(a.providerId, sql.placeholder("provider")))),
    );
    return first(await query({ id: accountId, provider: providerId }));
  }

  async ofAccount(accountId: string): Promise<CreditAlertRow[]> {
    const { db, t } = this.c;
    return db.select().from(t.creditAlerts).where(eq(t.creditAlerts.accountId, accountId)).orderBy(asc(t.creditAlerts.providerId));
  }

  async save(row: NewRow<"creditAlerts">): Promise<void> {
    const { db, t } = this.c;
    const { accountId: _accountId, providerId: _providerId, ...set } = row;
    await db
      .insert(t.creditAlerts)
      .values(row)
      .onConflictDoUpdate({ target: [t.creditAlerts.accountId, t.creditAlerts.providerId], set });
  }

  async setArmed(accountId: string, providerId: string, armed: boolean, lastAlertAt?: string): Promise<void> {
    const { db, t } = this.c;
    const a = t.creditAlerts;
    await db
      .update(a)
      .set(lastAlertAt ? { armed, lastAlertAt } : { armed })
      .where(and(eq(a.accountId, accountId), eq(a.providerId, providerId)));
  }
}

export class EmailOutboxRepository {
  constructor(private readonly c: RepositoryContext) {}

  async insert(row: NewRow<"emailOutbox">): Promise<void> {
    const { db, t } = this.c;
    await db.insert(t.emailOutbox).values(row);
  }

  /** Emails due to be sent (unsent, not waiting, attempts left), oldest first. */
  async due(now: string, maxAttempts: number, limit: number): Promise<EmailRow[]> {
    const { db, t } = this.c;
    const e = t.emailOutbox;
    return db
      .select()
      .from(e)
      .where(and(isNull(e.sentAt), lt(e.attempts, maxAttempts), or(isNull(e.nextAttemptAt), lte(e.nextAttemptAt, now))))
      .orderBy(asc(e.seq))
      .limit(limit);
  }

  /**
   * Claims an email for one sender until `until`: false when another sender claimed or sent it
   * since it was read (guard: conditional on the attempt count and next attempt read).
   */
  async claim(mail: EmailRow, until: string): Promise<boolean> {
    const { db, t } = this.c;
    const e = t.emailOutbox;
    const unchanged = and(
      eq(e.seq, mail.seq),
      isNull(e.sentAt),
      eq(e.attempts, mail.attempts),
      mail.nextAttemptAt === null ? isNull(e.nextAttemptAt) : eq(e.nextAttemptAt, mail.nextAttemptAt),
    );
    return (
      (
        await db
          .update(e)
          .set({ nextAttemptAt: until, attempts: mail.attempts + 1 })
          .where(unchanged)
          .returning({ seq: e.seq })
      ).length === 1
    );
  }

  /** Records a claimed email's outcome, while the claim is still this sender's (guard: the attempt count it claimed with). */
  async settle(mail: EmailRow, fields: Partial<Pick<EmailRow, "sentAt" | "nextAttemptAt" | "lastError">>): Promise<boolean> {
    const { db, t } = this.c;
    const e = t.emailOutbox;
    const mine = and(eq(e.seq, mail.seq), eq(e.attempts, mail.attempts + 1), isNull(e.sentAt));
    return (await db.update(e).set(fields).where(mine).returning({ seq: e.seq })).length === 1;
  }

  async ofAccount(accountId: string): Promise<EmailRow[]> {
    const { db, t } = this.c;
    return db.select().from(t.emailOutbox).where(eq(t.emailOutbox.accountId, accountId)).orderBy(asc(t.emailOutbox.seq));
  }
}
