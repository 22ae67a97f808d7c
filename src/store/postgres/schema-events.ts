/**
 * The event log and outgoing webhooks (PostgreSQL), mirroring ../sqlite/schema-events.ts column for
 * column. Self-contained (drizzle-kit loads it on its own).
 */
import { bigint, boolean, index, integer, json, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.js";

export const eventCounters = pgTable("event_counters", {
  accountId: text("account_id").primaryKey(),
  lastSeq: integer("last_seq").notNull(),
});

export const events = pgTable(
  "events",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    seq: integer("seq").notNull(),
    type: text("type").notNull(),
    data: json("data").notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("events_account_seq_idx").on(table.accountId, table.seq),
    index("events_account_type_idx").on(table.accountId, table.type, table.seq),
    // Retention: the oldest are deleted first.
    index("events_created_idx").on(table.createdAt),
  ],
);

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    url: text("url").notNull(),
    eventTypes: json("event_types"),
    enabled: boolean("enabled").notNull(),
    description: text("description"),
    secret: text("secret").notNull(),
    /** After a rotation, the secret before it: deliveries are signed with both until it expires. */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: text("previous_secret_expires_at"),
    failingSince: text("failing_since"),
    disabledReason: text("disabled_reason"),
    seq: integer("seq").notNull(),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (table) => [index("webhook_endpoints_account_idx").on(table.accountId, table.seq)],
);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    accountId: text("account_id").notNull(),
    eventSeq: integer("event_seq").notNull(),
    status: text("status", { enum: ["PENDING", "DELIVERED", "FAILED"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at").notNull(),
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

export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    deliveryId: text("delivery_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    attemptedAt: text("attempted_at").notNull(),
    succeeded: boolean("succeeded").notNull(),
    responseStatus: integer("response_status"),
    latencyMs: integer("latency_ms").notNull(),
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
  },
  (table) => [index("webhook_attempts_delivery_idx").on(table.deliveryId, table.seq), index("webhook_attempts_endpoint_idx").on(table.endpointId, table.seq)],
);
