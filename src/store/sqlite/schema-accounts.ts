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

export const accounts = sqliteTable(
  "accounts",
  {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** Credits owned. Kept equal to what the ledger implies, in the same transaction as each entry. */
  balanceMicros: integer("balance_micros").notNull().default(0),
  /** Credits held by open jobs. */
  reservedMicros: integer("reserved_micros").notNull().default(0),
  /** Sequence number of the account's last ledger entry (0: none yet). */
  lastSequence: integer("last_sequence").notNull().default(0),
  createdAt: createdAt(),
  },
  // The database refuses an overdraft even if code ever got it wrong.
  (table) => [
    check("accounts_reserved_non_negative", sql`${table.reservedMicros} >= 0`),
    check("accounts_available_non_negative", sql`${table.balanceMicros} - ${table.reservedMicros} >= 0`),
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
    check("jobs_consumed_within_reserved", sql`${table.consumedMicros} >= 0 and ${table.consumedMicros} <= ${table.reservedMicros}`),
  ],
);

/** The credit ledger. Append-only: triggers (migration 0002) refuse UPDATE and DELETE. */
export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull().unique(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    /** 1, 2, 3 … per account, without gaps. */
    sequence: integer("sequence").notNull(),
    type: text("type", { enum: ["PURCHASE", "RESERVE", "CONSUME", "RELEASE", "REFUND", "BONUS"] }).notNull(),
    /** Signed effect on the account's available credits. */
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
    uniqueIndex("ledger_account_sequence_idx").on(table.accountId, table.sequence),
    index("ledger_account_type_idx").on(table.accountId, table.type, table.sequence),
    index("ledger_job_idx").on(table.jobId),
    index("ledger_refund_of_idx").on(table.refundOfId),
    check("ledger_chain", sql`${table.availableAfterMicros} = ${table.availableBeforeMicros} + ${table.amountMicros}`),
    check("ledger_no_overdraft", sql`${table.availableAfterMicros} >= 0`),
    check("ledger_amount_not_zero", sql`${table.amountMicros} <> 0`),
    check("ledger_sign", sql`(${table.type} in ('RESERVE', 'CONSUME')) = (${table.amountMicros} < 0)`),
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
  (table) => [
    primaryKey({ columns: [table.scope, table.operation, table.key] }),
    index("idempotency_created_idx").on(table.createdAt),
  ],
);

