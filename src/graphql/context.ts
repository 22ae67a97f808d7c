import DataLoader from "dataloader";
import { GraphQLError } from "graphql";
import type { AccountRecord, JobRecord, TransactionRecord } from "../accounts/records.js";
import { AccountRepository } from "../accounts/repository.js";
import { Ledger } from "../accounts/ledger.js";
import { AccountService, type Auth } from "../accounts/service.js";
import { createCatalogLoaders, type CatalogLoaders } from "../catalog/loaders.js";
import { CatalogRepository } from "../catalog/repository.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import { createBilling, type Billing, type BillingConfig } from "../billing/index.js";
import { PricingCatalog } from "../estimates/service.js";
import type { Logger } from "../logger.js";
import { ErrorCode } from "./errors.js";
import type { CompiledOperation } from "./executor.js";

export interface ServiceOptions {
  clock: Clock;
  jobTtlMs: number;
  idempotencyTtlMs: number;
  logger: Logger;
  billing: BillingConfig;
  /** Where this server listens, known once it does (for the sandbox provider's webhooks). */
  selfUrl: () => string;
}

/** Long-lived domain services, built once per server. */
export interface Services {
  database: Database;
  clock: Clock;
  catalog: CatalogRepository;
  accounts: AccountRepository;
  accountService: AccountService;
  ledger: Ledger;
  billing: Billing;
  pricing: PricingCatalog;
}

export function createServices(database: Database, options: ServiceOptions): Services {
  const ledger = new Ledger(database, {
    ...options,
    onObserverError: (error) =>
      options.logger.error("a ledger observer failed after a commit", { error: error instanceof Error ? error.stack : String(error) }),
  });
  const catalog = new CatalogRepository(database.db);
  return {
    database,
    clock: options.clock,
    catalog,
    accounts: new AccountRepository(database.db),
    accountService: new AccountService(database, ledger, options.clock),
    ledger,
    pricing: new PricingCatalog(catalog),
    billing: createBilling({
      database,
      ledger,
      catalog,
      clock: options.clock,
      logger: options.logger,
      config: options.billing,
      selfUrl: options.selfUrl,
    }),
  };
}

function byId<T extends { id: string }>(load: (ids: readonly string[]) => T[]) {
  return new DataLoader<string, T | null>(async (ids) => {
    const found = new Map(load(ids).map((item) => [item.id, item]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

function createAccountLoaders(accounts: AccountRepository) {
  return {
    account: byId<AccountRecord>((ids) => accounts.accountsByIds(ids)),
    job: byId<JobRecord>((ids) => accounts.jobsByIds(ids)),
    transaction: byId<TransactionRecord>((ids) => accounts.transactionsByIds(ids)),
  };
}

/** What every resolver receives; loaders are new for each request so nothing is cached across requests. */
export interface Context {
  requestId: string;
  auth: Auth;
  /**
   * Facts about the operation for the HTTP layer, set once the operation is known. An object, not
   * a field: Apollo shallow-copies the context, and the copy must write where the server reads.
   */
  operation: { isQuery: boolean; hadErrors: boolean; compiled: CompiledOperation | null };
  services: Services;
  loaders: { catalog: CatalogLoaders; accounts: ReturnType<typeof createAccountLoaders> };
}

export function createContext(services: Services, requestId: string, apiKey: string | null): Context {
  // Loaders are made on first use: many requests (cached price rules, a mutation) need none.
  let catalog: CatalogLoaders | undefined;
  let accounts: ReturnType<typeof createAccountLoaders> | undefined;
  return {
    requestId,
    operation: { isQuery: false, hadErrors: false, compiled: null },
    auth: services.accountService.authenticate(apiKey),
    services,
    loaders: {
      get catalog() {
        return (catalog ??= createCatalogLoaders(services.catalog));
      },
      get accounts() {
        return (accounts ??= createAccountLoaders(services.accounts));
      },
    },
  };
}

const unauthenticated = (auth: Auth) =>
  new GraphQLError(
    auth.kind === "invalid"
      ? "The API key is not valid (unknown, malformed or revoked)"
      : "An API key is required: send it in the X-API-Key header or as Authorization: Bearer <key>",
    { extensions: { code: ErrorCode.UNAUTHENTICATED } },
  );

/** The account the request's key belongs to, or an UNAUTHENTICATED error. */
export function requireAccount(context: Context): string {
  if (context.auth.kind === "account") return context.auth.accountId;
  if (context.auth.kind === "admin") {
    throw new GraphQLError("The admin key has no account; use an account's API key", {
      extensions: { code: ErrorCode.FORBIDDEN },
    });
  }
  throw unauthenticated(context.auth);
}

/** Passes only with the server's admin key. */
export function requireAdmin(context: Context): void {
  if (context.auth.kind === "admin") return;
  if (context.auth.kind === "account") {
    throw new GraphQLError("Only the admin key may do this", { extensions: { code: ErrorCode.FORBIDDEN } });
  }
  throw unauthenticated(context.auth);
}

/** Whether the request may see objects of this account (its own key, or the admin key). */
export function canSee(context: Context, accountId: string): boolean {
  return context.auth.kind === "admin" || (context.auth.kind === "account" && context.auth.accountId === accountId);
}
