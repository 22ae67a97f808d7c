/** Builds the billing services and wires them to the ledger. */
import type { Ledger } from "../accounts/ledger.js";
import type { CatalogRepository } from "../catalog/repository.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import type { Logger } from "../logger.js";
import { AutoTopUpService, CreditAlertService } from "./alerts.js";
import { CheckoutService } from "./checkout.js";
import { OutboxMailer } from "./mailer.js";
import { PaymentMethodService } from "./payment-methods.js";
import { SandboxProvider, StripeProvider, type StripeOptions } from "./providers.js";
import { SubscriptionService } from "./subscriptions.js";

export interface BillingConfig {
  /** Base URL buyers reach this server at (checkout links); default: where it listens. */
  publicUrl?: string;
  sandboxWebhookSecret: string;
  stripe?: Omit<StripeOptions, "publicUrl">;
  smtpUrl?: string;
  mailFrom: string;
  checkoutTtlMs: number;
}

export function createBilling(deps: {
  database: Database;
  ledger: Ledger;
  catalog: CatalogRepository;
  clock: Clock;
  logger: Logger;
  config: BillingConfig;
  /** Where this server listens, known once it does. */
  selfUrl: () => string;
}) {
  const { database, ledger, catalog, clock, logger, config, selfUrl } = deps;
  const publicUrl = () => config.publicUrl ?? selfUrl();
  const sandbox = new SandboxProvider({
    secret: config.sandboxWebhookSecret,
    publicUrl,
    selfUrl,
    now: () => clock.now(),
    onDeliveryError: (error) => logger.error("sandbox webhook delivery failed", { error: String(error) }),
  });
  const stripe = config.stripe ? new StripeProvider({ ...config.stripe, publicUrl }) : null;
  const checkout = new CheckoutService(database, ledger, catalog, { sandbox, stripe }, clock, config.checkoutTtlMs);
  const paymentMethods = new PaymentMethodService(database, ledger, clock, stripe !== null);
  const subscriptions = new SubscriptionService(database, ledger, catalog, clock, checkout, paymentMethods, logger);
  const mailer = new OutboxMailer(database, clock, logger, { smtpUrl: config.smtpUrl, from: config.mailFrom });
  const alerts = new CreditAlertService(database, ledger, clock, () => {
    mailer.deliverPending().catch((error) => logger.error("email delivery failed", { error: String(error) }));
  });
  const topUps = new AutoTopUpService(database, ledger, checkout, paymentMethods, clock, logger);
  ledger.observe(alerts);
  ledger.observe(topUps);

  return {
    sandbox,
    checkout,
    paymentMethods,
    subscriptions,
    alerts,
    topUps,
    mailer,
    /** Periodic work: expire unpaid sessions, start due subscription periods, retry top-ups, send mail. */
    async sweep() {
      const expiredSessions = checkout.expireStale();
      const renewedPeriods = await subscriptions.renewDue();
      const topUpsStarted = await topUps.retryDue();
      const emailsSent = await mailer.deliverPending();
      return { expiredSessions, renewedPeriods, topUpsStarted, emailsSent };
    },
  };
}

export type Billing = ReturnType<typeof createBilling>;
