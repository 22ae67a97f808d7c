/**
 * The composition root: every long-lived domain service, built once per server over one account
 * store and one catalog, and wired to each other here, explicitly.
 */
import { EventLog } from "./events/log.js";
import { DEFAULT_EVENT_RETENTION_MS, pruneEventLog } from "./events/retention.js";
import { createWebhooks, defaultWebhookConfig, type WebhookConfig, type Webhooks } from "./events/webhooks/index.js";
import { CreditCosts } from "./accounts/credit-cost.js";
import { CreditService } from "./accounts/grants.js";
import { purgeIdempotencyKeys } from "./accounts/idempotency.js";
import { JobService } from "./accounts/jobs.js";
import { CreditLedger, type LedgerHooks } from "./accounts/ledger.js";
import { AccountQueries } from "./accounts/queries.js";
import { AccountService } from "./accounts/service.js";
import { WalletBook } from "./accounts/wallet-book.js";
import { WalletQueries } from "./accounts/wallet-queries.js";
import { BackgroundTasks } from "./background.js";
import { createBilling, type Billing, type BillingConfig } from "./billing/index.js";
import { CatalogRepository } from "./catalog/repository.js";
import type { Clock } from "./clock.js";
import { PricingCatalog } from "./estimates/service.js";
import type { Logger } from "./logger.js";
import type { CatalogDatabase } from "./store/catalog/client.js";
import type { Store } from "./store/store.js";
import type { TimeTravel } from "./test-clock.js";

export interface ServiceOptions {
  store: Store;
  catalog: CatalogDatabase;
  clock: Clock;
  jobTtlMs: number;
  idempotencyTtlMs: number;
  /** How long events are kept (default 30 days). */
  eventRetentionMs?: number;
  logger: Logger;
  billing: BillingConfig;
  /** Outgoing webhooks' URL rules (default: by NODE_ENV, see events/webhooks/index.ts). */
  webhooks?: WebhookConfig;
  /** Where this server listens, known once it does (for the sandbox provider's webhooks). */
  selfUrl: () => string;
  /** More reactions to ledger changes (metrics). */
  ledgerHooks?: LedgerHooks[];
  /** Told when a confirmed payment could not be credited (metrics). */
  onUnappliedPayment?: () => void;
  /** Told of each webhook delivery attempt once it is recorded (metrics). */
  onWebhookAttempt?: (succeeded: boolean) => void;
}

export interface Services {
  store: Store;
  catalogDatabase: CatalogDatabase;
  clock: Clock;
  catalog: CatalogRepository;
  pricing: PricingCatalog;
  accounts: AccountQueries;
  wallets: WalletQueries;
  /** The event log: written in each change's transaction; webhooks and subscriptions follow it. */
  events: EventLog;
  /** Outgoing webhooks: endpoints and the delivery worker (fed by the event log). */
  webhooks: Webhooks;
  creditCosts: CreditCosts;
  /** Whether the catalog has this provider (its providers are fixed while the process runs). */
  knownProvider: (id: string) => boolean;
  accountService: AccountService;
  jobs: JobService;
  credits: CreditService;
  billing: Billing;
  /** Forgets idempotency keys past their retention; returns how many. */
  purgeIdempotencyKeys(): Promise<number>;
  /** Deletes events past their retention, with their settled deliveries and attempts; returns how many events. */
  pruneEvents(): Promise<number>;
  /** Work started after commits; shutdown drains it before the store closes. */
  background: BackgroundTasks;
  /** With TEST_CLOCK=true: moves the clock and sweeps (set by the app once its sweeper exists). */
  testClock: TimeTravel | null;
}

export function createServices(options: ServiceOptions): Services {
  const { store, clock } = options;
  // Filled below, before any request: credit alerts, auto top-up and metrics react to the ledger.
  const ledgerHooks: LedgerHooks[] = [];
  const ledger = new CreditLedger(clock, ledgerHooks);
  const catalog = new CatalogRepository(options.catalog.db);
  // The catalog is seeded once at start: its providers do not change while this process runs.
  const providerIds = new Set(catalog.listProviders().map((provider) => provider.id));
  const knownProvider = (id: string) => providerIds.has(id);
  const events = new EventLog(clock);
  const book = new WalletBook(clock, ledger, events);
  const credits = new CreditService(store, book, clock, knownProvider);
  const background = new BackgroundTasks(options.logger);
  const billing = createBilling({
    background,
    store,
    credits,
    catalog,
    clock,
    logger: options.logger,
    config: options.billing,
    selfUrl: options.selfUrl,
    onUnappliedPayment: options.onUnappliedPayment,
    events,
  });
  ledgerHooks.push(...billing.ledgerHooks, ...(options.ledgerHooks ?? []));
  const webhooks = createWebhooks({
    store,
    clock,
    logger: options.logger,
    config: options.webhooks ?? defaultWebhookConfig("development"),
    background,
    events,
    onEmailQueued: () => background.run("email delivery", () => billing.mailer.deliverPending()),
    onAttempt: options.onWebhookAttempt,
  });
  return {
    store,
    events,
    webhooks,
    catalogDatabase: options.catalog,
    clock,
    catalog,
    pricing: new PricingCatalog(catalog),
    accounts: new AccountQueries(store.reads),
    wallets: new WalletQueries(store.reads),
    creditCosts: new CreditCosts(store.reads, () => clock.now()),
    knownProvider,
    accountService: new AccountService(store, credits, clock),
    jobs: new JobService(store, book, clock, options.jobTtlMs, knownProvider, events),
    credits,
    billing,
    purgeIdempotencyKeys: () => purgeIdempotencyKeys(store, clock, options.idempotencyTtlMs),
    pruneEvents: () => pruneEventLog(store, clock, options.eventRetentionMs ?? DEFAULT_EVENT_RETENTION_MS),
    background,
    testClock: null,
  };
}
