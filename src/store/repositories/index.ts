/** Every repository of the account store, built on one connection (or one transaction's). */
import { AccountRepository, ApiKeyRepository, MetadataRepository } from "./accounts.js";
import { AutoTopUpRepository, CreditAlertRepository, EmailOutboxRepository } from "./alerts.js";
import { CheckoutSessionRepository, UnappliedPaymentRepository, WebhookEventRepository } from "./checkout.js";
import type { RepositoryContext } from "./context.js";
import { EventRepository } from "./events.js";
import { JobRepository } from "./jobs.js";
import { IdempotencyRepository, LedgerRepository } from "./ledger.js";
import { PaymentMethodRepository, PaymentMethodSetupRepository } from "./payment-methods.js";
import { SubscriptionRepository } from "./subscriptions.js";
import { TestClockRepository } from "./test-clocks.js";
import { EntryGrantRepository, GrantRepaymentRepository, GrantRepository, JobHoldRepository, WalletRepository } from "./wallets.js";
import { WebhookRepository } from "./webhooks.js";

export function createRepositories(context: RepositoryContext) {
  return {
    accounts: new AccountRepository(context),
    apiKeys: new ApiKeyRepository(context),
    testClocks: new TestClockRepository(context),
    metadata: new MetadataRepository(context),
    ledger: new LedgerRepository(context),
    idempotency: new IdempotencyRepository(context),
    jobs: new JobRepository(context),
    wallets: new WalletRepository(context),
    grants: new GrantRepository(context),
    holds: new JobHoldRepository(context),
    entryGrants: new EntryGrantRepository(context),
    grantRepayments: new GrantRepaymentRepository(context),
    checkoutSessions: new CheckoutSessionRepository(context),
    webhookEvents: new WebhookEventRepository(context),
    unappliedPayments: new UnappliedPaymentRepository(context),
    paymentMethods: new PaymentMethodRepository(context),
    setups: new PaymentMethodSetupRepository(context),
    subscriptions: new SubscriptionRepository(context),
    autoTopUps: new AutoTopUpRepository(context),
    creditAlerts: new CreditAlertRepository(context),
    emails: new EmailOutboxRepository(context),
    events: new EventRepository(context),
    webhooks: new WebhookRepository(context),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;

export type { AccountRow, ApiKeyRow } from "./accounts.js";
export type { AutoTopUpRow, CreditAlertRow, EmailRow } from "./alerts.js";
export type { CheckoutSessionRow, UnappliedPaymentRow } from "./checkout.js";
export type { EventRow } from "./events.js";
export type { JobRow, JobStatus } from "./jobs.js";
export type { EntryRow } from "./ledger.js";
export type { PaymentMethodRow, PaymentMethodSetupRow } from "./payment-methods.js";
export type { SubscriptionRow, SubscriptionStatus } from "./subscriptions.js";
export type { TestClockRow } from "./test-clocks.js";
export type { EntryGrantRow, GrantRepaymentRow, GrantRow, GrantStatus, JobHoldRow, WalletRow } from "./wallets.js";
export type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from "./webhooks.js";
export { LIVE_STATUSES } from "./subscriptions.js";
