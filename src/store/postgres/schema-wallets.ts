/** Wallets and credit grants (PostgreSQL), mirroring ../sqlite/schema-wallets.ts column for column. */
import { sql } from "drizzle-orm";
import { bigint, check, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, micros } from "./columns.js";
import { accounts, jobs, ledgerEntries } from "./schema-accounts.js";

export const wallets = pgTable(
  "wallets",
  {
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    providerId: text("provider_id").notNull(),
    balanceMicros: micros("balance_micros").notNull().default(0),
    reservedMicros: micros("reserved_micros").notNull().default(0),
    owedMicros: micros("owed_micros").notNull().default(0),
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

export const creditGrants = pgTable(
  "credit_grants",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    id: text("id").notNull().unique(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    providerId: text("provider_id").notNull(),
    kind: text("kind", { enum: ["PAID", "PROMOTIONAL", "SUBSCRIPTION"] }).notNull(),
    source: text("source", { enum: ["CHECKOUT", "SUBSCRIPTION_PERIOD", "ADMIN", "SIGN_UP", "MIGRATION"] }).notNull(),
    sourceId: text("source_id"),
    amountMicros: micros("amount_micros").notNull(),
    remainingMicros: micros("remaining_micros").notNull(),
    heldMicros: micros("held_micros").notNull().default(0),
    clawedMicros: micros("clawed_micros").notNull().default(0),
    usedMicros: micros("used_micros").notNull().default(0),
    owedMicros: micros("owed_micros").notNull().default(0),
    repaidMicros: micros("repaid_micros").notNull().default(0),
    priority: integer("priority").notNull().default(0),
    effectiveAt: text("effective_at").notNull(),
    expiresAt: text("expires_at"),
    costMicros: micros("cost_micros"),
    costCurrency: text("cost_currency"),
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

export const jobHolds = pgTable(
  "job_holds",
  {
    jobId: text("job_id")
      .notNull()
      .references(() => jobs.id),
    grantId: text("grant_id")
      .notNull()
      .references(() => creditGrants.id),
    position: integer("position").notNull(),
    heldMicros: micros("held_micros").notNull(),
  },
  (table) => [primaryKey({ columns: [table.jobId, table.grantId] }), check("job_holds_positive", sql`${table.heldMicros} > 0`)],
);

export const entryGrants = pgTable(
  "entry_grants",
  {
    entryId: text("entry_id")
      .notNull()
      .references(() => ledgerEntries.id),
    grantId: text("grant_id")
      .notNull()
      .references(() => creditGrants.id),
    micros: micros("micros").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.entryId, table.grantId] }),
    index("entry_grants_grant_idx").on(table.grantId),
    check("entry_grants_positive", sql`${table.micros} > 0`),
  ],
);

export const grantRepayments = pgTable(
  "grant_repayments",
  {
    debtorId: text("debtor_id")
      .notNull()
      .references(() => creditGrants.id),
    payerId: text("payer_id")
      .notNull()
      .references(() => creditGrants.id),
    micros: micros("micros").notNull(),
  },
  (table) => [primaryKey({ columns: [table.debtorId, table.payerId] }), check("grant_repayments_non_negative", sql`${table.micros} >= 0`)],
);
