/**
 * Jobs: a job reserves its price from the wallet of its product's provider (RESERVE -x, holding
 * credits of grants in the spending order), then resolves exactly once. Complete writes RELEASE
 * +reserved then CONSUME -actual (from the grants it held, and past the reservation from what is
 * available); fail, cancel and expiry write RELEASE +reserved. Every operation runs in one store
 * transaction holding the wallet's lock; resolving is a conditional update on the job still being
 * RESERVED, so the same job completed on two nodes at once resolves once. A product charged on
 * acceptance completes in the transaction that creates the job (RESERVE, RELEASE, CONSUME).
 */
import { DomainError, DomainErrorCode, notFound } from "../errors.js";
import type { JobRow, JobStatus } from "../store/repositories/index.js";
import type { Store, Tx } from "../store/store.js";
import { dueScope, type AccountTime, type TimeScope } from "./account-time.js";
import { checkText, creditsToMicros } from "./credits.js";
import type { LockedWallet } from "./ledger.js";
import { accountScope, idempotent, type IdempotencyRequest, type Outcome } from "./idempotency.js";
import { randomHex } from "../ids.js";
import type { PricedJob } from "./pricing.js";
import { parseDecimal, toMicros, type Decimal } from "../pricing/decimal.js";
import type { WalletBook } from "./wallet-book.js";
import { walletProvider } from "./wallet-choice.js";
import type { EventLog, EventType } from "../events/log.js";
import { jobState, walletState } from "../events/payloads.js";

const JOB_EVENTS: Record<Exclude<JobStatus, "RESERVED">, EventType> = {
  COMPLETED: "job.completed",
  FAILED: "job.failed",
  CANCELLED: "job.cancelled",
  EXPIRED: "job.expired",
};

export class JobService {
  constructor(
    private readonly store: Store,
    private readonly book: WalletBook,
    private readonly time: AccountTime,
    /** Reservations older than this expire and are released. */
    private readonly jobTtlMs: number,
    private readonly knownProvider: (id: string) => boolean,
    private readonly events: EventLog,
  ) {}

  /** Reserves credits for a new job, or fails with INSUFFICIENT_CREDITS and writes nothing. */
  create(accountId: string, job: PricedJob, request: IdempotencyRequest): Promise<Outcome<{ jobId: string; transactionId: string }>> {
    return this.store.transaction(async (tx) => {
      const providerId = await walletProvider(tx, this.knownProvider, accountId, job.providerId, ["provider"]);
      const wallet = await this.book.lock(tx, accountId, providerId);
      return idempotent(tx, this.time.server, accountScope(accountId), "jobCreate", request, async () => {
        const created = wallet.asOf;
        const jobId = `job_${randomHex(12)}`;
        await tx.jobs.insert({
          id: jobId,
          accountId,
          providerId,
          reservedMicros: job.micros,
          productId: job.productId,
          estimate: job.estimate,
          createdAt: created.toISOString(),
          expiresAt: new Date(created.getTime() + this.jobTtlMs).toISOString(),
        });
        const entry = await this.book.reserve(tx, wallet, jobId, job.micros, { description: `Reserved for ${job.describe}`, idempotencyKey: request.key });
        const reserved = (await tx.jobs.get(jobId, accountId))!;
        await this.events.record(tx, accountId, "job.reserved", { job: jobState(reserved), wallet: walletState(wallet) });
        if (job.chargedOnAcceptance) {
          // The vendor charges on acceptance: the hold is consumed at once, in the same transaction.
          const row = (await tx.jobs.get(jobId, accountId))!;
          await this.resolve(
            tx,
            wallet,
            row,
            { status: "COMPLETED", consumedMicros: job.micros, reason: null },
            `Reservation of job ${jobId} released: charged on acceptance`,
          );
        }
        return { jobId, transactionId: entry!.id };
      });
    });
  }

  /**
   * Consumes the actual credits (default: all reserved) and releases the rest. More than reserved is
   * taken from the wallet's available credits; when those do not cover it, INSUFFICIENT_CREDITS and
   * nothing changes.
   */
  complete(accountId: string, jobId: string, consumed?: Decimal | null, options: { transcriptFallback?: boolean | null } = {}): Promise<void> {
    const consumedMicros = consumed == null ? null : creditsToMicros(consumed, ["consumedCredits"], { allowZero: true });
    if (options.transcriptFallback && consumedMicros !== null) {
      throw new DomainError(
        DomainErrorCode.BAD_USER_INPUT,
        "Give transcriptFallback or consumedCredits, not both: consumedCredits is what the job used, the transcript credit already left out",
        ["transcriptFallback"],
      );
    }
    if (!options.transcriptFallback) {
      return this.resolveOpen(accountId, jobId, (job) => ({ status: "COMPLETED", consumedMicros: consumedMicros ?? job.reservedMicros, reason: null }));
    }
    return this.resolveOpen(
      accountId,
      jobId,
      (job) => ({ status: "COMPLETED", consumedMicros: job.reservedMicros - transcriptMicros(job), reason: null }),
      `Reservation of job ${jobId} released on completion; the YouTube transcript fell back to speech recognition, so its credit is not charged`,
    );
  }

  fail(accountId: string, jobId: string, reason?: string | null): Promise<void> {
    const why = reason == null ? null : checkText(reason, ["reason"], "A reason");
    return this.resolveOpen(accountId, jobId, () => ({ status: "FAILED", consumedMicros: 0, reason: why }));
  }

  cancel(accountId: string, jobId: string): Promise<void> {
    return this.resolveOpen(accountId, jobId, () => ({ status: "CANCELLED", consumedMicros: 0, reason: null }));
  }

  private resolveOpen(
    accountId: string,
    jobId: string,
    decide: (job: JobRow) => { status: Exclude<JobStatus, "RESERVED">; consumedMicros: number; reason: string | null },
    description?: string,
  ): Promise<void> {
    return this.store.transaction(async (tx) => {
      const found = await tx.jobs.get(jobId, accountId);
      // Another account's job is reported exactly like a missing one.
      if (!found) throw notFound(`No job ${jobId}`, ["jobId"]);
      const wallet = await this.book.lock(tx, accountId, found.providerId);
      // Read again under the wallet's lock: another transaction may have resolved it meanwhile.
      const job = (await tx.jobs.get(jobId, accountId))!;
      const resolved = (status: JobStatus) =>
        new DomainError(DomainErrorCode.JOB_ALREADY_RESOLVED, `Job ${jobId} is already ${status.toLowerCase()}`, ["jobId"]);
      if (job.status !== "RESERVED") throw resolved(job.status);
      if (!(await this.resolve(tx, wallet, job, decide(job), description))) throw resolved((await tx.jobs.get(jobId, accountId))!.status);
    });
  }

  /** Resolves the job if it is still RESERVED (guard: the conditional update), and posts its entries. */
  private async resolve(
    tx: Tx,
    wallet: LockedWallet,
    job: JobRow,
    outcome: { status: Exclude<JobStatus, "RESERVED">; consumedMicros: number; reason: string | null },
    description = releaseDescription(outcome.status, job.id),
  ): Promise<boolean> {
    const resolved = await tx.jobs.resolve(job.id, {
      status: outcome.status,
      consumedMicros: outcome.consumedMicros,
      failureReason: outcome.reason,
      resolvedAt: wallet.asOf.toISOString(),
    });
    if (!resolved) return false;
    await this.book.resolve(tx, wallet, job, outcome.consumedMicros, description);
    const after = (await tx.jobs.get(job.id, job.accountId))!;
    await this.events.record(tx, job.accountId, JOB_EVENTS[outcome.status], { job: jobState(after), wallet: walletState(wallet) });
    return true;
  }

  /**
   * Expires and releases reservations past their TTL; returns how many. Each is claimed by the
   * conditional update that expires it, so two sweepers expire a job once.
   */
  async expireDue(scope: TimeScope = this.time.serverScope(), batchSize = 100): Promise<number> {
    let expired = 0;
    for (;;) {
      const due = await this.store.reads.jobs.due(dueScope(scope), batchSize);
      for (const job of due) {
        const done = await this.store.transaction(async (tx) => {
          const wallet = await this.book.lock(tx, job.accountId, job.providerId);
          return this.resolve(tx, wallet, job, { status: "EXPIRED", consumedMicros: 0, reason: "reservation expired" });
        });
        if (done) expired++;
      }
      if (due.length < batchSize) return expired;
    }
  }
}

/**
 * Subclip AI Clipping's YouTube transcript line (seed/subclip.ts): the doc (004_2276d998eeb372d0.txt)
 * charges it only when the transcript is fetched, not when the job falls back to speech recognition.
 */
export const TRANSCRIPT_LINE_CODE = "youtube_transcript";

/** What the job's estimate charged for the transcript fetch, in all its generations; refused when it charged none. */
function transcriptMicros(job: JobRow): number {
  const estimate = job.estimate as { lineItems?: Array<{ code: string; credits: string }>; generationCount?: number } | null;
  const line = estimate?.lineItems?.find((item) => item.code === TRANSCRIPT_LINE_CODE);
  if (!line) {
    throw new DomainError(
      DomainErrorCode.BAD_USER_INPUT,
      `Job ${job.id} was not priced with a YouTube transcript fetch (a ${TRANSCRIPT_LINE_CODE} line, as Subclip AI Clipping with youtubeTranscript has): there is no transcript credit to leave out`,
      ["transcriptFallback"],
    );
  }
  // Integer micros times a whole count: exact.
  return toMicros(parseDecimal(line.credits)) * (estimate?.generationCount ?? 1);
}

function releaseDescription(status: Exclude<JobStatus, "RESERVED">, jobId: string): string {
  switch (status) {
    case "COMPLETED":
      return `Reservation of job ${jobId} released on completion`;
    case "FAILED":
      return `Reservation of job ${jobId} released: the job failed`;
    case "CANCELLED":
      return `Reservation of job ${jobId} released: the job was cancelled`;
    case "EXPIRED":
      return `Reservation of job ${jobId} released: it expired`;
  }
}
