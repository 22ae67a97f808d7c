/**
 * The event log and outgoing webhooks (SQLite). An event is written in the same transaction as the
 * change it tells of (a transactional outbox), numbered per account; each endpoint that wants it
 * gets a delivery row in that transaction too, which a worker claims, sends and records.
 * Self-contained (drizzle-kit loads it on its own).
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () =>
  text("created_at")
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`);

/** Per account, the last event number given (guard: the row's update, in the event's transaction). */
export const eventCounters = sqliteTable("event_counters", {
  accountId: text("account_id").primaryKey(),
  lastSeq: integer("last_seq").notNull(),
});

export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    /** 1, 2, 3 … per account, in commit order (the counter's row is locked until commit). */
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    /** The objects' ids and their state after the change. */
    data: text("data", { mode: "json" }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("events_account_seq_idx").on(table.accountId, table.seq),
    index("events_account_type_idx").on(table.accountId, table.type, table.seq),
    // Retention: the oldest are deleted first.
    index("events_created_idx").on(table.createdAt),
  ],
);

export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    url: text("url").notNull(),
    /** Event types delivered; null: every type. */
    eventTypes: text("event_types", { mode: "json" }),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    description: text("description"),
    /** The Standard Webhooks signing secret ("whsec_…"), shown to the account once. */
    secret: text("secret").notNull(),
    /** After a rotation, the secret before it: deliveries are signed with both until it expires. */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: text("previous_secret_expires_at"),
    /** When the current run of failures began; null while deliveries succeed. */
    failingSince: text("failing_since"),
    disabledReason: text("disabled_reason"),
    seq: integer("seq").notNull(),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (table) => [index("webhook_endpoints_account_idx").on(table.accountId, table.seq)],
);

export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    accountId: text("account_id").notNull(),
    /** The event's per-account number: an endpoint receives its events in this order. */
    eventSeq: integer("event_seq").notNull(),
    status: text("status", { enum: ["PENDING", "DELIVERED", "FAILED"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at").notNull(),
    /** A worker's claim: until then no other worker sends it. */
    claimedUntil: text("claimed_until"),
    deliveredAt: text("delivered_at"),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("webhook_deliveries_endpoint_event_idx").on(table.endpointId, table.eventId),
    index("webhook_deliveries_due_idx").on(table.status, table.nextAttemptAt),
    index("webhook_deliveries_endpoint_order_idx").on(table.endpointId, table.status, table.eventSeq),
    index("webhook_deliveries_event_idx").on(table.eventId),
  ],
);

export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    deliveryId: text("delivery_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    attemptedAt: text("attempted_at").notNull(),
    succeeded: integer("succeeded", { mode: "boolean" }).notNull(),
    responseStatus: integer("response_status"),
    latencyMs: integer("latency_ms").notNull(),
    /** The first few hundred characters of the response body, or why there was none. */
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
  },
  (table) => [index("webhook_attempts_delivery_idx").on(table.deliveryId, table.seq), index("webhook_attempts_endpoint_idx").on(table.endpointId, table.seq)],
);
