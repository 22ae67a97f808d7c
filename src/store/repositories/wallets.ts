/** Wallets (an account's credits of one provider), their grants, jobs' holds, and which grants each entry touched. */
import { and, asc, desc, eq, gt, inArray, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import { pageOf, type Page } from "../paging.js";
import { first, inScope, preparedQuery, type DueScope, type NewRow, type RepositoryContext, type Rows } from "./context.js";

const p = sql.placeholder;

export type WalletRow = Rows<"wallets">;
export type GrantRow = Rows<"creditGrants">;
export type JobHoldRow = Rows<"jobHolds">;
export type EntryGrantRow = Rows<"entryGrants">;
export type GrantRepaymentRow = Rows<"grantRepayments">;

export class WalletRepository {
  constructor(private readonly c: RepositoryContext) {}

  async get(accountId: string, providerId: string): Promise<WalletRow | undefined> {
    const { db, t } = this.c;
    const query = preparedQuery(this.c, "wallet", () =>
      db
        .select()
        .from(t.wallets)
        .where(and(eq(t.wallets.accountId, p("accountId")), eq(t.wallets.providerId, p("providerId")))),
    );
    return first(await query({ accountId, providerId }));
  }

  /** The account's wallets, by provider id. */
  async ofAccount(accountId: string): Promise<WalletRow[]> {
    const { db, t } = this.c;
    const query = preparedQuery(this.c, "wallets_of_account", () =>
      db
        .select()
        .from(t.wallets)
        .where(eq(t.wallets.accountId, p("accountId")))
        .orderBy(asc(t.wallets.providerId)),
    );
    return query({ accountId });
  }

  async ofAccounts(accountIds: readonly string[]): Promise<WalletRow[]> {
    const { db, t } = this.c;
    return accountIds.length === 0
      ? []
      : db
          .select()
          .from(t.wallets)
          .where(inArray(t.wallets.accountId, [...accountIds]))
          .orderBy(asc(t.wallets.providerId));
  }

  /** The wallet, created empty if need be, locked until the transaction ends: one writer of its credits at a time. */
  async lock(accountId: string, providerId: string, createdAt?: string): Promise<WalletRow> {
    const { db, t, dialect } = this.c;
    const query = preparedQuery(this.c, "wallet_locked", () =>
      dialect.forUpdate(
        db
          .select()
          .from(t.wallets)
          .where(and(eq(t.wallets.accountId, p("accountId")), eq(t.wallets.providerId, p("providerId")))),
      ),
    );
    const found = first(await query({ accountId, providerId }));
    if (found) return found;
    // Guard: the primary key; whoever inserts second locks the first one's row.
    await db
      .insert(t.wallets)
      .values(createdAt ? { accountId, providerId, createdAt } : { accountId, providerId })
      .onConflictDoNothing();
    return first(await query({ accountId, providerId }))!;
  }

  /** Writes the wallet's figures after its new entries (the CHECK constraints refuse an overdraft). */
  async save(wallet: Pick<WalletRow, "accountId" | "providerId" | "balanceMicros" | "reservedMicros" | "owedMicros" | "lastSequence">): Promise<void> {
    const { db, t } = this.c;
    const save = preparedQuery(this.c, "wallet_save", () =>
      db
        .update(t.wallets)
        .set({ balanceMicros: sql`${p("balance")}`, reservedMicros: sql`${p("reserved")}`, owedMicros: sql`${p("owed")}`, lastSequence: sql`${p("sequence")}` })
        .where(and(eq(t.wallets.accountId, p("accountId")), eq(t.wallets.providerId, p("providerId")))),
    );
    await save({
      accountId: wallet.accountId,
      providerId: wallet.providerId,
      balance: wallet.balanceMicros,
      reserved: wallet.reservedMicros,
      owed: wallet.owedMicros,
      sequence: wallet.lastSequence,
    });
  }
}

export type GrantStatus = "ACTIVE" | "PENDING" | "DEPLETED" | "EXPIRED" | "CLAWED_BACK";

export class GrantRepository {
  constructor(private readonly c: RepositoryContext) {}

  async insert(row: Omit<NewRow<"creditGrants">, "seq">): Promise<GrantRow> {
    const { db, t } = this.c;
    return (await db.insert(t.creditGrants).values(row).returning())[0];
  }

  async byIds(ids: readonly string[]): Promise<GrantRow[]> {
    const { db, t } = this.c;
    // One grant is the common case (a job's hold): prepared once per connection.
    if (ids.length === 1)
      return preparedQuery(this.c, "grant", () =>
        db
          .select()
          .from(t.creditGrants)
          .where(eq(t.creditGrants.id, p("id"))),
      )({ id: ids[0] });
    return ids.length === 0
      ? []
      : db
          .select()
          .from(t.creditGrants)
          .where(inArray(t.creditGrants.id, [...ids]));
  }

  async bySource(source: GrantRow["source"], sourceId: string): Promise<GrantRow | undefined> {
    const { db, t } = this.c;
    const g = t.creditGrants;
    return first(
      await db
        .select()
        .from(g)
        .where(and(eq(g.source, source), eq(g.sourceId, sourceId))),
    );
  }

  /**
   * The wallet's grants that can be spent at `now`, in the spending order: priority (higher
   * first), then soonest expiry (never last), then promotional before paid, then oldest.
   */
  async spendable(accountId: string, providerId: string, now: string): Promise<GrantRow[]> {
    const { db, t } = this.c;
    const g = t.creditGrants;
    const query = preparedQuery(this.c, "grants_spendable", () =>
      db
        .select()
        .from(g)
        .where(
          and(
            eq(g.accountId, p("accountId")),
            eq(g.providerId, p("providerId")),
            isNull(g.closedReason),
            gt(sql`${g.remainingMicros} - ${g.heldMicros}`, 0),
            lte(g.effectiveAt, p("now")),
            or(isNull(g.expiresAt), gt(g.expiresAt, p("now"))),
          ),
        )
        .orderBy(desc(g.priority), sql`${g.expiresAt} is null`, asc(g.expiresAt), sql`${g.kind} <> 'PROMOTIONAL'`, asc(g.seq)),
    );
    return query({ accountId, providerId, now });
  }

  /** Writes what spending, holding or closing changed. */
  async save(
    grant: Pick<
      GrantRow,
      "id" | "remainingMicros" | "heldMicros" | "clawedMicros" | "usedMicros" | "owedMicros" | "repaidMicros" | "closedReason" | "closedAt"
    >,
  ): Promise<void> {
    const { db, t } = this.c;
    const save = preparedQuery(this.c, "grant_save", () =>
      db
        .update(t.creditGrants)
        .set({
          remainingMicros: sql`${p("remaining")}`,
          heldMicros: sql`${p("held")}`,
          clawedMicros: sql`${p("clawed")}`,
          usedMicros: sql`${p("used")}`,
          owedMicros: sql`${p("owed")}`,
          repaidMicros: sql`${p("repaid")}`,
          closedReason: sql`${p("closedReason")}`,
          closedAt: sql`${p("closedAt")}`,
        })
        .where(eq(t.creditGrants.id, p("id"))),
    );
    await save({
      id: grant.id,
      remaining: grant.remainingMicros,
      held: grant.heldMicros,
      clawed: grant.clawedMicros,
      used: grant.usedMicros,
      owed: grant.owedMicros,
      repaid: grant.repaidMicros,
      closedReason: grant.closedReason,
      closedAt: grant.closedAt,
    });
  }

  /** Open grants whose expiry has come, soonest first (the sweeper's work). */
  async due(scope: DueScope, limit: number): Promise<GrantRow[]> {
    const { db, t } = this.c;
    const g = t.creditGrants;
    return db
      .select()
      .from(g)
      .where(and(isNull(g.closedReason), lte(g.expiresAt, scope.now), inScope(this.c, g.accountId, scope)))
      .orderBy(asc(g.expiresAt))
      .limit(limit);
  }

  /** The wallet's grants that owe credits after a clawback, oldest first. */
  async inDebt(accountId: string, providerId: string): Promise<GrantRow[]> {
    const { db, t } = this.c;
    const g = t.creditGrants;
    return db
      .select()
      .from(g)
      .where(and(eq(g.accountId, accountId), eq(g.providerId, providerId), gt(g.owedMicros, 0)))
      .orderBy(asc(g.seq));
  }

  /** The wallet's open grants whose expiry has come. */
  async dueInWallet(accountId: string, providerId: string, now: string): Promise<GrantRow[]> {
    const { db, t } = this.c;
    const g = t.creditGrants;
    const query = preparedQuery(this.c, "grants_due_in_wallet", () =>
      db
        .select()
        .from(g)
        .where(and(eq(g.accountId, p("accountId")), eq(g.providerId, p("providerId")), isNull(g.closedReason), lte(g.expiresAt, p("now"))))
        .orderBy(asc(g.expiresAt)),
    );
    return query({ accountId, providerId, now });
  }

  /** Newest first; `afterSeq` is the cursor position (exclusive). */
  async page(
    accountId: string,
    providerId: string,
    options: { first: number; afterSeq?: number; status?: GrantStatus | null; now: string },
  ): Promise<Page<GrantRow>> {
    const { db, t } = this.c;
    const g = t.creditGrants;
    const conditions: SQL[] = [eq(g.accountId, accountId), eq(g.providerId, providerId)];
    if (options.afterSeq !== undefined) conditions.push(sql`${g.seq} < ${options.afterSeq}`);
    const open = and(isNull(g.closedReason), gt(g.remainingMicros, 0));
    switch (options.status) {
      case "EXPIRED":
      case "CLAWED_BACK":
        conditions.push(eq(g.closedReason, options.status));
        break;
      case "DEPLETED":
        conditions.push(isNull(g.closedReason), eq(g.remainingMicros, 0));
        break;
      case "PENDING":
        conditions.push(open!, gt(g.effectiveAt, options.now));
        break;
      case "ACTIVE":
        conditions.push(open!, lte(g.effectiveAt, options.now));
        break;
    }
    const rows = await db
      .select()
      .from(g)
      .where(and(...conditions))
      .orderBy(desc(g.seq))
      .limit(options.first + 1);
    return pageOf(rows, options.first);
  }

  async ofWallet(accountId: string, providerId: string): Promise<GrantRow[]> {
    const { db, t } = this.c;
    const g = t.creditGrants;
    return db
      .select()
      .from(g)
      .where(and(eq(g.accountId, accountId), eq(g.providerId, providerId)))
      .orderBy(asc(g.seq));
  }
}

export class JobHoldRepository {
  constructor(private readonly c: RepositoryContext) {}

  async insert(rows: NewRow<"jobHolds">[]): Promise<void> {
    const { db, t } = this.c;
    const insert = preparedQuery(this.c, "hold_insert", () =>
      db.insert(t.jobHolds).values({ jobId: p("jobId"), grantId: p("grantId"), position: p("position"), heldMicros: p("heldMicros") }),
    );
    for (const row of rows) await insert(row);
  }

  /** The grants a job holds, in the order it took them. */
  async ofJob(jobId: string): Promise<JobHoldRow[]> {
    const { db, t } = this.c;
    const query = preparedQuery(this.c, "holds_of_job", () =>
      db
        .select()
        .from(t.jobHolds)
        .where(eq(t.jobHolds.jobId, p("jobId")))
        .orderBy(asc(t.jobHolds.position)),
    );
    return query({ jobId });
  }
}

export class EntryGrantRepository {
  constructor(private readonly c: RepositoryContext) {}

  async insert(rows: NewRow<"entryGrants">[]): Promise<void> {
    const { db, t } = this.c;
    const insert = preparedQuery(this.c, "entry_grant_insert", () =>
      db.insert(t.entryGrants).values({ entryId: p("entryId"), grantId: p("grantId"), micros: p("micros") }),
    );
    for (const row of rows) await insert(row);
  }

  async ofEntries(entryIds: readonly string[]): Promise<EntryGrantRow[]> {
    const { db, t } = this.c;
    return entryIds.length === 0
      ? []
      : db
          .select()
          .from(t.entryGrants)
          .where(inArray(t.entryGrants.entryId, [...entryIds]));
  }
}

/** What grants repaid of other grants' debts and have not had back (credit_grants.repaid_micros is the sum per debtor). */
export class GrantRepaymentRepository {
  constructor(private readonly c: RepositoryContext) {}

  /** These debtors' repayments still owed back (micros > 0), oldest payer first. */
  async ofDebtors(debtorIds: readonly string[]): Promise<GrantRepaymentRow[]> {
    const { db, t } = this.c;
    const r = t.grantRepayments;
    if (debtorIds.length === 0) return [];
    return db
      .select({ debtorId: r.debtorId, payerId: r.payerId, micros: r.micros })
      .from(r)
      .innerJoin(t.creditGrants, eq(t.creditGrants.id, r.payerId))
      .where(and(inArray(r.debtorId, [...debtorIds]), gt(r.micros, 0)))
      .orderBy(asc(t.creditGrants.seq));
  }

  /** Adds a repayment to what the payer repaid of the debtor's debt. */
  async add(row: GrantRepaymentRow): Promise<void> {
    const { db, t } = this.c;
    const r = t.grantRepayments;
    await db
      .insert(r)
      .values(row)
      .onConflictDoUpdate({ target: [r.debtorId, r.payerId], set: { micros: sql`${r.micros} + ${row.micros}` } });
  }

  /** Writes what is left of each repayment after credits were given back. */
  async save(rows: readonly GrantRepaymentRow[]): Promise<void> {
    const { db, t } = this.c;
    const r = t.grantRepayments;
    for (const row of rows)
      await db
        .update(r)
        .set({ micros: row.micros })
        .where(and(eq(r.debtorId, row.debtorId), eq(r.payerId, row.payerId)));
  }
}
