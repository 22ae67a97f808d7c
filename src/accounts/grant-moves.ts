/**
 * What happens to a grant's credits that no job holds once the grant is closed (expired or
 * clawed back), and how credits owed by a wallet are repaid. These compute entries and change the
 * grant rows in memory; the caller saves the grants and posts the entries on the locked wallet.
 */
import type { GrantRow, WalletRow } from "../store/repositories/index.js";
import type { EntryInput } from "./ledger.js";

/** Credits of a grant that no job holds. */
export const unheld = (grant: GrantRow) => grant.remainingMicros - grant.heldMicros;

/**
 * Credits released or refunded to a closed grant leave at once: an expired grant's expire (EXPIRE),
 * a clawed-back grant's repay what the wallet owes (REPAY), and whatever is left is clawed (CLAWBACK).
 */
export function settleClosed(wallet: WalletRow, grants: Iterable<GrantRow>, context: { jobId?: string | null }): EntryInput[] {
  const entries: EntryInput[] = [];
  for (const grant of grants) {
    const free = unheld(grant);
    if (!grant.closedReason || free <= 0) continue;
    grant.remainingMicros -= free;
    if (grant.closedReason === "EXPIRED") {
      entries.push({ type: "EXPIRE", amountMicros: -free, grants: [{ grantId: grant.id, micros: free }], jobId: context.jobId, description: `Credits of grant ${grant.id} returned after it expired` });
      continue;
    }
    const repaid = Math.min(free, wallet.owedMicros);
    wallet.owedMicros -= repaid;
    if (repaid > 0) entries.push({ type: "REPAY", amountMicros: -repaid, grants: [{ grantId: grant.id, micros: repaid }], jobId: context.jobId, description: `Credits owed repaid from grant ${grant.id}, clawed back` });
    if (free > repaid) entries.push({ type: "CLAWBACK", amountMicros: -(free - repaid), grants: [{ grantId: grant.id, micros: free - repaid }], jobId: context.jobId, description: `Credits of grant ${grant.id} returned after it was clawed back` });
  }
  return entries;
}

/** What the wallet owes is repaid first from credits just added to these (open) grants. */
export function repayOwed(wallet: WalletRow, grants: Iterable<GrantRow>): EntryInput[] {
  const entries: EntryInput[] = [];
  for (const grant of grants) {
    if (wallet.owedMicros === 0) break;
    if (grant.closedReason) continue;
    const repaid = Math.min(unheld(grant), wallet.owedMicros);
    if (repaid <= 0) continue;
    grant.remainingMicros -= repaid;
    wallet.owedMicros -= repaid;
    entries.push({ type: "REPAY", amountMicros: -repaid, grants: [{ grantId: grant.id, micros: repaid }], description: `Credits owed after a clawback repaid from grant ${grant.id}` });
  }
  return entries;
}

/** Closes a grant whose expiry has come: its unheld credits expire now, held ones when released. */
export function expireGrant(grant: GrantRow, at: string): EntryInput[] {
  if (grant.closedReason) return [];
  grant.closedReason = "EXPIRED";
  grant.closedAt = at;
  const free = unheld(grant);
  if (free <= 0) return [];
  grant.remainingMicros -= free;
  return [{ type: "EXPIRE", amountMicros: -free, grants: [{ grantId: grant.id, micros: free }], description: `Grant ${grant.id} expired` }];
}

/**
 * Takes back `claimMicros` more credits of a refunded or disputed purchase (a grant), as Lago and
 * Orb void a refunded credit block. Of the grant, the buyer may now keep `entitled` = amount -
 * claims so far; `used` = what went to jobs (consumed, repaid, or held by running ones). Unheld
 * credits beyond what may still be kept unused (entitled - used) are clawed back now (CLAWBACK);
 * used credits beyond the entitlement become owed (expired credits were never used: not owed).
 * `usedMicros` comes from the ledger (./wallet-book.ts). `close` (a dispute, a full refund):
 * nothing of the grant may be spent any more.
 */
export function clawBackGrant(
  wallet: WalletRow,
  grant: GrantRow,
  claim: { micros: number; usedMicros: number; close: boolean },
  at: string,
  reason: string,
): EntryInput[] {
  const claimed = Math.min(grant.clawedMicros + claim.micros, grant.amountMicros);
  const owedBefore = Math.max(claim.usedMicros - (grant.amountMicros - grant.clawedMicros), 0);
  const entitled = grant.amountMicros - claimed;
  const keep = claim.close ? 0 : Math.max(entitled - claim.usedMicros, 0);
  const taken = Math.max(unheld(grant) - keep, 0);
  grant.clawedMicros = claimed;
  grant.remainingMicros -= taken;
  wallet.owedMicros += Math.max(claim.usedMicros - entitled, 0) - owedBefore;
  if (claim.close && !grant.closedReason) {
    grant.closedReason = "CLAWED_BACK";
    grant.closedAt = at;
  }
  return taken > 0 ? [{ type: "CLAWBACK", amountMicros: -taken, grants: [{ grantId: grant.id, micros: taken }], description: reason }] : [];
}

/** Spending order, as the grants repository sorts: priority, soonest expiry (never last), promotional first, oldest. */
export function spendingOrder(a: GrantRow, b: GrantRow): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.expiresAt !== b.expiresAt) {
    if (a.expiresAt === null) return 1;
    if (b.expiresAt === null) return -1;
    return a.expiresAt < b.expiresAt ? -1 : 1;
  }
  const promotional = Number(a.kind !== "PROMOTIONAL") - Number(b.kind !== "PROMOTIONAL");
  return promotional !== 0 ? promotional : a.seq - b.seq;
}
