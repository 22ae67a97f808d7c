/**
 * The credit ledger: every change to a wallet's credits is an appended entry whose amount is its
 * signed effect on the wallet's available credits (balance - reserved), with the available credits
 * before and after, chained entry to entry per wallet; each entry records the grants it touched.
 * Entries are posted inside a store transaction holding the wallet's lock (`lockWallet`), so two
 * writers never both spend the same credits; the database's CHECK constraints refuse an overdraft
 * even if code ever got it wrong.
 */
import { notFound } from "../errors.js";
import type { EntryRow, WalletRow } from "../store/repositories/index.js";
import type { Tx } from "../store/store.js";
import type { AccountTime } from "./account-time.js";
import { randomHex } from "../ids.js";

export type TransactionType = EntryRow["type"];

/** A wallet locked by this transaction, with its account's time as of the lock (the server's, or its test clock's). */
export type LockedWallet = WalletRow & { readonly asOf: Date };

/** Types that change what open jobs hold rather than what the wallet owns. */
const HOLD_TYPES: ReadonlySet<TransactionType> = new Set(["RESERVE", "RELEASE"]);

export interface EntryInput {
  type: TransactionType;
  /** Signed effect on available credits: negative for RESERVE, CONSUME, EXPIRE, CLAWBACK and REPAY. */
  amountMicros: number;
  /** The grants it took from or gave to, and how many credits of each (positive). */
  grants: ReadonlyArray<{ grantId: string; micros: number }>;
  jobId?: string | null;
  refundOfId?: string | null;
  idempotencyKey?: string | null;
  description: string;
}

/** Reacts to changes of a wallet's credits (credit alerts, auto top-up, metrics). */
export interface LedgerHooks {
  /** Inside the transaction, after the wallet's new entries are written: may write too. */
  inTransaction?(tx: Tx, wallet: WalletRow, types: TransactionType[]): Promise<void>;
  /** After the transaction committed and is durable. Must not throw; errors are its own. */
  afterCommit?(accountId: string, providerId: string, types: TransactionType[]): void;
}

export class CreditLedger {
  constructor(
    private readonly time: AccountTime,
    private readonly hooks: readonly LedgerHooks[],
  ) {}

  /** The account's wallet of the provider (created empty if need be), locked until the transaction ends. */
  async lockWallet(tx: Tx, accountId: string, providerId: string): Promise<LockedWallet> {
    // The account must exist: a wallet is never made for an unknown id.
    const account = await tx.accounts.get(accountId);
    if (!account) throw notFound(`No account ${accountId}`, ["accountId"]);
    const wallet = await tx.wallets.lock(accountId, providerId, (await this.time.of(account, tx)).toISOString());
    // Read once the lock is held: a test clock another node moved while this one waited counts.
    return Object.assign(wallet, { asOf: await this.time.of(account, tx) });
  }

  /** Appends entries, in order, to a locked wallet and saves its figures; returns them. */
  async post(tx: Tx, wallet: LockedWallet, entries: EntryInput[]): Promise<EntryRow[]> {
    if (entries.length === 0) return [];
    const createdAt = wallet.asOf.toISOString();
    const written: EntryRow[] = [];
    for (const entry of entries) {
      const before = wallet.balanceMicros - wallet.reservedMicros;
      if (HOLD_TYPES.has(entry.type)) wallet.reservedMicros -= entry.amountMicros;
      else wallet.balanceMicros += entry.amountMicros;
      wallet.lastSequence += 1;
      const row = {
        id: `txn_${randomHex(12)}`,
        accountId: wallet.accountId,
        providerId: wallet.providerId,
        sequence: wallet.lastSequence,
        type: entry.type,
        amountMicros: entry.amountMicros,
        availableBeforeMicros: before,
        availableAfterMicros: before + entry.amountMicros,
        jobId: entry.jobId ?? null,
        refundOfId: entry.refundOfId ?? null,
        idempotencyKey: entry.idempotencyKey ?? null,
        description: entry.description,
        createdAt,
      };
      await tx.ledger.append(row);
      // One row per grant: a consumption may take from a grant both what it held and more.
      const byGrant = new Map<string, number>();
      for (const part of entry.grants) if (part.micros > 0) byGrant.set(part.grantId, (byGrant.get(part.grantId) ?? 0) + part.micros);
      await tx.entryGrants.insert([...byGrant].map(([grantId, micros]) => ({ entryId: row.id, grantId, micros })));
      written.push({ seq: 0, ...row });
    }
    await tx.wallets.save(wallet);
    const types = entries.map((entry) => entry.type);
    for (const hook of this.hooks) await hook.inTransaction?.(tx, wallet, types);
    const { accountId, providerId } = wallet;
    // One each: a hook that throws must not keep the others from hearing of the commit.
    for (const hook of this.hooks) if (hook.afterCommit) tx.afterCommit(() => hook.afterCommit!(accountId, providerId, types));
    return written;
  }
}
