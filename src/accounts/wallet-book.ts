/**
 * Credits in and out of a wallet's grants, inside the caller's transaction, on a wallet it has
 * locked (`lock`). Adding makes a grant; a reservation holds credits of grants in the spending
 * order and records which; resolving consumes from what it held (and, past the reservation, from
 * what is available) and releases the rest; a refund returns credits to the grants the
 * consumption came from. Credits that come back to a grant whose debt others repaid go back to
 * them; to a closed grant, leave at once (./grant-moves.ts).
 */
import type { EventLog } from "../events/log.js";
import { grantState, walletState } from "../events/payloads.js";
import { InsufficientCreditsError } from "../errors.js";
import type { EntryRow, GrantRow, JobRow, WalletRow } from "../store/repositories/index.js";
import type { Tx } from "../store/store.js";
import { balanceLimitError, credits, fitsBalance } from "./credits.js";
import { expireGrant, repayDebts, settleReturned, spendingOrder, unheld, type Lenders, type Repayment } from "./grant-moves.js";
import { randomHex } from "../ids.js";
import type { CreditLedger, EntryInput, LockedWallet } from "./ledger.js";

export type GrantKind = GrantRow["kind"];
export type GrantSource = GrantRow["source"];

export interface NewGrant {
  kind: GrantKind;
  source: GrantSource;
  sourceId?: string | null;
  micros: number;
  priority?: number;
  effectiveAt?: Date | null;
  expiresAt?: Date | null;
  /** What was paid for these credits in all (micros of `costCurrency`); 0 for promotional ones. */
  costMicros?: number | null;
  costCurrency?: string | null;
}

export class WalletBook {
  constructor(
    readonly ledger: CreditLedger,
    readonly events: EventLog,
  ) {}

  /** The wallet, locked, with its grants past their expiry expired first (guard: the wallet's row lock). */
  async lock(tx: Tx, accountId: string, providerId: string): Promise<LockedWallet> {
    const wallet = await this.ledger.lockWallet(tx, accountId, providerId);
    await this.expireDue(tx, wallet);
    return wallet;
  }

  /** Expires the wallet's grants whose time has come; returns how many. */
  async expireDue(tx: Tx, wallet: LockedWallet): Promise<number> {
    const now = wallet.asOf.toISOString();
    const due = await tx.grants.dueInWallet(wallet.accountId, wallet.providerId, now);
    const entries = due.flatMap((grant) => expireGrant(grant, now));
    for (const grant of due) await tx.grants.save(grant);
    await this.recordLeaving(tx, wallet, entries, await this.ledger.post(tx, wallet, entries));
    return due.length;
  }

  /** A new grant and its entry (PURCHASE, BONUS or MIGRATION); what the wallet owes is repaid from it first. */
  async add(
    tx: Tx,
    wallet: LockedWallet,
    spec: NewGrant,
    entry: { type: "PURCHASE" | "BONUS" | "MIGRATION"; description: string; idempotencyKey?: string | null; field?: string[] },
  ): Promise<{ grant: GrantRow; entry: EntryRow }> {
    if (!fitsBalance(wallet.balanceMicros, spec.micros)) throw balanceLimitError(entry.field ?? ["credits"]);
    const grant = await this.insertGrant(tx, wallet, spec);
    const debtors = await this.debtors(tx, wallet);
    const repaid = repayDebts(wallet, [{ grant, micros: spec.micros }], debtors);
    const entries: EntryInput[] = [
      {
        type: entry.type,
        amountMicros: spec.micros,
        grants: [{ grantId: grant.id, micros: spec.micros }],
        idempotencyKey: entry.idempotencyKey,
        description: entry.description,
      },
      ...repaid.entries,
    ];
    for (const changed of [grant, ...debtors]) await tx.grants.save(changed);
    await this.recordRepayments(tx, repaid.repayments);
    const [posted] = await this.ledger.post(tx, wallet, entries);
    await this.events.record(tx, wallet.accountId, "wallet.credits_added", {
      wallet: walletState(wallet),
      grant: grantState(grant),
      change: { type: entry.type, credits: credits(spec.micros), transactionId: posted.id, refundOf: null },
    });
    // Credits for a time already past (a period paid after it ended) leave at once, in whatever order payments arrive.
    if (spec.expiresAt && spec.expiresAt.getTime() <= wallet.asOf.getTime()) await this.expireDue(tx, wallet);
    return { grant, entry: posted };
  }

  private insertGrant(tx: Tx, wallet: LockedWallet, spec: NewGrant): Promise<GrantRow> {
    const now = wallet.asOf;
    return tx.grants.insert({
      id: `grant_${randomHex(12)}`,
      accountId: wallet.accountId,
      providerId: wallet.providerId,
      kind: spec.kind,
      source: spec.source,
      sourceId: spec.sourceId ?? null,
      amountMicros: spec.micros,
      remainingMicros: spec.micros,
      heldMicros: 0,
      priority: spec.priority ?? 0,
      effectiveAt: (spec.effectiveAt ?? now).toISOString(),
      expiresAt: spec.expiresAt?.toISOString() ?? null,
      costMicros: spec.costMicros ?? null,
      costCurrency: spec.costCurrency ?? null,
      createdAt: now.toISOString(),
    });
  }

  /** Holds `micros` of the wallet's spendable credits for a job, in the spending order; INSUFFICIENT_CREDITS otherwise. */
  async reserve(
    tx: Tx,
    wallet: LockedWallet,
    jobId: string,
    micros: number,
    entry: { description: string; idempotencyKey?: string | null },
  ): Promise<EntryRow | null> {
    if (micros === 0) return null;
    const taken = await this.take(tx, wallet, micros, (needed) => `the job needs ${needed}`);
    await tx.holds.insert(taken.map((part, position) => ({ jobId, grantId: part.grant.id, position, heldMicros: part.micros })));
    for (const part of taken) {
      part.grant.heldMicros += part.micros;
      await tx.grants.save(part.grant);
    }
    const [posted] = await this.ledger.post(tx, wallet, [
      { type: "RESERVE", amountMicros: -micros, grants: parts(taken), jobId, idempotencyKey: entry.idempotencyKey, description: entry.description },
    ]);
    return posted;
  }

  /**
   * Releases a job's holds and consumes `consumedMicros`: first from the grants it held (in the
   * order it took them), then, past its reservation, from the wallet's available credits; refuses
   * with INSUFFICIENT_CREDITS when those do not cover it. What comes back to a closed grant leaves.
   */
  async resolve(tx: Tx, wallet: LockedWallet, job: JobRow, consumedMicros: number, releaseDescription: string): Promise<EntryRow[]> {
    const holds = await tx.holds.ofJob(job.id);
    const held = new Map((await tx.grants.byIds(holds.map((hold) => hold.grantId))).map((grant) => [grant.id, grant]));
    const entries: EntryInput[] = [];
    if (job.reservedMicros > 0) {
      for (const hold of holds) held.get(hold.grantId)!.heldMicros -= hold.heldMicros;
      entries.push({
        type: "RELEASE",
        amountMicros: job.reservedMicros,
        grants: holds.map((hold) => ({ grantId: hold.grantId, micros: hold.heldMicros })),
        jobId: job.id,
        description: releaseDescription,
      });
    }
    const consumed: Array<{ grant: GrantRow; micros: number }> = [];
    let left = consumedMicros;
    for (const hold of holds) {
      const micros = Math.min(left, hold.heldMicros);
      if (micros === 0) continue;
      const grant = held.get(hold.grantId)!;
      grant.remainingMicros -= micros;
      grant.usedMicros += micros;
      consumed.push({ grant, micros });
      left -= micros;
    }
    if (left > 0) {
      // The spendable grants are read from the database: it must see the holds just released.
      for (const grant of held.values()) await tx.grants.save(grant);
      const beyond = (micros: string) =>
        `consuming ${credits(consumedMicros)} for job ${job.id} needs ${micros} more than its ${credits(job.reservedMicros)} reserved`;
      const extra = await this.take(tx, wallet, left, beyond, ["consumedCredits"]);
      for (const part of extra) {
        // A grant the job held may give more too: change the one copy that is saved below.
        const grant = held.get(part.grant.id) ?? part.grant;
        grant.remainingMicros -= part.micros;
        grant.usedMicros += part.micros;
        await tx.grants.save(grant);
        consumed.push({ grant, micros: part.micros });
      }
    }
    if (consumedMicros > 0)
      entries.push({ type: "CONSUME", amountMicros: -consumedMicros, grants: parts(consumed), jobId: job.id, description: `Consumed by job ${job.id}` });
    const lenders = await this.lenders(tx, held.values());
    entries.push(...settleReturned(wallet, held.values(), { jobId: job.id }, lenders));
    await this.saveLenders(tx, lenders);
    const posted = await this.ledger.post(tx, wallet, entries);
    // Released credits of a grant that expired or was clawed back meanwhile leave the wallet now.
    await this.recordLeaving(tx, wallet, entries, posted);
    return posted;
  }

  /**
   * The events of credits that left the wallet with these entries: expired (EXPIRE) or clawed
   * back (CLAWBACK), however they came to leave (a sweep, a release, a refund into a closed grant).
   */
  private async recordLeaving(tx: Tx, wallet: WalletRow, entries: EntryInput[], posted: EntryRow[]): Promise<void> {
    const leaving = (type: EntryRow["type"]) => posted.flatMap((entry, i) => (entry.type === type ? [{ entry, grants: entries[i].grants }] : []));
    const expired = leaving("EXPIRE");
    if (expired.length > 0) {
      const micros = expired.reduce((total, { entry }) => total + entry.amountMicros, 0);
      await this.events.record(tx, wallet.accountId, "wallet.credits_expired", {
        wallet: walletState(wallet),
        change: {
          credits: credits(micros),
          transactionIds: expired.map(({ entry }) => entry.id),
          grantIds: [...new Set(expired.flatMap(({ grants }) => grants.map((g) => g.grantId)))],
        },
      });
    }
    // Credits released or refunded to a grant clawed back already: each such grant's claim grows.
    const clawed = new Map<string, { micros: number; transactionIds: string[] }>();
    for (const { entry, grants } of leaving("CLAWBACK")) {
      for (const part of grants) {
        const sum = clawed.get(part.grantId) ?? { micros: 0, transactionIds: [] };
        sum.micros += part.micros;
        if (!sum.transactionIds.includes(entry.id)) sum.transactionIds.push(entry.id);
        clawed.set(part.grantId, sum);
      }
    }
    for (const grant of clawed.size === 0 ? [] : await tx.grants.byIds([...clawed.keys()])) {
      const { micros, transactionIds } = clawed.get(grant.id)!;
      await this.events.record(tx, wallet.accountId, "grant.clawed_back", {
        wallet: walletState(wallet),
        grant: grantState(grant),
        change: { claimed: credits(micros), reason: "credits returned to a grant already clawed back", transactionIds },
      });
    }
  }

  /**
   * Gives back `micros` of a CONSUME entry to the grants it took them from (in the spending order,
   * none beyond what it took of each); a closed grant's share leaves at once; what the wallet owes
   * is repaid from the rest. A CONSUME from before wallets recorded no grants: its refund is a grant.
   */
  async refund(
    tx: Tx,
    wallet: LockedWallet,
    consume: EntryRow,
    micros: number,
    entry: { description: string; idempotencyKey?: string | null },
  ): Promise<EntryRow> {
    const refundable = await this.refundableByGrant(tx, consume);
    const grants = (await tx.grants.byIds([...refundable.keys()])).sort(spendingOrder);
    const returned: Array<{ grant: GrantRow; micros: number }> = [];
    let left = micros;
    for (const grant of grants) {
      const part = Math.min(left, refundable.get(grant.id)!);
      if (part <= 0) continue;
      grant.remainingMicros += part;
      grant.usedMicros -= part;
      returned.push({ grant, micros: part });
      left -= part;
    }
    if (left > 0) {
      // Its grant is made with the credits in it (remaining = amount).
      returned.push({ grant: await this.insertGrant(tx, wallet, { kind: "PROMOTIONAL", source: "ADMIN", micros: left, costMicros: 0 }), micros: left });
    }
    const touched = returned.map((part) => part.grant);
    const entries: EntryInput[] = [
      {
        type: "REFUND",
        amountMicros: micros,
        grants: parts(returned),
        jobId: consume.jobId,
        refundOfId: consume.id,
        idempotencyKey: entry.idempotencyKey,
        description: entry.description,
      },
    ];
    // Own debts first (and what their payers repaid), then the wallet's other debts, from no more than this refund left.
    const lenders = await this.lenders(tx, touched);
    entries.push(...settleReturned(wallet, touched, { jobId: consume.jobId }, lenders));
    await this.saveLenders(tx, lenders);
    // A grant given credits back is the copy to change, if it owes too.
    const debtors = (await this.debtors(tx, wallet))
      .filter((debtor) => !touched.some((grant) => grant.id === debtor.id))
      .map((debtor) => lenders.grants.get(debtor.id) ?? debtor);
    const repaid = repayDebts(wallet, returned, debtors);
    entries.push(...repaid.entries);
    for (const grant of [...touched, ...debtors]) await tx.grants.save(grant);
    await this.recordRepayments(tx, repaid.repayments);
    const all = await this.ledger.post(tx, wallet, entries);
    const [posted] = all;
    await this.events.record(tx, wallet.accountId, "wallet.credits_added", {
      wallet: walletState(wallet),
      grant: null,
      change: { type: "REFUND", credits: credits(micros), transactionId: posted.id, refundOf: consume.id },
    });
    await this.recordLeaving(tx, wallet, entries, all);
    return posted;
  }

  /** Per grant the CONSUME entry took from, what is not refunded yet (a refund's grant made for credits from before wallets is none of them). */
  private async refundableByGrant(tx: Tx, consume: EntryRow): Promise<Map<string, number>> {
    const refunds = await tx.ledger.refundsOf(consume.id);
    const rows = await tx.entryGrants.ofEntries([consume.id, ...refunds.map((r) => r.id)]);
    const left = new Map<string, number>(rows.filter((row) => row.entryId === consume.id).map((row) => [row.grantId, row.micros]));
    for (const row of rows) if (row.entryId !== consume.id && left.has(row.grantId)) left.set(row.grantId, left.get(row.grantId)! - row.micros);
    return left;
  }

  /**
   * Who repaid the debts of `grants`, and of those payers, and on: whom settleReturned gives
   * credits back to. Reads nothing unless another grant repaid the debt of one of them.
   */
  async lenders(tx: Tx, grants: Iterable<GrantRow>): Promise<Lenders> {
    const lenders: Lenders = { repayments: [], grants: new Map([...grants].map((grant) => [grant.id, grant])) };
    const asked = new Set<string>();
    let debtors = [...lenders.grants.values()].filter((grant) => grant.repaidMicros > 0);
    while (debtors.length > 0) {
      for (const debtor of debtors) asked.add(debtor.id);
      const rows = await tx.grantRepayments.ofDebtors(debtors.map((debtor) => debtor.id));
      lenders.repayments.push(...rows);
      const payerIds = [...new Set(rows.map((row) => row.payerId))];
      for (const payer of await tx.grants.byIds(payerIds.filter((id) => !lenders.grants.has(id)))) lenders.grants.set(payer.id, payer);
      debtors = payerIds.map((id) => lenders.grants.get(id)!).filter((payer) => payer.repaidMicros > 0 && !asked.has(payer.id));
    }
    return lenders;
  }

  /**
   * Before a claim: unheld credits of a grant while others' repayments of its debt are not given
   * back (credits returned to it before give-backs existed) are theirs, and go back to them now.
   */
  async giveBackRepaid(tx: Tx, wallet: LockedWallet, grant: GrantRow): Promise<void> {
    if (grant.repaidMicros === 0 || unheld(grant) <= 0) return;
    const lenders = await this.lenders(tx, [grant]);
    const entries = settleReturned(wallet, [grant], {}, lenders);
    await this.saveLenders(tx, lenders);
    await this.recordLeaving(tx, wallet, entries, await this.ledger.post(tx, wallet, entries));
  }

  /** Saves the grants and repayments settleReturned changed. */
  async saveLenders(tx: Tx, lenders: Lenders): Promise<void> {
    for (const grant of lenders.grants.values()) await tx.grants.save(grant);
    await tx.grantRepayments.save(lenders.repayments);
  }

  private async recordRepayments(tx: Tx, repayments: Repayment[]): Promise<void> {
    for (const repayment of repayments) await tx.grantRepayments.add(repayment);
  }

  /** The wallet's grants that owe credits, when it owes any. */
  private debtors(tx: Tx, wallet: WalletRow): Promise<GrantRow[]> {
    return wallet.owedMicros > 0 ? tx.grants.inDebt(wallet.accountId, wallet.providerId) : Promise.resolve([]);
  }

  /** Unheld credits of spendable grants, in the spending order, covering `micros`; INSUFFICIENT_CREDITS otherwise. */
  private async take(
    tx: Tx,
    wallet: LockedWallet,
    micros: number,
    what: (micros: string) => string,
    field?: string[],
  ): Promise<Array<{ grant: GrantRow; micros: number }>> {
    const spendable = await tx.grants.spendable(wallet.accountId, wallet.providerId, wallet.asOf.toISOString());
    const available = spendable.reduce((sum, grant) => sum + unheld(grant), 0);
    if (micros > available) {
      const missing = micros - available;
      throw new InsufficientCreditsError(
        `Insufficient ${wallet.providerId} credits: ${what(credits(micros))}, ${credits(available)} are available, ${credits(missing)} missing`,
        wallet.providerId,
        missing,
        field,
      );
    }
    const taken: Array<{ grant: GrantRow; micros: number }> = [];
    let left = micros;
    for (const grant of spendable) {
      const part = Math.min(left, unheld(grant));
      taken.push({ grant, micros: part });
      left -= part;
      if (left === 0) break;
    }
    return taken;
  }
}

const parts = (taken: Array<{ grant: GrantRow; micros: number }>) => taken.map((part) => ({ grantId: part.grant.id, micros: part.micros }));
