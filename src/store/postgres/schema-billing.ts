/**
 * The account store's billing tables (PostgreSQL), mirroring ../sqlite/schema-billing.ts column
 * for column; what each column means is said there. Money is int8 micros.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, micros } from "./columns.js";
import { accounts } from "./schema-accounts.js";

export const checkoutSessions = pgTable(
  "checkout_sessions",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    id: text("id").notNull().unique(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    packId: text("pack_id").notNull(),
    priceMicros: micros("price_micros").notNull(),
    currency: text("currency").notNull(),
    creditsMicros: micros("credits_micros").notNull(),
    provider: text("provider", { enum: ["sandbox", "stripe"] }).notNull(),
    paymentType: text("payment_type", { enum: ["CARD", "PAYPAL"] }).notNull(),
    purpose: text("purpose", { enum: ["CHECKOUT", "AUTO_TOP_UP", "SUBSCRIPTION"] }).notNull(),
    status: text("status", { enum: ["OPEN", "COMPLETED", "EXPIRED", "DECLINED", "PAID_NOT_CREDITED"] }).notNull(),
    providerSessionId: text("provider_session_id"),
    url: text("url"),
    /** The sandbox's page capability: a random secret its URL carries, without which a POST changes nothing. */
    pageSecret: text("page_secret"),
    transactionId: text("transaction_id"),
    failureReason: text("failure_reason"),
    closedBy: text("closed_by", { enum: ["PROVIDER", "SERVER"] }),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
    resolvedAt: text("resolved_at"),
    subscriptionId: text("subscription_id"),
    periodStart: text("period_start"),
    successUrl: text("success_url"),
    cancelUrl: text("cancel_url"),
    paymentReference: text("payment_reference"),
    refundedMicros: micros("refunded_micros").notNull().default(0),
    disputedAt: text("disputed_at"),
  },
  (table) => [
    index("checkout_sessions_account_idx").on(table.accountId, table.seq),
    index("checkout_sessions_open_idx").on(table.status, table.expiresAt),
    uniqueIndex("checkout_sessions_provider_idx").on(table.provider, table.providerSessionId),
    uniqueIndex("checkout_sessions_payment_idx").on(table.provider, table.paymentReference),
    uniqueIndex("checkout_sessions_open_period_idx")
      .on(table.subscriptionId, table.periodStart)
      .where(sql`${table.status} = 'OPEN' and ${table.subscriptionId} is not null`),
  ],
);

export const webhookEvents = pgTable(
  "webhook_events",
  {
    provider: text("provider").notNull(),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    outcome: text("outcome").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.provider, table.eventId] })],
);

export const paymentMethods = pgTable(
  "payment_methods",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    provider: text("provider", { enum: ["sandbox", "stripe"] }).notNull(),
    providerToken: text("provider_token").notNull(),
    label: text("label").notNull(),
    isDefault: boolean("is_default").notNull(),
    createdAt: createdAt(),
    detachedAt: text("detached_at"),
  },
  (table) => [index("payment_methods_account_idx").on(table.accountId)],
);

export const subscriptions = pgTable(
  "subscriptions",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    planId: text("plan_id").notNull(),
    monthlyCreditsMicros: micros("monthly_credits_micros").notNull(),
    status: text("status", { enum: ["PENDING", "ACTIVE", "PAST_DUE", "UNPAID", "ENDED"] }).notNull(),
    anchorDay: integer("anchor_day").notNull(),
    currentPeriodStart: text("current_period_start").notNull(),
    currentPeriodEnd: text("current_period_end").notNull(),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull(),
    createdAt: createdAt(),
    endedAt: text("ended_at"),
    lastPaymentError: text("last_payment_error"),
    failedPaymentAttempts: integer("failed_payment_attempts").notNull().default(0),
    nextPaymentAttemptAt: text("next_payment_attempt_at"),
  },
  (table) => [
    index("subscriptions_account_idx").on(table.accountId),
    index("subscriptions_due_idx").on(table.status, table.currentPeriodEnd),
    index("subscriptions_retry_idx").on(table.status, table.nextPaymentAttemptAt),
    uniqueIndex("subscriptions_live_plan_idx")
      .on(table.accountId, table.planId)
      .where(sql`${table.status} in ('PENDING', 'ACTIVE', 'PAST_DUE')`),
  ],
);

export const subscriptionGrants = pgTable(
  "subscription_grants",
  {
    subscriptionId: text("subscription_id")
      .notNull()
      .references(() => subscriptions.id),
    periodStart: text("period_start").notNull(),
    transactionId: text("transaction_id").notNull(),
  },
  (table) => [primaryKey({ columns: [table.subscriptionId, table.periodStart] })],
);

export const autoTopUps = pgTable("auto_top_ups", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id),
  enabled: boolean("enabled").notNull(),
  thresholdMicros: micros("threshold_micros").notNull(),
  packId: text("pack_id").notNull(),
  inFlightSessionId: text("in_flight_session_id"),
  consecutiveFailures: integer("consecutive_failures").notNull().default(0),
  nextAttemptAt: text("next_attempt_at"),
  lastError: text("last_error"),
  updatedAt: text("updated_at").notNull(),
});

export const creditAlerts = pgTable(
  "credit_alerts",
  {
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    providerId: text("provider_id").notNull(),
    enabled: boolean("enabled").notNull(),
    thresholdMicros: micros("threshold_micros").notNull(),
    email: text("email").notNull(),
    armed: boolean("armed").notNull(),
    lastAlertAt: text("last_alert_at"),
    updatedAt: text("updated_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.accountId, table.providerId] })],
);

export const emailOutbox = pgTable(
  "email_outbox",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    accountId: text("account_id").notNull(),
    kind: text("kind").notNull(),
    recipient: text("recipient").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    createdAt: createdAt(),
    sentAt: text("sent_at"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at"),
    lastError: text("last_error"),
  },
  (table) => [index("email_outbox_pending_idx").on(table.sentAt, table.seq)],
);

export const unappliedPayments = pgTable(
  "unapplied_payments",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    id: text("id").notNull().unique(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    checkoutSessionId: text("checkout_session_id").notNull().unique(),
    provider: text("provider").notNull(),
    eventId: text("event_id").notNull(),
    amountMicros: micros("amount_micros").notNull(),
    currency: text("currency").notNull(),
    creditsMicros: micros("credits_micros").notNull(),
    reason: text("reason").notNull(),
    createdAt: createdAt(),
    resolution: text("resolution", { enum: ["APPLIED", "DISMISSED"] }),
    resolvedAt: text("resolved_at"),
    note: text("note"),
  },
  (table) => [index("unapplied_payments_open_idx").on(table.resolvedAt, table.seq)],
);

export const paymentCustomers = pgTable(
  "payment_customers",
  {
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    provider: text("provider", { enum: ["sandbox", "stripe"] }).notNull(),
    customerId: text("customer_id").notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.accountId, table.provider] }), uniqueIndex("payment_customers_id_idx").on(table.provider, table.customerId)],
);

export const paymentMethodSetups = pgTable(
  "payment_method_setups",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    provider: text("provider", { enum: ["sandbox", "stripe"] }).notNull(),
    providerSessionId: text("provider_session_id"),
    url: text("url"),
    /** The sandbox's page capability: a random secret its URL carries, without which a POST changes nothing. */
    pageSecret: text("page_secret"),
    status: text("status", { enum: ["OPEN", "COMPLETED", "EXPIRED"] }).notNull(),
    paymentMethodId: text("payment_method_id"),
    successUrl: text("success_url"),
    cancelUrl: text("cancel_url"),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
    completedAt: text("completed_at"),
  },
  (table) => [
    index("payment_method_setups_account_idx").on(table.accountId),
    uniqueIndex("payment_method_setups_provider_idx").on(table.provider, table.providerSessionId),
  ],
);
