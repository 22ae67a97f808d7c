/**
 * The account store's billing tables (SQLite): checkout, webhooks, payment methods and customers,
 * subscriptions, auto top-up, alerts and the email outbox, unapplied payments. Money is INTEGER
 * micros. Self-contained apart from the accounts schema, as drizzle-kit loads it on its own.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts, createdAt } from "./schema-accounts.js";

export const checkoutSessions = sqliteTable(
  "checkout_sessions",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull().unique(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    /** The pack as sold: price and credits are copied so a later catalog change cannot alter a sale. */
    packId: text("pack_id").notNull(),
    priceMicros: integer("price_micros").notNull(),
    currency: text("currency").notNull(),
    creditsMicros: integer("credits_micros").notNull(),
    provider: text("provider", { enum: ["sandbox", "stripe"] }).notNull(),
    paymentType: text("payment_type", { enum: ["CARD", "PAYPAL"] }).notNull(),
    /**
     * CHECKOUT: a person pays on the provider's page. AUTO_TOP_UP and SUBSCRIPTION: the default
     * payment method is charged (a pack; a plan's period, with `packId` holding the plan's id).
     */
    purpose: text("purpose", { enum: ["CHECKOUT", "AUTO_TOP_UP", "SUBSCRIPTION"] }).notNull(),
    status: text("status", { enum: ["OPEN", "COMPLETED", "EXPIRED", "DECLINED", "PAID_NOT_CREDITED"] }).notNull(),
    providerSessionId: text("provider_session_id"),
    url: text("url"),
    /** The sandbox's page capability: a random secret its URL carries, without which a POST changes nothing. */
    pageSecret: text("page_secret"),
    transactionId: text("transaction_id"),
    failureReason: text("failure_reason"),
    /**
     * Who closed an EXPIRED or DECLINED session: the provider (its event said so) or this server
     * (our own expiry timer, or a provider call that failed). Only the provider's word is final: a
     * payment it confirms later on a session this server closed still becomes credits.
     */
    closedBy: text("closed_by", { enum: ["PROVIDER", "SERVER"] }),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
    resolvedAt: text("resolved_at"),
    /** For SUBSCRIPTION: the subscription and the period this payment is for. */
    subscriptionId: text("subscription_id"),
    periodStart: text("period_start"),
    /** Where the buyer returns after paying or giving up (null: this server's own outcome pages). */
    successUrl: text("success_url"),
    cancelUrl: text("cancel_url"),
    /** The provider's id of the payment itself (a Stripe PaymentIntent), which its refund and dispute events name. */
    paymentReference: text("payment_reference"),
    /** Money the provider refunded of this payment so far (its credits are clawed back in proportion). */
    refundedMicros: integer("refunded_micros").notNull().default(0),
    /** When the buyer disputed the payment (all its credits are clawed back). */
    disputedAt: text("disputed_at"),
  },
  (table) => [
    index("checkout_sessions_account_idx").on(table.accountId, table.seq),
    index("checkout_sessions_open_idx").on(table.status, table.expiresAt),
    uniqueIndex("checkout_sessions_provider_idx").on(table.provider, table.providerSessionId),
    uniqueIndex("checkout_sessions_payment_idx").on(table.provider, table.paymentReference),
    // One charge at a time per subscription period: whoever opens it first charges, the rest see it.
    uniqueIndex("checkout_sessions_open_period_idx")
      .on(table.subscriptionId, table.periodStart)
      .where(sql`${table.status} = 'OPEN' and ${table.subscriptionId} is not null`),
  ],
);

/** Every webhook event accepted, so that a redelivery or replay is recognised and changes nothing. */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    provider: text("provider").notNull(),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    /** What it did: applied, or why it was ignored. */
    outcome: text("outcome").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.provider, table.eventId] })],
);

export const paymentMethods = sqliteTable(
  "payment_methods",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    provider: text("provider", { enum: ["sandbox", "stripe"] }).notNull(),
    /** The provider's token or payment-method id; never a card number. */
    providerToken: text("provider_token").notNull(),
    label: text("label").notNull(),
    isDefault: integer("is_default", { mode: "boolean" }).notNull(),
    createdAt: createdAt(),
    detachedAt: text("detached_at"),
  },
  (table) => [index("payment_methods_account_idx").on(table.accountId)],
);

export const subscriptions = sqliteTable(
  "subscriptions",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    planId: text("plan_id").notNull(),
    monthlyCreditsMicros: integer("monthly_credits_micros").notNull(),
    status: text("status", { enum: ["PENDING", "ACTIVE", "PAST_DUE", "UNPAID", "ENDED"] }).notNull(),
    /** The day of month periods start on, from the first period (31 falls back to a month's last day). */
    anchorDay: integer("anchor_day").notNull(),
    currentPeriodStart: text("current_period_start").notNull(),
    currentPeriodEnd: text("current_period_end").notNull(),
    cancelAtPeriodEnd: integer("cancel_at_period_end", { mode: "boolean" }).notNull(),
    createdAt: createdAt(),
    endedAt: text("ended_at"),
    /** Why the last period's payment failed; null once a payment succeeds. */
    lastPaymentError: text("last_payment_error"),
    /** Failed payment attempts for the current period (dunning); 0 once it is paid. */
    failedPaymentAttempts: integer("failed_payment_attempts").notNull().default(0),
    /** When the current period's payment is retried next; null when no retry is scheduled. */
    nextPaymentAttemptAt: text("next_payment_attempt_at"),
  },
  (table) => [
    index("subscriptions_account_idx").on(table.accountId),
    index("subscriptions_due_idx").on(table.status, table.currentPeriodEnd),
    index("subscriptions_retry_idx").on(table.status, table.nextPaymentAttemptAt),
    // Never two live subscriptions to one plan for one account, whatever runs concurrently.
    uniqueIndex("subscriptions_live_plan_idx")
      .on(table.accountId, table.planId)
      .where(sql`${table.status} in ('PENDING', 'ACTIVE', 'PAST_DUE')`),
  ],
);

/** One row per subscription period whose credits were granted: the unique key makes it once per period. */
export const subscriptionGrants = sqliteTable(
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

export const autoTopUps = sqliteTable("auto_top_ups", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  thresholdMicros: integer("threshold_micros").notNull(),
  packId: text("pack_id").notNull(),
  /** The top-up checkout session being paid; at most one at a time. */
  inFlightSessionId: text("in_flight_session_id"),
  consecutiveFailures: integer("consecutive_failures").notNull().default(0),
  nextAttemptAt: text("next_attempt_at"),
  lastError: text("last_error"),
  updatedAt: text("updated_at").notNull(),
});

export const creditAlerts = sqliteTable(
  "credit_alerts",
  {
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    /** The wallet it watches. */
    providerId: text("provider_id").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    thresholdMicros: integer("threshold_micros").notNull(),
    email: text("email").notNull(),
    /** True while available credits are at or above the threshold: the next crossing below alerts. */
    armed: integer("armed", { mode: "boolean" }).notNull(),
    lastAlertAt: text("last_alert_at"),
    updatedAt: text("updated_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.accountId, table.providerId] })],
);

/** Emails to send, written in the same transaction as what caused them; a worker delivers them. */
export const emailOutbox = sqliteTable(
  "email_outbox",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
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

/**
 * Payments a provider confirmed (verified, amount checked) whose credits could not be added, e.g.
 * because the balance would pass its limit. Money was taken: it is kept here for an operator to
 * apply or refund, never dropped, and the webhook is acknowledged.
 */
export const unappliedPayments = sqliteTable(
  "unapplied_payments",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull().unique(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    checkoutSessionId: text("checkout_session_id").notNull().unique(),
    provider: text("provider").notNull(),
    eventId: text("event_id").notNull(),
    amountMicros: integer("amount_micros").notNull(),
    currency: text("currency").notNull(),
    creditsMicros: integer("credits_micros").notNull(),
    reason: text("reason").notNull(),
    createdAt: createdAt(),
    /** APPLIED (credits added later) or DISMISSED (e.g. refunded at the provider); null while open. */
    resolution: text("resolution", { enum: ["APPLIED", "DISMISSED"] }),
    resolvedAt: text("resolved_at"),
    note: text("note"),
  },
  (table) => [index("unapplied_payments_open_idx").on(table.resolvedAt, table.seq)],
);

/** The account's customer object at a payment provider (a Stripe Customer), made on first need. */
export const paymentCustomers = sqliteTable(
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

/** A buyer saving a payment method on the provider's page (Stripe Checkout in setup mode). */
export const paymentMethodSetups = sqliteTable(
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
