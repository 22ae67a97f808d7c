/** Reads of wallets and grants, as records. */
import type { AccountTime } from "./account-time.js";
import { money, type Money } from "../pricing/money.js";
import { compareSpending, type SpendingKey } from "./grant-moves.js";
import { fromMicros } from "../pricing/decimal.js";
import type { EntryGrantRow, GrantRow, GrantStatus, Repositories, WalletRow } from "../store/repositories/index.js";
import type { Page } from "../store/paging.js";

const COST_PLACES = 6;

export interface WalletRecord {
  __typename: "Wallet";
  /** Global id: the account and the provider (walletId). */
  id: string;
  accountId: string;
  providerId: string;
  balance: ReturnType<typeof fromMicros>;
  reserved: ReturnType<typeof fromMicros>;
  available: ReturnType<typeof fromMicros>;
  owed: ReturnType<typeof fromMicros>;
}

export interface GrantRecord {
  __typename: "CreditGrant";
  id: string;
  accountId: string;
  providerId: string;
  kind: GrantRow["kind"];
  status: GrantStatus;
  source: GrantRow["source"];
  sourceId: string | null;
  seq: number;
  amount: ReturnType<typeof fromMicros>;
  remaining: ReturnType<typeof fromMicros>;
  held: ReturnType<typeof fromMicros>;
  effectiveAt: Date;
  expiresAt: Date | null;
  priority: number;
  costBasis: Money | null;
  createdAt: Date;
}

/** A wallet nobody has credited yet reads as empty. */
/** A wallet's global id, `wallet_<account hex>_<provider>`: stable, as the pair it names is. */
export const walletId = (accountId: string, providerId: string) => `wallet_${accountId.slice("acct_".length)}_${providerId}`;

/** The account and provider a wallet id names, or null when it is not one. */
export function parseWalletId(id: string): { accountId: string; providerId: string } | null {
  const match = /^wallet_([0-9a-f]+)_([a-z0-9-]+)$/.exec(id);
  return match ? { accountId: `acct_${match[1]}`, providerId: match[2] } : null;
}

export function toWallet(row: WalletRow | undefined, accountId: string, providerId: string): WalletRecord {
  const balance = row?.balanceMicros ?? 0;
  const reserved = row?.reservedMicros ?? 0;
  return {
    __typename: "Wallet",
    id: walletId(accountId, providerId),
    accountId,
    providerId,
    balance: fromMicros(balance),
    reserved: fromMicros(reserved),
    available: fromMicros(balance - reserved),
    owed: fromMicros(row?.owedMicros ?? 0),
  };
}

export function grantStatus(row: GrantRow, now: Date): GrantStatus {
  if (row.closedReason) return row.closedReason;
  if (row.remainingMicros === 0) return "DEPLETED";
  return new Date(row.effectiveAt) > now ? "PENDING" : "ACTIVE";
}

export function toGrant(row: GrantRow, now: Date): GrantRecord {
  const cost =
    row.costMicros === null || row.costCurrency === null
      ? null
      : money(fromMicros(row.costMicros).div(fromMicros(row.amountMicros)).toDecimalPlaces(COST_PLACES), row.costCurrency);
  return {
    __typename: "CreditGrant",
    id: row.id,
    accountId: row.accountId,
    providerId: row.providerId,
    kind: row.kind,
    status: grantStatus(row, now),
    source: row.source,
    sourceId: row.sourceId,
    seq: row.seq,
    amount: fromMicros(row.amountMicros),
    remaining: fromMicros(row.remainingMicros),
    held: fromMicros(row.heldMicros),
    effectiveAt: new Date(row.effectiveAt),
    expiresAt: row.expiresAt ? new Date(row.expiresAt) : null,
    priority: row.priority,
    // Promotional grants have no currency: their cost basis is 0 of the provider's pricing currency.
    costBasis: cost ?? (row.costMicros === 0 ? money(fromMicros(0), "USD") : null),
    createdAt: new Date(row.createdAt),
  };
}

const keyOfRecord = (g: GrantRecord): SpendingKey => ({ priority: g.priority, expiresAt: g.expiresAt?.getTime() ?? null, kind: g.kind, seq: g.seq });

export const inSpendingOrder = (a: GrantRecord, b: GrantRecord) => compareSpending(keyOfRecord(a), keyOfRecord(b));

export class WalletQueries {
  constructor(
    private readonly reads: Repositories,
    private readonly time: AccountTime,
  ) {}

  async walletsOfAccounts(accountIds: readonly string[]): Promise<Map<string, WalletRecord[]>> {
    const byAccount = new Map<string, WalletRecord[]>(accountIds.map((id) => [id, []]));
    for (const row of await this.reads.wallets.ofAccounts(accountIds)) byAccount.get(row.accountId)?.push(toWallet(row, row.accountId, row.providerId));
    return byAccount;
  }

  /** A wallet's grants; PENDING and ACTIVE as of the account's time. */
  async grants(accountId: string, providerId: string, options: { first: number; afterSeq?: number; status?: GrantStatus | null }): Promise<Page<GrantRecord>> {
    const now = await this.time.now(accountId);
    const page = await this.reads.grants.page(accountId, providerId, { ...options, now: now.toISOString() });
    return { items: page.items.map((row) => toGrant(row, now)), hasNextPage: page.hasNextPage };
  }

  async grantsByIds(ids: readonly string[]): Promise<GrantRecord[]> {
    const rows = await this.reads.grants.byIds(ids);
    const times = new Map<string, Date>();
    for (const accountId of new Set(rows.map((row) => row.accountId))) times.set(accountId, await this.time.now(accountId));
    return rows.map((row) => toGrant(row, times.get(row.accountId)!));
  }

  entryGrants(entryIds: readonly string[]): Promise<EntryGrantRow[]> {
    return this.reads.entryGrants.ofEntries(entryIds);
  }
}
