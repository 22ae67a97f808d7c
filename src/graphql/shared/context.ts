import DataLoader from "dataloader";
import { GraphQLError } from "graphql";
import type { AccountQueries } from "../../accounts/queries.js";
import type { AccountRecord, JobRecord, TransactionRecord } from "../../accounts/records.js";
import type { Auth } from "../../accounts/service.js";
import type { GrantRecord, WalletQueries, WalletRecord } from "../../accounts/wallet-queries.js";
import type { EntryGrantRow } from "../../store/repositories/index.js";
import { createCatalogLoaders, type CatalogLoaders } from "../../catalog/loaders.js";
import type { Services } from "../../services.js";
import { ErrorCode, serviceUnavailableError, storeUnavailableCause } from "./errors.js";
import type { CompiledOperation } from "../executor.js";

export type { Services };

function byId<T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const found = new Map((await load(ids)).map((item) => [item.id, item]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

function createAccountLoaders(accounts: AccountQueries, wallets: WalletQueries) {
  return {
    wallets: new DataLoader<string, WalletRecord[]>(async (accountIds) => {
      const found = await wallets.walletsOfAccounts(accountIds);
      return accountIds.map((id) => found.get(id) ?? []);
    }),
    grant: byId<GrantRecord>((ids) => wallets.grantsByIds(ids)),
    entryGrants: new DataLoader<string, EntryGrantRow[]>(async (entryIds) => {
      const rows = await wallets.entryGrants(entryIds);
      return entryIds.map((id) => rows.filter((row) => row.entryId === id));
    }),
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
  operation: { isQuery: boolean; hadErrors: boolean; storeUnavailable: boolean; compiled: CompiledOperation | null };
  services: Services;
  loaders: { catalog: CatalogLoaders; accounts: ReturnType<typeof createAccountLoaders> };
}

export async function createContext(services: Services, requestId: string, apiKey: string | null): Promise<Context> {
  return {
    requestId,
    operation: { isQuery: false, hadErrors: false, storeUnavailable: false, compiled: null },
    auth: await services.accountService.authenticate(apiKey).catch((error: unknown) => {
      const unavailable = storeUnavailableCause(error);
      throw unavailable ? serviceUnavailableError(unavailable) : error;
    }),
    services,
    loaders: createLoaders(services),
  };
}

/** A request's loaders, each made on first use: many requests (cached price rules, a mutation) need none. */
export function createLoaders(services: Services): Context["loaders"] {
  let catalog: CatalogLoaders | undefined;
  let accounts: ReturnType<typeof createAccountLoaders> | undefined;
  return {
    get catalog() {
      return (catalog ??= createCatalogLoaders(services.catalog));
    },
    get accounts() {
      return (accounts ??= createAccountLoaders(services.accounts, services.wallets));
    },
  };
}

/**
 * A live subscription's context: the connection's account, as a request's would be. One
 * subscription runs for many events: the live server gives each push loaders of its own
 * (`withFreshLoaders`), so a push reads the objects as they are then, batched within the push,
 * never as an earlier push cached them.
 */
export function createLiveContext(services: Services, requestId: string, auth: Extract<Auth, { kind: "account" }>): Context {
  return {
    requestId,
    operation: { isQuery: false, hadErrors: false, storeUnavailable: false, compiled: null },
    auth,
    services,
    loaders: createLoaders(services),
  };
}

/** The same context with new loaders: for one push of a subscription. */
export function withFreshLoaders<C extends Context>(context: C): C {
  return { ...context, loaders: createLoaders(context.services) };
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
