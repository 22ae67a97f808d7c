/**
 * The account store's tables for accounts, keys, jobs and the ledger (PostgreSQL), mirroring the
 * SQLite schema column for column (../sqlite/schema-accounts.ts), so that the same repositories
 * run on both: the same names, the same CHECK constraints, amounts as int8 micros, instants as ISO
 * text. The ledger's append-only triggers are in the migrations (drizzle/pg).
 */
import { sql } from "drizzle-orm";
import { bigint, check, index, integer, json, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, micros, nowText } from "./columns.js";

export const metadata = pgTable("metadata", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: text("updated_at").notNull().default(nowText),
});

export const testClocks = pgTable("test_clocks", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  frozenTime: text("frozen_time").notNull(),
  advancingUntil: text("advancing_until"),
  deletedAt: text("deleted_at"),
  createdAt: createdAt(),
});

export const accounts = pgTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    mode: text("mode", { enum: ["LIVE", "TEST"] })
      .notNull()
      .default("LIVE"),
    testClockId: text("test_clock_id").references(() => testClocks.id),
    /** Unused since wallets hold credits per provider; kept to mirror the SQLite schema. */
    balanceMicros: micros("balance_micros").notNull().default(0),
    reservedMicros: micros("reserved_micros").notNull().default(0),
    lastSequence: integer("last_sequence").notNull().default(0),
    createdAt: createdAt(),
  },
  (table) => [
    check("accounts_reserved_non_negative", sql`${table.reservedMicros} >= 0`),
    check("accounts_available_non_negative", sql`${table.balanceMicros} - ${table.reservedMicros} >= 0`),
    check("accounts_mode", sql`${table.mode} in ('LIVE', 'TEST')`),
    check("accounts_clock_is_test", sql`${table.testClockId} is null or ${table.mode} = 'TEST'`),
    index("accounts_test_clock_idx").on(table.testClockId),
  ],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    keyHash: text("key_hash").notNull(),
    displayPrefix: text("display_prefix").notNull(),
    createdAt: createdAt(),
    revokedAt: text("revoked_at"),
  },
  (table) => [index("api_keys_account_idx").on(table.accountId)],
);

export const jobs = pgTable(
  "jobs",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    id: text("id").notNull().unique(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    providerId: text("provider_id").notNull(),
    status: text("status", { enum: ["RESERVED", "COMPLETED", "FAILED", "CANCELLED", "EXPIRED"] }).notNull(),
    reservedMicros: micros("reserved_micros").notNull(),
    consumedMicros: micros("consumed_micros").notNull().default(0),
    productId: text("product_id"),
    /** json, not jsonb: the estimate comes back exactly as written (key order, decimal text). */
    estimate: json("estimate"),
    failureReason: text("failure_reason"),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
    resolvedAt: text("resolved_at"),
  },
  (table) => [
    index("jobs_account_idx").on(table.accountId, table.seq),
    index("jobs_open_expiry_idx").on(table.status, table.expiresAt),
    check("jobs_consumed_non_negative", sql`${table.consumedMicros} >= 0`),
  ],
);

export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    id: text("id").notNull().unique(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    providerId: text("provider_id").notNull(),
    sequence: integer("sequence").notNull(),
    type: text("type", {
      enum: ["PURCHASE", "RESERVE", "CONSUME", "RELEASE", "REFUND", "BONUS", "EXPIRE", "CLAWBACK", "REPAY", "REIMBURSE", "MIGRATION"],
    }).notNull(),
    amountMicros: micros("amount_micros").notNull(),
    availableBeforeMicros: micros("available_before_micros").notNull(),
    availableAfterMicros: micros("available_after_micros").notNull(),
    jobId: text("job_id").references(() => jobs.id),
    refundOfId: text("refund_of_id"),
    idempotencyKey: text("idempotency_key"),
    description: text("description").notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("ledger_wallet_sequence_idx").on(table.accountId, table.providerId, table.sequence),
    index("ledger_account_seq_idx").on(table.accountId, table.seq),
    index("ledger_job_idx").on(table.jobId),
    index("ledger_refund_of_idx").on(table.refundOfId),
    check("ledger_chain", sql`${table.availableAfterMicros} = ${table.availableBeforeMicros} + ${table.amountMicros}`),
    check("ledger_no_overdraft", sql`${table.availableAfterMicros} >= 0`),
    check("ledger_amount_not_zero", sql`${table.amountMicros} <> 0`),
    check(
      "ledger_sign",
      sql`${table.type} = 'MIGRATION' or (${table.type} in ('RESERVE', 'CONSUME', 'EXPIRE', 'CLAWBACK', 'REPAY')) = (${table.amountMicros} < 0)`,
    ),
  ],
);

export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    scope: text("scope").notNull(),
    operation: text("operation").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    result: json("result").notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.scope, table.operation, table.key] }), index("idempotency_created_idx").on(table.createdAt)],
);
