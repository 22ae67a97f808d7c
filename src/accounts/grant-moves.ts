/**
 * What happens to a grant's credits beyond spending them: expiry; a clawback of a refunded or
 * disputed purchase, whose credits used beyond what was paid for become the grant's debt (owed);
 * credits coming back to a grant (a release, a refund), which repay its own debt first, then go
 * back to the grants that repaid the rest of it, and leave at once when it is closed; and debts
 * repaid from credits added later. These compute entries and change the rows in memory; the
 * caller saves the grants (and repayments) and posts the entries on the locked wallet.
 */
import type { GrantRow, WalletRow } from "../store/repositories/index.js";
import type { EntryInput } from "./ledger.js";

/** Credits of a grant that no job holds. */
export const unheld = (grant: GrantRow) => grant.remainingMicros - grant.heldMicros;

/** What `payerId` repaid of `debtorId`'s debt and has not had back (grant_repayments). */
export interface Repayment {
  debtorId: string;
  payerId: string;
  micros: number;
}

/**
 * Who repaid the debts of the grants credits come back to: their repayments (oldest payer first)
 * and every grant they name, as the caller's copies (one copy of a grant is changed and saved).
 * The caller loads them (WalletBook.lenders) and saves the grants and repayments after.
 */
export interface Lenders {
  repayments: Repayment[];
  grants: Map<string, GrantRow>;
}

/**
 * Credits that came back to these grants (a release, a refund) settle, grant by grant:
 * 1. its own debt first (REPAY): used credits the buyer still owes for;
 * 2. then what other grants repaid of its debt goes back to them, up to what each repaid, oldest
 *    payer first (REPAY out of it, REIMBURSE into the payer). The rule: a payer's credits paid
 *    for a use that has come back undone, so the credits that come back are the payer's again,
 *    with its expiry, priority and claims, not the debtor's. Afterwards `owed` is what the buyer
 *    still owes for the grant's use, and `repaid` what other grants paid of its debt for credits
 *    still used or held: it drops by what is given back, and the payer's `used` with it. A later
 *    claim's `kept` (used + remaining - owed - repaid) is unchanged, and a grant holds no unheld
 *    credits while it owes or others' repayments of its debt stand: a dispute, which claims all
 *    the grant's own credits, leaves nothing in it. Left in the grant, those credits could be
 *    neither claimed (the buyer paid for them with the payer's) nor kept once it closed (a closed
 *    grant keeps nothing), and a release into a clawed-back grant would claw them;
 * 3. on a closed grant the rest leaves at once: an expired grant's expire (EXPIRE), a
 *    clawed-back grant's are clawed (CLAWBACK).
 * A payer settles what it gets back the same way; every give-back lowers a repayment, so a chain
 * (or a ring) of payers ends.
 */
export function settleReturned(wallet: WalletRow, grants: Iterable<GrantRow>, context: { jobId?: string | null }, lenders: Lenders): EntryInput[] {
  const entries: EntryInput[] = [];
  const queue = [...grants];
  for (let grant = queue.shift(); grant; grant = queue.shift()) {
    const repaid = Math.min(Math.max(unheld(grant), 0), grant.owedMicros);
    if (repaid > 0) {
      grant.remainingMicros -= repaid;
      grant.owedMicros -= repaid;
      wallet.owedMicros -= repaid;
      entries.push({
        type: "REPAY",
        amountMicros: -repaid,
        grants: [{ grantId: grant.id, micros: repaid }],
        jobId: context.jobId,
        description: `Credits owed by grant ${grant.id} repaid from credits returned to it`,
      });
    }
    for (const repayment of lenders.repayments) {
      const back = repayment.debtorId === grant.id ? Math.min(Math.max(unheld(grant), 0), repayment.micros) : 0;
      if (back === 0) continue;
      const payer = lenders.grants.get(repayment.payerId)!;
      repayment.micros -= back;
      grant.repaidMicros -= back;
      grant.remainingMicros -= back;
      payer.usedMicros -= back;
      payer.remainingMicros += back;
      const why = `grant ${payer.id} repaid of the debt of grant ${grant.id}`;
      entries.push(
        {
          type: "REPAY",
          amountMicros: -back,
          grants: [{ grantId: grant.id, micros: back }],
          jobId: context.jobId,
          description: `Credits returned to grant ${grant.id} given back for what ${why}`,
        },
        {
          type: "REIMBURSE",
          amountMicros: back,
          grants: [{ grantId: payer.id, micros: back }],
          jobId: context.jobId,
          description: `Credits given back for what ${why}`,
        },
      );
      if (!queue.includes(payer)) queue.push(payer);
    }
    const free = unheld(grant);
    if (!grant.closedReason || free <= 0) continue;
    grant.remainingMicros -= free;
    const type = grant.closedReason === "EXPIRED" ? "EXPIRE" : "CLAWBACK";
    const why = grant.closedReason === "EXPIRED" ? "expired" : "was clawed back";
    entries.push({
      type,
      amountMicros: -free,
      grants: [{ grantId: grant.id, micros: free }],
      jobId: context.jobId,
      description: `Credits returned to grant ${grant.id} after it ${why}`,
    });
  }
  return entries;
}

/**
 * What other grants of the wallet owe is repaid from credits just added or given back to
 * `payers` (no more than `micros` of each), oldest debt first; the payer's credits count as used,
 * and each repayment is recorded (`repayments`, to add to grant_repayments) for a give-back.
 */
export function repayDebts(
  wallet: WalletRow,
  payers: Array<{ grant: GrantRow; micros: number }>,
  debtors: GrantRow[],
): { entries: EntryInput[]; repayments: Repayment[] } {
  const entries: EntryInput[] = [];
  const repayments: Repayment[] = [];
  for (const payer of payers) {
    let left = payer.grant.closedReason ? 0 : Math.min(payer.micros, Math.max(unheld(payer.grant), 0));
    for (const debtor of debtors) {
      if (left === 0) break;
      const repaid = Math.min(left, debtor.owedMicros);
      if (repaid === 0 || debtor.id === payer.grant.id) continue;
      debtor.owedMicros -= repaid;
      debtor.repaidMicros += repaid;
      wallet.owedMicros -= repaid;
      payer.grant.remainingMicros -= repaid;
      payer.grant.usedMicros += repaid;
      left -= repaid;
      repayments.push({ debtorId: debtor.id, payerId: payer.grant.id, micros: repaid });
      entries.push({
        type: "REPAY",
        amountMicros: -repaid,
        grants: [{ grantId: payer.grant.id, micros: repaid }],
        description: `Credits owed by grant ${debtor.id} (clawed back) repaid from grant ${payer.grant.id}`,
      });
    }
  }
  return { entries, repayments };
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
 * Claims `claimMicros` more credits of a refunded or disputed purchase back, as Lago and Orb void
 * a refunded credit block. Of the grant the buyer may keep `entitled` = amount - all claims so
 * far; what it has of the grant (`kept`) is what it used, plus what remains, less what it owes
 * and what other grants already repaid of its debt (those used credits were given back once;
 * credits that come back to the grant repay its debt, then go back to them: settleReturned).
 * The excess leaves: unheld credits now (CLAWBACK), the rest becomes the grant's debt, repaid
 * first from credits that come back to it (a release of credits a job holds) or are added to the
 * wallet. Expired credits were never used: they are not owed. `close` (a dispute, a full
 * refund) claims all of it: nothing of the grant may be spent any more.
 */
export function clawBackGrant(wallet: WalletRow, grant: GrantRow, claimMicros: number, close: boolean, at: string, reason: string): EntryInput[] {
  // Closing claims all: nothing of the grant may be kept.
  grant.clawedMicros = close ? grant.amountMicros : Math.min(grant.clawedMicros + claimMicros, grant.amountMicros);
  const entitled = grant.amountMicros - grant.clawedMicros;
  const kept = grant.usedMicros + grant.remainingMicros - grant.owedMicros - grant.repaidMicros;
  const excess = Math.max(kept - entitled, 0);
  const taken = Math.min(excess, Math.max(unheld(grant), 0));
  grant.remainingMicros -= taken;
  grant.owedMicros += excess - taken;
  wallet.owedMicros += excess - taken;
  if (close && !grant.closedReason) {
    grant.closedReason = "CLAWED_BACK";
    grant.closedAt = at;
  }
  return taken > 0 ? [{ type: "CLAWBACK", amountMicros: -taken, grants: [{ grantId: grant.id, micros: taken }], description: reason }] : [];
}

/** What the spending order looks at, whatever the grant's shape (a row, a GraphQL record). */
export interface SpendingKey {
  priority: number;
  /** Milliseconds; null: never. */
  expiresAt: number | null;
  kind: string;
  seq: number;
}

/** The spending order, as the grants repository sorts: priority, soonest expiry (never last), promotional first, oldest. */
export function compareSpending(a: SpendingKey, b: SpendingKey): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.expiresAt !== b.expiresAt) {
    if (a.expiresAt === null) return 1;
    if (b.expiresAt === null) return -1;
    return a.expiresAt - b.expiresAt;
  }
  const promotional = Number(a.kind !== "PROMOTIONAL") - Number(b.kind !== "PROMOTIONAL");
  return promotional !== 0 ? promotional : a.seq - b.seq;
}

const keyOfRow = (g: GrantRow): SpendingKey => ({
  priority: g.priority,
  expiresAt: g.expiresAt === null ? null : Date.parse(g.expiresAt),
  kind: g.kind,
  seq: g.seq,
});

export const spendingOrder = (a: GrantRow, b: GrantRow) => compareSpending(keyOfRow(a), keyOfRow(b));
