/**
 * Checks an account's ledger against every invariant the ledger promises. Returns what is wrong
 * (empty when all holds); used by the tests after every step and by the crash test after restarts.
 */
import type { Repositories } from "../store/repositories/index.js";

/** The store's reads (`store.reads`): the audit reads committed data only. */
export async function auditAccount(reads: Repositories, accountId: string): Promise<string[]> {
  const problems: string[] = [];
  const account = await reads.accounts.get(accountId);
  if (!account) return [`account ${accountId} does not exist`];
  const entries = await reads.ledger.ofAccount(accountId);
  const jobs = await reads.jobs.ofAccount(accountId);

  let available = 0;
  let balance = 0;
  let reserved = 0;
  entries.forEach((entry, index) => {
    const where = `${accountId} #${entry.sequence} ${entry.type}`;
    if (entry.sequence !== index + 1) problems.push(`${where}: sequence should be ${index + 1}`);
    if (entry.availableBeforeMicros !== available) {
      problems.push(`${where}: balanceBefore ${entry.availableBeforeMicros} != previous balanceAfter ${available}`);
    }
    if (entry.availableAfterMicros !== entry.availableBeforeMicros + entry.amountMicros) {
      problems.push(`${where}: balanceAfter != balanceBefore + amount`);
    }
    if (entry.availableAfterMicros < 0) problems.push(`${where}: available went below zero`);
    available = entry.availableAfterMicros;
    if (entry.type === "RESERVE" || entry.type === "RELEASE") reserved -= entry.amountMicros;
    else balance += entry.amountMicros;
    if (reserved < 0) problems.push(`${where}: reserved went below zero`);
  });

  if (account.lastSequence !== entries.length) problems.push(`${accountId}: lastSequence ${account.lastSequence} != ${entries.length} entries`);
  if (account.balanceMicros !== balance) problems.push(`${accountId}: balance ${account.balanceMicros} != ledger ${balance}`);
  if (account.reservedMicros !== reserved) problems.push(`${accountId}: reserved ${account.reservedMicros} != ledger ${reserved}`);
  if (account.balanceMicros - account.reservedMicros !== available) problems.push(`${accountId}: available != last balanceAfter`);

  const openReserved = jobs.filter((j) => j.status === "RESERVED").reduce((sum, j) => sum + j.reservedMicros, 0);
  if (openReserved !== account.reservedMicros) problems.push(`${accountId}: reserved ${account.reservedMicros} != open jobs ${openReserved}`);

  for (const job of jobs) {
    const own = entries.filter((e) => e.jobId === job.id);
    const count = (type: string) => own.filter((e) => e.type === type).length;
    const sumOf = (type: string) => own.filter((e) => e.type === type).reduce((s, e) => s + e.amountMicros, 0);
    if (count("RESERVE") !== 1 || -sumOf("RESERVE") !== job.reservedMicros) problems.push(`job ${job.id}: not reserved exactly once`);
    const releases = count("RELEASE");
    if (job.status === "RESERVED" ? releases !== 0 : releases !== (job.reservedMicros > 0 ? 1 : 0)) {
      problems.push(`job ${job.id} (${job.status}): released ${releases} times`);
    }
    if (-sumOf("CONSUME") !== job.consumedMicros) problems.push(`job ${job.id}: consumed ${job.consumedMicros} != ledger ${-sumOf("CONSUME")}`);
    if (job.status !== "COMPLETED" && job.consumedMicros !== 0) problems.push(`job ${job.id}: ${job.status} but consumed credits`);
  }
  for (const refund of entries.filter((e) => e.type === "REFUND")) {
    const consumed = entries.find((e) => e.id === refund.refundOfId);
    const total = entries.filter((e) => e.type === "REFUND" && e.refundOfId === refund.refundOfId).reduce((s, e) => s + e.amountMicros, 0);
    if (!consumed || consumed.type !== "CONSUME" || total > -consumed.amountMicros) {
      problems.push(`refund ${refund.id}: refunds more than was consumed`);
    }
  }
  return problems;
}

export async function auditAllAccounts(reads: Repositories): Promise<string[]> {
  const problems: string[] = [];
  for (const id of await reads.accounts.ids()) problems.push(...(await auditAccount(reads, id)));
  return problems;
}
