/**
 * The account store's tables for accounts, keys, jobs and the ledger (SQLite). Every credit amount
 * is an INTEGER of micros (value x 10^6) so SQLite never stores a binary float. Self-contained (no
 * local imports) because drizzle-kit loads it on its own.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Key/value facts about the database itself, e.g. the fingerprint of the seed last applied. */
export const metadata = sqliteTable("metadata", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: text("updated_at")
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
});

export const createdAt = () =>
  text("created_at")
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`);

/**
 * Test clocks (Stripe's): a time of their own for the TEST accounts made on them, moved forward only
 * by testClockAdvance. Everything time-driven for those accounts follows `frozen_time`.
 */
export const testClocks = sqliteTable("test_clocks", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** The clock's time (ISO 8601, UTC). Only moves forward. */
  frozenTime: text("frozen_time").notNull(),
  /** While an advance runs, until when it holds the clock (a lease: a node that died mid-advance lets go). */
  advancingUntil: text("advancing_until"),
  /** A deleted clock keeps its time for its accounts (whose keys are revoked); it never moves again. */
  deletedAt: text("deleted_at"),
  createdAt: createdAt(),
});

export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** LIVE pays through a real payment provider only, TEST through the sandbox only. Never changes (trigger). */
    mode: text("mode", { enum: ["LIVE", "TEST"] })
      .notNull()
      .default("LIVE"),
    /** A TEST account's clock, when it was made on one; never changes (trigger). */
    testClockId: text("test_clock_id").references(() => testClocks.id),
    /** Credits owned. Kept equal to what the ledger implies, in the same transaction as each entry. */
    /** Unused since wallets (migration 0008) hold credits per provider; kept so older rows stay as they were. */
    balanceMicros: integer("balance_micros").notNull().default(0),
    reservedMicros: integer("reserved_micros").notNull().default(0),
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

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    /** SHA-256 of the whole key, hex; the key itself is never stored. */
    keyHash: text("key_hash").notNull(),
    /** The key's first characters, to tell keys apart in a list. */
    displayPrefix: text("display_prefix").notNull(),
    createdAt: createdAt(),
    revokedAt: text("revoked_at"),
  },
  (table) => [index("api_keys_account_idx").on(table.accountId)],
);

export const jobs = sqliteTable(
  "jobs",
  {
    /** Insertion order, for stable newest-first pages. */
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull().unique(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    /** The wallet the job reserves from: its product's provider, or the one named with bare credits. */
    providerId: text("provider_id").notNull(),
    status: text("status", { enum: ["RESERVED", "COMPLETED", "FAILED", "CANCELLED", "EXPIRED"] }).notNull(),
    reservedMicros: integer("reserved_micros").notNull(),
    consumedMicros: integer("consumed_micros").notNull().default(0),
    productId: text("product_id"),
    /** The estimate the reservation was priced from (line items), JSON; null for explicit credits. */
    estimate: text("estimate", { mode: "json" }),
    failureReason: text("failure_reason"),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
    resolvedAt: text("resolved_at"),
  },
  (table) => [
    index("jobs_account_idx").on(table.accountId, table.seq),
    index("jobs_open_expiry_idx").on(table.status, table.expiresAt),
    // Consumption may pass the reservation: the difference is taken from the wallet's available credits.
    check("jobs_consumed_non_negative", sql`${table.consumedMicros} >= 0`),
  ],
);

/** The credit ledger. Append-only: triggers (migrations 0002, rebuilt in 0008) refuse UPDATE and DELETE. */
export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull().unique(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    /** The wallet: each provider's credits are a ledger of their own. */
    providerId: text("provider_id").notNull(),
    /** 1, 2, 3 … per wallet, without gaps. */
    sequence: integer("sequence").notNull(),
    type: text("type", {
      enum: ["PURCHASE", "RESERVE", "CONSUME", "RELEASE", "REFUND", "BONUS", "EXPIRE", "CLAWBACK", "REPAY", "REIMBURSE", "MIGRATION"],
    }).notNull(),
    /** Signed effect on the wallet's available credits. */
    amountMicros: integer("amount_micros").notNull(),
    availableBeforeMicros: integer("available_before_micros").notNull(),
    availableAfterMicros: integer("available_after_micros").notNull(),
    jobId: text("job_id").references(() => jobs.id),
    /** For a REFUND: the CONSUME entry it gives credits back for. */
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
    // MIGRATION moves credits between wallets (negative out of one, positive into the other).
    check(
      "ledger_sign",
      sql`${table.type} = 'MIGRATION' or (${table.type} in ('RESERVE', 'CONSUME', 'EXPIRE', 'CLAWBACK', 'REPAY')) = (${table.amountMicros} < 0)`,
    ),
  ],
);

/**
 * First results of mutations sent with an idempotency key. Keys are scoped per caller ("account:<id>"
 * for an account's key, "admin" for the admin key) and operation, as Stripe scopes them per API key:
 * no caller can collide with, or block, another's keys.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    scope: text("scope").notNull(),
    operation: text("operation").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of the operation's input, to tell a retry from a reuse of the key. */
    requestHash: text("request_hash").notNull(),
    /** Ids of what the first call produced, JSON; a retry returns those objects again. */
    result: text("result", { mode: "json" }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.scope, table.operation, table.key] }), index("idempotency_created_idx").on(table.createdAt)],
);
