/**
 * Credits from before wallets (migration 0008). The migration made each account's one pool a
 * legacy grant in the U-Gen wallet (U-Gen's: the demo account's and most admin grants' credits
 * were U-Gen's, and its jobs are what the pool paid for). At the first start after it, this moves
 * the credits whose origin is known (a checkout session's pack, a subscription's plan) to their
 * provider's wallet, as MIGRATION entries out of the legacy grant and into a grant of their own.
 * Which credits are left is decided by replaying the old ledger first in, first out. Credits open
 * jobs hold stay where they are. Claimed once (guard: the metadata key, in the same transaction).
 */
import type { EntryRow } from "../store/repositories/index.js";
import type { Store, Tx } from "../store/store.js";
import type { WalletBook } from "./wallet-book.js";

export const LEGACY_WALLET = "ugen";
const CLAIM = "wallets_backfilled_at";

interface Lot {
  providerId: string;
  kind: "PAID" | "SUBSCRIPTION";
  micros: number;
}

export async function backfillWallets(store: Store, book: WalletBook, now: () => Date): Promise<number> {
  // Every start after the first: a read, no write transaction.
  if (await store.reads.metadata.get(CLAIM)) return 0;
  return store.transaction(async (tx) => {
    const at = now().toISOString();
    if ((await tx.metadata.setOnce(CLAIM, at)) !== at) return 0;
    let moved = 0;
    for (const accountId of await tx.accounts.ids()) moved += await backfillAccount(tx, book, accountId);
    return moved;
  });
}

async function backfillAccount(tx: Tx, book: WalletBook, accountId: string): Promise<number> {
  const { ledger } = book;
  const [legacy] = await tx.grants.byIds([`grant_legacy_${accountId}`]);
  if (!legacy) return 0;
  const entries = (await tx.ledger.ofAccount(accountId)).filter((entry) => entry.providerId === LEGACY_WALLET);
  const lots = await replay(tx, entries);
  let movable = legacy.remainingMicros - legacy.heldMicros;
  const wallet = await ledger.lockWallet(tx, accountId, LEGACY_WALLET);
  let moved = 0;
  for (const lot of mergeByOrigin(lots)) {
    const micros = Math.min(lot.micros, movable);
    if (lot.providerId === LEGACY_WALLET || micros <= 0) continue;
    movable -= micros;
    legacy.remainingMicros -= micros;
    await tx.grants.save(legacy);
    const description = `Credits bought before wallets, moved to the ${lot.providerId} wallet`;
    await ledger.post(tx, wallet, [{ type: "MIGRATION", amountMicros: -micros, grants: [{ grantId: legacy.id, micros }], description }]);
    const target = await ledger.lockWallet(tx, accountId, lot.providerId);
    const spec = {
      kind: lot.kind,
      source: "MIGRATION" as const,
      sourceId: `legacy:${accountId}:${lot.providerId}:${lot.kind}`,
      micros,
      effectiveAt: new Date(legacy.effectiveAt),
    };
    await book.add(tx, target, spec, { type: "MIGRATION", description: `Credits bought before wallets, moved from the ${LEGACY_WALLET} wallet` });
    moved++;
  }
  return moved;
}

/** What is left of each credit added, spending the oldest first. */
async function replay(tx: Tx, entries: EntryRow[]): Promise<Lot[]> {
  const purchases = entries.filter((entry) => entry.type === "PURCHASE").map((entry) => entry.id);
  const sessions = new Map((await tx.checkoutSessions.byTransactionIds(purchases)).map((session) => [session.transactionId, session]));
  const lots: Lot[] = [];
  for (const entry of entries) {
    if (entry.type === "PURCHASE" || entry.type === "BONUS" || entry.type === "REFUND") {
      const session = sessions.get(entry.id);
      const providerId = session ? session.packId.split("/")[0] : LEGACY_WALLET;
      lots.push({ providerId, kind: session?.purpose === "SUBSCRIPTION" ? "SUBSCRIPTION" : "PAID", micros: entry.amountMicros });
    } else if (entry.type === "CONSUME") {
      let left = -entry.amountMicros;
      for (const lot of lots) {
        const part = Math.min(left, lot.micros);
        lot.micros -= part;
        left -= part;
        if (left === 0) break;
      }
    }
  }
  return lots;
}

function mergeByOrigin(lots: Lot[]): Lot[] {
  const merged = new Map<string, Lot>();
  for (const lot of lots) {
    const key = `${lot.providerId}/${lot.kind}`;
    const found = merged.get(key);
    if (found) found.micros += lot.micros;
    else merged.set(key, { ...lot });
  }
  return [...merged.values()];
}
