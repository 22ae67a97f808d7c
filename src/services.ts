/**
 * The composition root: every long-lived domain service, built once per server over one account
 * store and one catalog, and wired to each other here, explicitly.
 */
import { EventLog } from "./events/log.js";
import { DEFAULT_EVENT_RETENTION_MS, pruneEventLog } from "./events/retention.js";
import { createWebhooks, defaultWebhookConfig, type WebhookConfig, type Webhooks } from "./events/webhooks/index.js";
import { AccountTime, type TimeScope } from "./accounts/account-time.js";
import { CreditCosts } from "./accounts/credit-cost.js";
import { CreditService } from "./accounts/grants.js";
import { purgeIdempotencyKeys } from "./accounts/idempotency.js";
import { JobService } from "./accounts/jobs.js";
import { CreditLedger, type LedgerHooks } from "./accounts/ledger.js";
import { AccountQueries } from "./accounts/queries.js";
import { AccountService } from "./accounts/service.js";
import { TestClockService } from "./accounts/test-clocks.js";
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
  /** The server's clock: what the sweeper, deliveries and records of this server go by. */
  clock: Clock;
  /** Each account's time: the server's, or its test clock's. */
  time: AccountTime;
  testClocks: TestClockService;
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
  /** The time-driven work of one scope: expiries, renewals and retries due by its time (the sweeper's, and a test clock's advance). */
  sweepDue(scope: TimeScope): Promise<{ expiredGrants: number; expiredJobs: number; renewedPeriods: number } & Record<string, number>>;
}

export function createServices(options: ServiceOptions): Services {
  const { store, clock } = options;
  const time = new AccountTime(store.reads, clock);
  // Filled below, before any request: credit alerts, auto top-up and metrics react to the ledger.
  const ledgerHooks: LedgerHooks[] = [];
  const ledger = new CreditLedger(time, ledgerHooks);
  const catalog = new CatalogRepository(options.catalog.db);
  // The catalog is seeded once at start: its providers do not change while this process runs.
  const providerIds = new Set(catalog.listProviders().map((provider) => provider.id));
  const knownProvider = (id: string) => providerIds.has(id);
  const events = new EventLog(clock);
  const book = new WalletBook(ledger, events);
  const credits = new CreditService(store, book, time, knownProvider);
  const background = new BackgroundTasks(options.logger);
  const billing = createBilling({
    background,
    store,
    credits,
    catalog,
    time,
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
  const jobs = new JobService(store, book, time, options.jobTtlMs, knownProvider, events);
  // Grants first: credits past their expiry never pay for a renewal's or a job's shortfall.
  const sweepDue = async (scope: TimeScope) => {
    const expiredGrants = await credits.expireDue(scope);
    const expiredJobs = await jobs.expireDue(scope);
    return { expiredGrants, expiredJobs, ...(await billing.sweep(scope)) };
  };
  return {
    store,
    events,
    webhooks,
    catalogDatabase: options.catalog,
    clock,
    catalog,
    pricing: new PricingCatalog(catalog),
    accounts: new AccountQueries(store.reads),
    wallets: new WalletQueries(store.reads, time),
    creditCosts: new CreditCosts(store.reads, time),
    knownProvider,
    accountService: new AccountService(store, credits, time),
    jobs,
    credits,
    billing,
    time,
    testClocks: new TestClockService(store, time, { run: sweepDue, settled: (accountIds) => background.drainAccounts(accountIds) }),
    sweepDue,
    purgeIdempotencyKeys: () => purgeIdempotencyKeys(store, clock, options.idempotencyTtlMs),
    pruneEvents: () => pruneEventLog(store, clock, options.eventRetentionMs ?? DEFAULT_EVENT_RETENTION_MS),
    background,
  };
}
