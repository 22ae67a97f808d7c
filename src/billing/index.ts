/**
 * Builds the billing services and wires them to each other and to the ledger, explicitly: what a
 * paid, declined or unapplied session does is decided here, by the session's purpose.
 */
import type { EventLog } from "../events/log.js";
import { checkoutSessionState } from "../events/payloads.js";
import type { CreditService } from "../accounts/grants.js";
import { applyRecordedReversal, applyReversal } from "./reversals.js";
import { packGrant, providerOf } from "./purchased-grants.js";
import type { BackgroundTasks } from "../background.js";
import type { CatalogRepository } from "../catalog/repository.js";
import type { AccountTime, TimeScope } from "../accounts/account-time.js";
import type { Logger } from "../logger.js";
import type { Store, Tx } from "../store/store.js";
import { AutoTopUpService } from "./auto-top-up.js";
import { CreditAlertService } from "./credit-alerts.js";
import { CheckoutService, type CheckoutSessionRow, type SessionClosedHandler } from "./checkout.js";
import { DEFAULT_RETRY_DAYS } from "./dunning.js";
import { OutboxMailer } from "./mailer.js";
import { PaymentEventService, type SessionPaidHandler } from "./payment-events.js";
import { PaymentMethodSetupService } from "./payment-method-setups.js";
import { PaymentMethodService } from "./payment-methods.js";
import { ReturnUrls } from "./return-urls.js";
import { SandboxProvider } from "./sandbox-provider.js";
import { StripeProvider, type StripeOptions } from "./stripe-provider.js";
import { SubscriptionService } from "./subscriptions.js";
import { topUpFailed, topUpSucceeded } from "./top-up-state.js";
import { UnappliedPaymentService } from "./unapplied-payments.js";

export interface BillingConfig {
  /** Base URL buyers reach this server at (checkout links); default: where it listens. */
  publicUrl?: string;
  sandboxWebhookSecret: string;
  stripe?: StripeOptions;
  smtpUrl?: string;
  mailFrom: string;
  checkoutTtlMs: number;
  /** Origins besides this server's that checkout return URLs may point at (CHECKOUT_RETURN_ORIGINS). */
  checkoutReturnOrigins?: string[];
  /** Days after a period's start on which a failed subscription payment is retried. */
  subscriptionRetryDays?: number[];
}

export function createBilling(deps: {
  store: Store;
  /** Adds purchased credits to the ledger. */
  credits: CreditService;
  catalog: CatalogRepository;
  /** Each account's time (the server's clock is `time.server`). */
  time: AccountTime;
  logger: Logger;
  config: BillingConfig;
  /** Where this server listens, known once it does. */
  selfUrl: () => string;
  /** Told when a confirmed payment could not be credited (metrics). */
  onUnappliedPayment?: () => void;
  background: BackgroundTasks;
  events: EventLog;
}) {
  const { store, credits, catalog, time, logger, config, selfUrl } = deps;
  const clock = time.server;
  const publicUrl = () => config.publicUrl ?? selfUrl();
  const sandbox = new SandboxProvider({
    secret: config.sandboxWebhookSecret,
    publicUrl,
    selfUrl,
    now: () => clock.now(),
    onDeliveryError: (error) => logger.error("sandbox webhook delivery failed", { error }),
    runInBackground: (what, task, accountId) => deps.background.run(what, task, { accountId }),
  });
  const stripe = config.stripe ? new StripeProvider(config.stripe) : null;
  const providers = { sandbox, stripe };

  // Subscriptions own their periods: a session of theirs that closes or is paid is theirs to settle.
  // eslint-disable-next-line prefer-const -- assigned below, once the checkout it needs exists; the closures above read it later.
  let subscriptions: SubscriptionService;
  const { events } = deps;
  /** The session's state after the change, as its event tells it. */
  const sessionEvent = async (tx: Tx, sessionId: string, type: "checkout_session.completed" | "checkout_session.expired" | "checkout_session.declined") => {
    const after = (await tx.checkoutSessions.get(sessionId))!;
    await events.record(tx, after.accountId, type, { checkoutSession: checkoutSessionState(after) });
  };
  const onClosed: SessionClosedHandler = {
    async closed(tx, session, reason) {
      const after = (await tx.checkoutSessions.get(session.id))!;
      await sessionEvent(tx, session.id, after.status === "EXPIRED" ? "checkout_session.expired" : "checkout_session.declined");
      if (session.purpose === "AUTO_TOP_UP") await topUpFailed(tx, time, session.accountId, session.id, reason);
      if (session.purpose === "SUBSCRIPTION") await subscriptions.failed(tx, session, reason);
    },
  };
  /** A paid session's credits: the pack's, or the subscription period's. */
  const addCredits = async (tx: Tx, session: CheckoutSessionRow): Promise<string> => {
    if (session.purpose === "SUBSCRIPTION") return subscriptions.paid(tx, session);
    const { transactionId } = await credits.purchase(
      tx,
      session.accountId,
      providerOf(session.packId),
      packGrant(session, checkout.packOf(session.packId), await time.now(session.accountId, tx)),
      `Purchase of ${session.packId} (checkout session ${session.id})`,
    );
    if (session.purpose === "AUTO_TOP_UP") await topUpSucceeded(tx, session.accountId, session.id);
    return transactionId;
  };

  const onPaid: SessionPaidHandler = {
    async paid(tx, session: CheckoutSessionRow) {
      const transactionId = await addCredits(tx, session);
      await applyRecordedReversal(tx, credits, session);
      return transactionId;
    },
    reversed: async (tx, session, event) => applyReversal(tx, credits, session, event, (await time.now(session.accountId, tx)).toISOString()),
    completed: (tx, sessionId) => sessionEvent(tx, sessionId, "checkout_session.completed"),
    async unapplied(tx, session, reason) {
      // Paid: never charged again for it. A top-up backs off; a period counts as paid.
      if (session.purpose === "AUTO_TOP_UP") await topUpFailed(tx, time, session.accountId, session.id, reason);
      if (session.purpose === "SUBSCRIPTION") await subscriptions.settlePaid(tx, (await tx.subscriptions.get(session.subscriptionId!))!, session.periodStart!);
    },
  };

  const returnUrls = new ReturnUrls(publicUrl, config.checkoutReturnOrigins ?? []);
  const checkout = new CheckoutService(store, catalog, providers, time, config.checkoutTtlMs, returnUrls, onClosed);
  const paymentMethods = new PaymentMethodService(store, clock, providers);
  subscriptions = new SubscriptionService(
    store,
    credits,
    catalog,
    time,
    checkout,
    paymentMethods,
    logger,
    config.subscriptionRetryDays ?? DEFAULT_RETRY_DAYS,
    events,
  );
  const setups = new PaymentMethodSetupService(store, time, checkout, paymentMethods, config.checkoutTtlMs);
  const mailer = new OutboxMailer(store, clock, logger, { smtpUrl: config.smtpUrl, from: config.mailFrom });
  const alerts = new CreditAlertService(
    store,
    clock,
    () => {
      deps.background.run("email delivery", () => mailer.deliverPending());
    },
    events,
  );
  const topUps = new AutoTopUpService(store, checkout, paymentMethods, time, logger, deps.background);

  /** The account has a new default payment method: past-due payments are retried at once. */
  const defaultMethodChanged = async (accountId: string): Promise<void> => {
    await subscriptions.retryPastDue(accountId);
  };
  const paymentEvents = new PaymentEventService(store, checkout, setups, time, onPaid, {
    unapplied: () => deps.onUnappliedPayment?.(),
    defaultMethodChanged: (accountId) => deps.background.run("retrying past-due payments", () => defaultMethodChanged(accountId), { accountId }),
  });
  const unappliedPayments = new UnappliedPaymentService(store, clock, onPaid);

  return {
    sandbox,
    checkout,
    paymentEvents,
    paymentMethods,
    setups,
    subscriptions,
    unappliedPayments,
    alerts,
    topUps,
    mailer,
    defaultMethodChanged,
    /** The ledger hooks billing needs: credit alerts in the transaction, auto top-up after it. */
    ledgerHooks: [alerts, topUps],
    /** The scope's time-driven work: expire unpaid sessions, start due subscription periods, retry payments. */
    async sweep(scope: TimeScope = time.serverScope()) {
      const expiredSessions = (await checkout.expireStale(scope)) + (await setups.expireStale(scope));
      const renewedPeriods = await subscriptions.renewDue(scope);
      const retriedPayments = await subscriptions.retryDue(scope);
      const topUpsStarted = await topUps.retryDue(scope);
      return { expiredSessions, renewedPeriods, retriedPayments, topUpsStarted };
    },
  };
}

export type Billing = ReturnType<typeof createBilling>;
