/**
 * Checks an account's wallets against every invariant the ledger promises. Returns what is wrong
 * (empty when all holds), a line per problem naming the wallet; used by the tests after every
 * step, by the crash test after restarts, and by operators (`npm run audit`, scripts/audit.ts).
 */
import type { EntryRow, JobRow, Repositories, WalletRow } from "../store/repositories/index.js";

/** The store's reads (`store.reads`): the audit reads committed data only. */
export async function auditAccount(reads: Repositories, accountId: string): Promise<string[]> {
  const account = await reads.accounts.get(accountId);
  if (!account) return [`account ${accountId} does not exist`];
  const entries = await reads.ledger.ofAccount(accountId);
  const jobs = await reads.jobs.ofAccount(accountId);
  const wallets = await reads.wallets.ofAccount(accountId);
  const problems: string[] = [];
  for (const entry of entries)
    if (!wallets.some((w) => w.providerId === entry.providerId)) problems.push(`${accountId}/${entry.providerId}: entry ${entry.id} has no wallet`);
  for (const wallet of wallets) {
    const own = (e: { providerId: string }) => e.providerId === wallet.providerId;
    problems.push(...(await auditWallet(reads, wallet, entries.filter(own), jobs.filter(own))));
  }
  return problems;
}

async function auditWallet(reads: Repositories, wallet: WalletRow, entries: EntryRow[], jobs: JobRow[]): Promise<string[]> {
  const problems: string[] = [];
  const name = `${wallet.accountId}/${wallet.providerId}`;
  const ordered = [...entries].sort((a, b) => a.sequence - b.sequence);
  let available = 0;
  let balance = 0;
  let reserved = 0;
  ordered.forEach((entry, index) => {
    const where = `${name} #${entry.sequence} ${entry.type}`;
    if (entry.sequence !== index + 1) problems.push(`${where}: sequence should be ${index + 1}`);
    if (entry.availableBeforeMicros !== available)
      problems.push(`${where}: balanceBefore ${entry.availableBeforeMicros} != previous balanceAfter ${available}`);
    if (entry.availableAfterMicros !== entry.availableBeforeMicros + entry.amountMicros) problems.push(`${where}: balanceAfter != balanceBefore + amount`);
    if (entry.availableAfterMicros < 0) problems.push(`${where}: available went below zero`);
    available = entry.availableAfterMicros;
    if (entry.type === "RESERVE" || entry.type === "RELEASE") reserved -= entry.amountMicros;
    else balance += entry.amountMicros;
    if (reserved < 0) problems.push(`${where}: reserved went below zero`);
  });
  if (wallet.lastSequence !== ordered.length) problems.push(`${name}: lastSequence ${wallet.lastSequence} != ${ordered.length} entries`);
  if (wallet.balanceMicros !== balance) problems.push(`${name}: balance ${wallet.balanceMicros} != ledger ${balance}`);
  if (wallet.reservedMicros !== reserved) problems.push(`${name}: reserved ${wallet.reservedMicros} != ledger ${reserved}`);
  if (wallet.balanceMicros - wallet.reservedMicros !== available) problems.push(`${name}: available != last balanceAfter`);

  // Grants: the balance is what they hold, the reservations what jobs hold of them.
  const grants = await reads.grants.ofWallet(wallet.accountId, wallet.providerId);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  if (sum(grants.map((g) => g.remainingMicros)) !== wallet.balanceMicros)
    problems.push(`${name}: balance ${wallet.balanceMicros} != grants' remaining ${sum(grants.map((g) => g.remainingMicros))}`);
  if (sum(grants.map((g) => g.heldMicros)) !== wallet.reservedMicros)
    problems.push(`${name}: reserved ${wallet.reservedMicros} != grants' held ${sum(grants.map((g) => g.heldMicros))}`);
  if (sum(grants.map((g) => g.owedMicros)) !== wallet.owedMicros)
    problems.push(`${name}: owed ${wallet.owedMicros} != grants' owed ${sum(grants.map((g) => g.owedMicros))}`);
  for (const grant of grants) {
    if (grant.remainingMicros < 0 || grant.remainingMicros > grant.amountMicros)
      problems.push(`grant ${grant.id}: remaining ${grant.remainingMicros} outside 0..${grant.amountMicros}`);
    if (grant.heldMicros < 0 || grant.heldMicros > grant.remainingMicros) problems.push(`grant ${grant.id}: held ${grant.heldMicros} outside 0..remaining`);
    if (grant.closedReason && grant.remainingMicros !== grant.heldMicros)
      problems.push(`grant ${grant.id}: ${grant.closedReason} but ${grant.remainingMicros - grant.heldMicros} unheld credits remain`);
    // Returned credits repay its debt, then go back to whoever repaid it: none stay beside a debt.
    if ((grant.owedMicros > 0 || grant.repaidMicros > 0) && grant.remainingMicros > grant.heldMicros)
      problems.push(
        `grant ${grant.id}: ${grant.remainingMicros - grant.heldMicros} unheld credits beside ${grant.owedMicros} owed and ${grant.repaidMicros} repaid by other grants`,
      );
  }
  // What other grants repaid of a grant's debt and have not had back, pair by pair, adds up to its `repaid`.
  const repayments = await reads.grantRepayments.ofDebtors(grants.filter((g) => g.clawedMicros > 0).map((g) => g.id));
  for (const grant of grants) {
    const repaid = sum(repayments.filter((r) => r.debtorId === grant.id).map((r) => r.micros));
    if (repaid !== grant.repaidMicros) problems.push(`grant ${grant.id}: repaid ${grant.repaidMicros} != its repayments' ${repaid}`);
  }
  const open = jobs.filter((j) => j.status === "RESERVED");
  if (sum(open.map((j) => j.reservedMicros)) !== wallet.reservedMicros)
    problems.push(`${name}: reserved ${wallet.reservedMicros} != open jobs ${sum(open.map((j) => j.reservedMicros))}`);
  const heldByJobs = new Map<string, number>();
  for (const job of open) {
    const holds = await reads.holds.ofJob(job.id);
    if (sum(holds.map((h) => h.heldMicros)) !== job.reservedMicros)
      problems.push(`job ${job.id}: holds ${sum(holds.map((h) => h.heldMicros))} != reserved ${job.reservedMicros}`);
    for (const hold of holds) heldByJobs.set(hold.grantId, (heldByJobs.get(hold.grantId) ?? 0) + hold.heldMicros);
  }
  for (const grant of grants)
    if ((heldByJobs.get(grant.id) ?? 0) !== grant.heldMicros)
      problems.push(`grant ${grant.id}: held ${grant.heldMicros} != open jobs' holds ${heldByJobs.get(grant.id) ?? 0}`);

  // Every entry's grant parts add up to its amount (entries from before wallets have none).
  const parts = await reads.entryGrants.ofEntries(entries.map((e) => e.id));
  for (const entry of entries) {
    const own = parts.filter((p) => p.entryId === entry.id);
    if (own.length > 0 && sum(own.map((p) => p.micros)) !== Math.abs(entry.amountMicros)) problems.push(`${entry.id}: grants' parts != amount`);
  }
  // Each grant's figures are what its entries did to it (a legacy grant started with the pool's credits and holds).
  const byId = new Map(entries.map((e) => [e.id, e]));
  for (const grant of grants) {
    const legacy = grant.id.startsWith("grant_legacy_");
    let remaining = legacy ? grant.amountMicros : 0;
    let held = 0;
    for (const part of parts.filter((p) => p.grantId === grant.id)) {
      const entry = byId.get(part.entryId)!;
      if (entry.type === "RESERVE") held += part.micros;
      else if (entry.type === "RELEASE") held -= part.micros;
      else remaining += entry.amountMicros > 0 ? part.micros : -part.micros;
    }
    if (remaining !== grant.remainingMicros) problems.push(`grant ${grant.id}: remaining ${grant.remainingMicros} != its entries' ${remaining}`);
    if (!legacy && held !== grant.heldMicros) problems.push(`grant ${grant.id}: held ${grant.heldMicros} != its entries' ${held}`);
    if (grant.clawedMicros === 0 && grant.owedMicros !== 0) problems.push(`grant ${grant.id}: owes ${grant.owedMicros} without a clawback`);
  }
  const expired = entries.filter((e) => e.type === "EXPIRE");
  for (const grant of grants.filter((g) => g.closedReason === "EXPIRED")) {
    const times = parts.filter((p) => p.grantId === grant.id && expired.some((e) => e.id === p.entryId)).length;
    const released = parts.filter(
      (p) => p.grantId === grant.id && entries.some((e) => e.id === p.entryId && (e.type === "RELEASE" || e.type === "REFUND" || e.type === "REIMBURSE")),
    ).length;
    if (times > 1 + released) problems.push(`grant ${grant.id}: expired ${times} times`);
  }

  for (const job of jobs) {
    const own = entries.filter((e) => e.jobId === job.id);
    const count = (type: string) => own.filter((e) => e.type === type).length;
    const sumOf = (type: string) => own.filter((e) => e.type === type).reduce((s, e) => s + e.amountMicros, 0);
    if (job.reservedMicros > 0 && (count("RESERVE") !== 1 || -sumOf("RESERVE") !== job.reservedMicros))
      problems.push(`job ${job.id}: not reserved exactly once`);
    const releases = count("RELEASE");
    if (job.status === "RESERVED" ? releases !== 0 : releases !== (job.reservedMicros > 0 ? 1 : 0))
      problems.push(`job ${job.id} (${job.status}): released ${releases} times`);
    if (-sumOf("CONSUME") !== job.consumedMicros) problems.push(`job ${job.id}: consumed ${job.consumedMicros} != ledger ${-sumOf("CONSUME")}`);
    if (job.status !== "COMPLETED" && job.consumedMicros !== 0) problems.push(`job ${job.id}: ${job.status} but consumed credits`);
  }
  for (const refund of entries.filter((e) => e.type === "REFUND")) {
    const consumed = entries.find((e) => e.id === refund.refundOfId);
    const total = entries.filter((e) => e.type === "REFUND" && e.refundOfId === refund.refundOfId).reduce((s, e) => s + e.amountMicros, 0);
    if (!consumed || consumed.type !== "CONSUME" || total > -consumed.amountMicros) problems.push(`refund ${refund.id}: refunds more than was consumed`);
  }
  // Every line names its wallet first (`npm run audit` prints them as they are).
  return problems.map((problem) => (problem.startsWith(name) ? problem : `${name} ${problem}`));
}

export async function auditAllAccounts(reads: Repositories): Promise<string[]> {
  const problems: string[] = [];
  for (const id of await reads.accounts.ids()) problems.push(...(await auditAccount(reads, id)));
  return problems;
}
