/**
 * Jobs: a job reserves its price (RESERVE -x), then resolves exactly once. Complete writes
 * RELEASE +reserved then CONSUME -actual, so available credits never dip below what they were
 * mid-way; fail, cancel and expiry write RELEASE +reserved. Every operation runs in one store
 * transaction holding the account's lock; resolving is a conditional update on the job still
 * being RESERVED, so the same job completed on two nodes at once resolves once.
 */
import type { Clock } from "../clock.js";
import { DomainError, DomainErrorCode, notFound } from "../errors.js";
import type { JobRow, JobStatus } from "../store/repositories/index.js";
import type { Store, Tx } from "../store/store.js";
import { checkText, credits, creditsToMicros } from "./credits.js";
import { accountScope, idempotent, type IdempotencyRequest, type Outcome } from "./idempotency.js";
import { randomHex } from "./keys.js";
import type { CreditLedger } from "./ledger.js";
import type { PricedJob } from "./pricing.js";
import type { Decimal } from "../pricing/decimal.js";

export class JobService {
  constructor(
    private readonly store: Store,
    private readonly ledger: CreditLedger,
    private readonly clock: Clock,
    /** Reservations older than this expire and are released. */
    private readonly jobTtlMs: number,
  ) {}

  /** Reserves credits for a new job, or fails with INSUFFICIENT_CREDITS and writes nothing. */
  create(accountId: string, job: PricedJob, request: IdempotencyRequest): Promise<Outcome<{ jobId: string; transactionId: string }>> {
    return this.store.transaction(async (tx) => {
      const account = await this.ledger.lockAccount(tx, accountId);
      return idempotent(tx, this.clock, accountScope(accountId), "jobCreate", request, async () => {
        const available = account.balanceMicros - account.reservedMicros;
        if (job.micros > available) {
          throw new DomainError(
            DomainErrorCode.INSUFFICIENT_CREDITS,
            `Insufficient credits: the job needs ${credits(job.micros)}, ${credits(available)} are available, ${credits(job.micros - available)} missing`,
          );
        }
        const created = this.clock.now();
        const jobId = `job_${randomHex(12)}`;
        await tx.jobs.insert({
          id: jobId,
          accountId,
          reservedMicros: job.micros,
          productId: job.productId,
          estimate: job.estimate,
          createdAt: created.toISOString(),
          expiresAt: new Date(created.getTime() + this.jobTtlMs).toISOString(),
        });
        const [entry] = await this.ledger.post(tx, account, [
          { type: "RESERVE", amountMicros: -job.micros, jobId, idempotencyKey: request.key, description: `Reserved for ${job.describe}` },
        ]);
        return { jobId, transactionId: entry.id };
      });
    });
  }

  /** Consumes the actual credits (default: all reserved) and releases the rest. */
  complete(accountId: string, jobId: string, consumed?: Decimal | null): Promise<void> {
    const consumedMicros = consumed == null ? null : creditsToMicros(consumed, ["consumedCredits"], { allowZero: true });
    return this.resolveOpen(accountId, jobId, (job) => {
      const actual = consumedMicros ?? job.reservedMicros;
      if (actual > job.reservedMicros) {
        throw new DomainError(
          DomainErrorCode.BAD_USER_INPUT,
          `consumedCredits (${credits(actual)}) is more than the ${credits(job.reservedMicros)} reserved`,
          ["consumedCredits"],
        );
      }
      return { status: "COMPLETED", consumedMicros: actual, reason: null };
    });
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
  ): Promise<void> {
    return this.store.transaction(async (tx) => {
      const account = await this.ledger.lockAccount(tx, accountId);
      const job = await tx.jobs.get(jobId, accountId);
      // Another account's job is reported exactly like a missing one.
      if (!job) throw notFound(`No job ${jobId}`, ["jobId"]);
      const resolved = (status: JobStatus) => new DomainError(DomainErrorCode.JOB_ALREADY_RESOLVED, `Job ${jobId} is already ${status.toLowerCase()}`, ["jobId"]);
      if (job.status !== "RESERVED") throw resolved(job.status);
      if (!(await this.resolve(tx, account, job, decide(job)))) throw resolved((await tx.jobs.get(jobId, accountId))!.status);
    });
  }

  /** Resolves the job if it is still RESERVED (guard: the conditional update), and posts its entries. */
  private async resolve(
    tx: Tx,
    account: Awaited<ReturnType<CreditLedger["lockAccount"]>>,
    job: JobRow,
    outcome: { status: Exclude<JobStatus, "RESERVED">; consumedMicros: number; reason: string | null },
  ): Promise<boolean> {
    const resolved = await tx.jobs.resolve(job.id, {
      status: outcome.status,
      consumedMicros: outcome.consumedMicros,
      failureReason: outcome.reason,
      resolvedAt: this.clock.now().toISOString(),
    });
    if (!resolved) return false;
    const entries = [];
    if (job.reservedMicros > 0) entries.push({ type: "RELEASE" as const, amountMicros: job.reservedMicros, jobId: job.id, description: releaseDescription(outcome.status, job.id) });
    if (outcome.consumedMicros > 0) entries.push({ type: "CONSUME" as const, amountMicros: -outcome.consumedMicros, jobId: job.id, description: `Consumed by job ${job.id}` });
    await this.ledger.post(tx, account, entries);
    return true;
  }

  /**
   * Expires and releases reservations past their TTL; returns how many. Each is claimed by the
   * conditional update that expires it, so two sweepers expire a job once.
   */
  async expireDue(batchSize = 100): Promise<number> {
    let expired = 0;
    for (;;) {
      const due = await this.store.reads.jobs.due(this.clock.now().toISOString(), batchSize);
      for (const job of due) {
        const done = await this.store.transaction(async (tx) => {
          const account = await this.ledger.lockAccount(tx, job.accountId);
          return this.resolve(tx, account, job, { status: "EXPIRED", consumedMicros: 0, reason: "reservation expired" });
        });
        if (done) expired++;
      }
      if (due.length < batchSize) return expired;
    }
  }
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
