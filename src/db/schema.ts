/**
 * Database schema. Every credit or money amount is an INTEGER of micros (value x 10^6) so SQLite
 * never stores a binary float; ../pricing/decimal.ts converts. Self-contained (no local imports)
 * because drizzle-kit loads this file on its own.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const priceSource = () => text("source", { enum: ["DOCUMENTED", "ASSUMED"] }).notNull();
/** File name in shared/docs the value comes from. */
const sourceDocument = () => text("source_document").notNull();

export const providers = sqliteTable("providers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull(),
  position: integer("position").notNull(),
  /** What one credit costs, when the provider states it (ugen: 1 credit = $0.01). */
  creditValueMicros: integer("credit_value_micros"),
  creditValueCurrency: text("credit_value_currency"),
  creditValueSource: text("credit_value_source", { enum: ["DOCUMENTED", "ASSUMED"] }),
  sourceDocument: sourceDocument(),
});

export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    providerId: text("provider_id")
      .notNull()
      .references(() => providers.id),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    /** The vendor's API operation, e.g. "POST /video/translate_video". */
    operation: text("operation").notNull(),
    category: text("category").notNull(),
    /** ASSUMED when any of its rates or the variants it prices with are assumed. */
    source: priceSource(),
    minimumCreditsMicros: integer("minimum_credits_micros"),
    minimumCreditsSource: text("minimum_credits_source", { enum: ["DOCUMENTED", "ASSUMED"] }),
    rounding: text("rounding", { enum: ["NONE", "UP"] }).notNull(),
    roundingSource: text("rounding_source", { enum: ["DOCUMENTED", "ASSUMED"] }),
    sourceDocument: sourceDocument(),
  },
  (table) => [index("products_provider_idx").on(table.providerId, table.position)],
);

export const productParameters = sqliteTable(
  "product_parameters",
  {
    productId: text("product_id")
      .notNull()
      .references(() => products.id),
    name: text("name").notNull(),
    position: integer("position").notNull(),
    type: text("type", {
      enum: ["INTEGER", "DECIMAL", "BOOLEAN", "STRING", "DECIMAL_LIST", "STRING_LIST"],
    }).notNull(),
    unit: text("unit"),
    description: text("description").notNull(),
    required: integer("required", { mode: "boolean" }).notNull(),
    /** JSON-encoded so that 8 and "8" stay distinct. */
    defaultValue: text("default_value", { mode: "json" }),
    allowedValues: text("allowed_values", { mode: "json" }),
    minimum: text("minimum"),
    maximum: text("maximum"),
    maxItems: integer("max_items"),
    normalize: text("normalize", { enum: ["NEAREST"] }),
  },
  (table) => [primaryKey({ columns: [table.productId, table.name] })],
);

/** One row per component of a product's price; see src/pricing/rules.ts for the language. */
export const priceRules = sqliteTable(
  "price_rules",
  {
    productId: text("product_id")
      .notNull()
      .references(() => products.id),
    code: text("code").notNull(),
    position: integer("position").notNull(),
    description: text("description").notNull(),
    unit: text("unit").notNull(),
    condition: text("condition", { mode: "json" }),
    quantity: text("quantity", { mode: "json" }).notNull(),
    perSecondQuantity: text("per_second_quantity", { mode: "json" }),
    blockSizeMicros: integer("block_size_micros"),
    blockRounding: text("block_rounding", { enum: ["UP", "DOWN"] }),
    rateKind: text("rate_kind", { enum: ["FLAT", "BY_PARAMETER", "VARIANT", "PERCENT_OF"] }).notNull(),
    /** FLAT: credits per unit. PERCENT_OF: the percentage. */
    rateMicros: integer("rate_micros"),
    /** BY_PARAMETER: the parameter whose value picks the rate, and value -> credits (micros). */
    rateParameter: text("rate_parameter"),
    rateTableMicros: text("rate_table_micros", { mode: "json" }),
    /** VARIANT: a fixed model (null: the request's model) and variant attribute -> parameter. */
    variantModelId: text("variant_model_id"),
    variantMatch: text("variant_match", { mode: "json" }),
    /** PERCENT_OF: codes of the components the percentage applies to. */
    percentOf: text("percent_of", { mode: "json" }),
    minimumCreditsMicros: integer("minimum_credits_micros"),
    source: priceSource(),
    sourceDocument: sourceDocument(),
    note: text("note"),
  },
  (table) => [primaryKey({ columns: [table.productId, table.code] })],
);

export const models = sqliteTable(
  "models",
  {
    id: text("id").primaryKey(),
    providerId: text("provider_id")
      .notNull()
      .references(() => providers.id),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    /** Applied to every variant's credits (Hunyuan: 1.5x). */
    multiplierMicros: integer("multiplier_micros").notNull(),
    multiplierSource: text("multiplier_source", { enum: ["DOCUMENTED", "ASSUMED"] }),
    sourceDocument: sourceDocument(),
  },
  (table) => [index("models_provider_idx").on(table.providerId, table.position)],
);

export const modelVariants = sqliteTable(
  "model_variants",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    resolution: text("resolution"),
    durationSeconds: integer("duration_seconds"),
    billingUnit: text("billing_unit", { enum: ["PER_GENERATION", "PER_SECOND"] }).notNull(),
    creditsMicros: integer("credits_micros").notNull(),
    /** What the provider pays upstream per billing unit, in USD micros (ugen's kie_cost_usd). */
    upstreamCostMicros: integer("upstream_cost_micros"),
    source: priceSource(),
    sourceDocument: sourceDocument(),
    note: text("note"),
  },
  (table) => [index("model_variants_model_idx").on(table.modelId, table.position)],
);

/** Which models a product can be priced with; the default one is used when a request names none. */
export const productModels = sqliteTable(
  "product_models",
  {
    productId: text("product_id")
      .notNull()
      .references(() => products.id),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id),
    position: integer("position").notNull(),
    isDefault: integer("is_default", { mode: "boolean" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.productId, table.modelId] })],
);

export const creditPacks = sqliteTable(
  "credit_packs",
  {
    id: text("id").primaryKey(),
    providerId: text("provider_id")
      .notNull()
      .references(() => providers.id),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    priceMicros: integer("price_micros").notNull(),
    currency: text("currency").notNull(),
    creditsMicros: integer("credits_micros").notNull(),
    source: priceSource(),
    sourceDocument: sourceDocument(),
  },
  (table) => [index("credit_packs_provider_idx").on(table.providerId, table.position)],
);

export const subscriptionPlans = sqliteTable(
  "subscription_plans",
  {
    id: text("id").primaryKey(),
    providerId: text("provider_id")
      .notNull()
      .references(() => providers.id),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    monthlyCreditsMicros: integer("monthly_credits_micros"),
    priceMicros: integer("price_micros"),
    currency: text("currency"),
    interval: text("interval", { enum: ["MONTH", "YEAR"] }),
    contactSales: integer("contact_sales", { mode: "boolean" }).notNull(),
    source: priceSource(),
    sourceDocument: sourceDocument(),
  },
  (table) => [index("subscription_plans_provider_idx").on(table.providerId, table.position)],
);

/** Key/value facts about the database itself, e.g. the fingerprint of the seed last applied. */
export const metadata = sqliteTable("metadata", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: text("updated_at")
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
});

// ---------------------------------------------------------------------------------------------
// Accounts and the credit ledger

const createdAt = () =>
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

// ---------------------------------------------------------------------------------------------
// Billing: checkout, payment methods, webhooks, subscriptions, auto top-up, alerts

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
  },
  (table) => [
    index("checkout_sessions_account_idx").on(table.accountId, table.seq),
    index("checkout_sessions_open_idx").on(table.status, table.expiresAt),
    uniqueIndex("checkout_sessions_provider_idx").on(table.provider, table.providerSessionId),
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

export const creditAlerts = sqliteTable("credit_alerts", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  thresholdMicros: integer("threshold_micros").notNull(),
  email: text("email").notNull(),
  /** True while available credits are at or above the threshold: the next crossing below alerts. */
  armed: integer("armed", { mode: "boolean" }).notNull(),
  lastAlertAt: text("last_alert_at"),
  updatedAt: text("updated_at").notNull(),
});

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
