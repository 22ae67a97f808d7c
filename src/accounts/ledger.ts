/**
 * The credit ledger: every change to an account's credits is an appended entry whose amount is
 * its signed effect on available credits (balance - reserved), with the available credits before
 * and after, chained entry to entry. Entries are posted inside a store transaction that holds the
 * account's lock (`lockAccount`), so two writers never both spend the same credits; the
 * database's CHECK constraints refuse an overdraft even if code ever got it wrong.
 */
import type { Clock } from "../clock.js";
import { notFound } from "../errors.js";
import type { AccountRow, EntryRow } from "../store/repositories/index.js";
import type { Tx } from "../store/store.js";
import { randomHex } from "./keys.js";

export type TransactionType = EntryRow["type"];

export interface EntryInput {
  type: TransactionType;
  /** Signed effect on available credits: negative for RESERVE and CONSUME. */
  amountMicros: number;
  jobId?: string | null;
  refundOfId?: string | null;
  idempotencyKey?: string | null;
  description: string;
}

/** Reacts to changes of an account's credits (credit alerts, auto top-up, metrics). */
export interface LedgerHooks {
  /** Inside the transaction, after the account's new entries are written: may write too. */
  inTransaction?(tx: Tx, account: AccountRow, types: TransactionType[]): Promise<void>;
  /** After the transaction committed and is durable. Must not throw; errors are its own. */
  afterCommit?(accountId: string, types: TransactionType[]): void;
}

export class CreditLedger {
  constructor(
    private readonly clock: Clock,
    private readonly hooks: readonly LedgerHooks[],
  ) {}

  /** The account, locked until the transaction ends (guard: the account's row lock). */
  async lockAccount(tx: Tx, accountId: string): Promise<AccountRow> {
    const account = await tx.accounts.lock(accountId);
    if (!account) throw notFound(`No account ${accountId}`, ["accountId"]);
    return account;
  }

  /** Appends entries, in order, to a locked account and saves its credits; returns them. */
  async post(tx: Tx, account: AccountRow, entries: EntryInput[]): Promise<EntryRow[]> {
    const createdAt = this.clock.now().toISOString();
    const written: EntryRow[] = [];
    for (const entry of entries) {
      const before = account.balanceMicros - account.reservedMicros;
      if (entry.type === "RESERVE" || entry.type === "RELEASE") account.reservedMicros -= entry.amountMicros;
      else account.balanceMicros += entry.amountMicros;
      account.lastSequence += 1;
      const row = {
        id: `txn_${randomHex(12)}`,
        accountId: account.id,
        sequence: account.lastSequence,
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
      written.push({ seq: 0, ...row });
    }
    await tx.accounts.saveCredits(account);
    const types = entries.map((entry) => entry.type);
    for (const hook of this.hooks) await hook.inTransaction?.(tx, account, types);
    const { id: accountId } = account;
    // One each: a hook that throws must not keep the others from hearing of the commit.
    for (const hook of this.hooks) if (hook.afterCommit) tx.afterCommit(() => hook.afterCommit!(accountId, types));
    return written;
  }
}
