/**
 * Wallets and credit grants (SQLite). Each provider's credits are their own currency: an account
 * has one wallet per provider it holds credits of, and every credit in a wallet belongs to a grant
 * with its own expiry and priority. Amounts are INTEGER micros. Self-contained apart from the
 * accounts schema, as drizzle-kit loads it on its own.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts, createdAt, jobs, ledgerEntries } from "./schema-accounts.js";

/** An account's credits of one provider: the unit the ledger chains and locks. */
export const wallets = sqliteTable(
  "wallets",
  {
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    providerId: text("provider_id").notNull(),
    /** Credits owned: the sum of the open grants' remaining credits. */
    balanceMicros: integer("balance_micros").notNull().default(0),
    /** Credits held by open jobs: the sum of their holds. */
    reservedMicros: integer("reserved_micros").notNull().default(0),
    /** What its grants owe after clawbacks (the sum of their owed credits), repaid first from the next credits added. */
    owedMicros: integer("owed_micros").notNull().default(0),
    /** Sequence number of the wallet's last ledger entry (0: none yet). */
    lastSequence: integer("last_sequence").notNull().default(0),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.accountId, table.providerId] }),
    check("wallets_reserved_non_negative", sql`${table.reservedMicros} >= 0`),
    check("wallets_available_non_negative", sql`${table.balanceMicros} - ${table.reservedMicros} >= 0`),
    check("wallets_owed_non_negative", sql`${table.owedMicros} >= 0`),
  ],
);

/** A block of credits: what created it, how many are left, when they stop counting. */
export const creditGrants = sqliteTable(
  "credit_grants",
  {
    /** Insertion order: "oldest first" in the spending order. */
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull().unique(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    providerId: text("provider_id").notNull(),
    kind: text("kind", { enum: ["PAID", "PROMOTIONAL", "SUBSCRIPTION"] }).notNull(),
    /** What created it; with `sourceId`, unique (one grant per checkout session, per subscription period). */
    source: text("source", { enum: ["CHECKOUT", "SUBSCRIPTION_PERIOD", "ADMIN", "SIGN_UP", "MIGRATION"] }).notNull(),
    sourceId: text("source_id"),
    amountMicros: integer("amount_micros").notNull(),
    /** Credits of this grant still in the wallet's balance (held ones included). */
    remainingMicros: integer("remaining_micros").notNull(),
    /** Of `remaining`, what open jobs hold. */
    heldMicros: integer("held_micros").notNull().default(0),
    /** Credits claimed back so far by refunds or a dispute of the purchase (taken now, or owed). */
    clawedMicros: integer("clawed_micros").notNull().default(0),
    /** Credits of it spent: consumed by jobs (less what refunds gave back) or paying another grant's debt. */
    usedMicros: integer("used_micros").notNull().default(0),
    /** Of a clawed-back purchase, credits used beyond what was paid for: repaid first from credits added or returned. */
    owedMicros: integer("owed_micros").notNull().default(0),
    /**
     * Of its debt, credits other grants repaid (their REPAY entries) and have not had back: used
     * credits already given back, which a later claim must not count again; the sum of its
     * grant_repayments. Its own returned credits repay by leaving it.
     */
    repaidMicros: integer("repaid_micros").notNull().default(0),
    /** Higher first in the spending order. */
    priority: integer("priority").notNull().default(0),
    effectiveAt: text("effective_at").notNull(),
    expiresAt: text("expires_at"),
    /** What the credits were paid for (null: unknown); 0 for promotional credits. */
    costMicros: integer("cost_micros"),
    costCurrency: text("cost_currency"),
    /** EXPIRED or CLAWED_BACK once closed: credits released or refunded to it later leave at once. */
    closedReason: text("closed_reason", { enum: ["EXPIRED", "CLAWED_BACK"] }),
    closedAt: text("closed_at"),
    createdAt: createdAt(),
  },
  (table) => [
    index("credit_grants_wallet_idx").on(table.accountId, table.providerId, table.seq),
    index("credit_grants_expiry_idx")
      .on(table.expiresAt)
      .where(sql`${table.closedReason} is null and ${table.expiresAt} is not null`),
    uniqueIndex("credit_grants_source_idx")
      .on(table.source, table.sourceId)
      .where(sql`${table.sourceId} is not null`),
    check("credit_grants_amount_positive", sql`${table.amountMicros} > 0`),
    check("credit_grants_remaining_range", sql`${table.remainingMicros} >= 0 and ${table.remainingMicros} <= ${table.amountMicros}`),
    check("credit_grants_held_range", sql`${table.heldMicros} >= 0 and ${table.heldMicros} <= ${table.remainingMicros}`),
    check("credit_grants_clawed_range", sql`${table.clawedMicros} >= 0 and ${table.clawedMicros} <= ${table.amountMicros}`),
    check("credit_grants_used_owed_non_negative", sql`${table.usedMicros} >= 0 and ${table.owedMicros} >= 0`),
  ],
);

/** Which grants a job's reservation holds, and how much of each, in the order they were taken. */
export const jobHolds = sqliteTable(
  "job_holds",
  {
    jobId: text("job_id")
      .notNull()
      .references(() => jobs.id),
    grantId: text("grant_id")
      .notNull()
      .references(() => creditGrants.id),
    position: integer("position").notNull(),
    heldMicros: integer("held_micros").notNull(),
  },
  (table) => [primaryKey({ columns: [table.jobId, table.grantId] }), check("job_holds_positive", sql`${table.heldMicros} > 0`)],
);

/** The grants each ledger entry touched, and how many credits of each. Append-only, as the ledger. */
export const entryGrants = sqliteTable(
  "entry_grants",
  {
    entryId: text("entry_id")
      .notNull()
      .references(() => ledgerEntries.id),
    grantId: text("grant_id")
      .notNull()
      .references(() => creditGrants.id),
    micros: integer("micros").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.entryId, table.grantId] }),
    index("entry_grants_grant_idx").on(table.grantId),
    check("entry_grants_positive", sql`${table.micros} > 0`),
  ],
);

/**
 * What one grant (the payer) repaid of another's debt (the debtor's, after a clawback) and has not
 * had back: credits that come back to the debtor later go back to its payers (src/accounts/grant-moves.ts).
 */
export const grantRepayments = sqliteTable(
  "grant_repayments",
  {
    debtorId: text("debtor_id")
      .notNull()
      .references(() => creditGrants.id),
    payerId: text("payer_id")
      .notNull()
      .references(() => creditGrants.id),
    micros: integer("micros").notNull(),
  },
  (table) => [primaryKey({ columns: [table.debtorId, table.payerId] }), check("grant_repayments_non_negative", sql`${table.micros} >= 0`)],
);
