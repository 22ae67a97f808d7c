/**
 * The credit ledger: every change to an account's credits is an appended entry whose amount is
 * its signed effect on available credits (balance - reserved), with the available credits before
 * and after. Each operation runs in one synchronous IMMEDIATE transaction: the write lock is taken
 * before balances are read, so concurrent requests cannot both spend the same credits. An
 * operation that fails writes nothing.
 *
 * Job lifecycle: create reserves (RESERVE -x). Complete writes RELEASE +reserved then CONSUME
 * -actual, so available credits never dip below what they were mid-way and the remainder of the
 * reservation is freed. Fail, cancel and expiry write RELEASE +reserved.
 */
import { createHash } from "node:crypto";
import { and, asc, eq, lte, lt, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import * as t from "../db/schema.js";
import { ErrorCode } from "../graphql/errors.js";
import { Decimal, fromMicros, toMicros } from "../pricing/decimal.js";
import { randomHex } from "./keys.js";

export type TransactionType = (typeof t.ledgerEntries.$inferSelect)["type"];
export type JobStatus = (typeof t.jobs.$inferSelect)["status"];
type AccountRow = typeof t.accounts.$inferSelect;
type JobRow = typeof t.jobs.$inferSelect;
type EntryRow = typeof t.ledgerEntries.$inferSelect;

export const LEDGER_LIMITS = {
  /** Largest credit amount one operation moves. */
  maxOperationCredits: new Decimal(1_000_000_000),
  /** Largest balance an account may hold; keeps every sum exact in 64-bit micros. */
  maxBalanceCredits: new Decimal(1_000_000_000),
  maxIdempotencyKeyLength: 255,
  maxTextLength: 500,
};

/** A refused operation; `code` is one of the contract's error codes, `field` the input at fault. */
export class LedgerError extends Error {
  constructor(
    /** A contract code (ErrorCode) or a domain's own (e.g. CONTACT_SALES). */
    readonly code: string,
    message: string,
    readonly field?: string[],
  ) {
    super(message);
  }
}

export interface LedgerOptions {
  clock: Clock;
  /** Reservations older than this expire and are released. */
  jobTtlMs: number;
  /** Idempotency keys are remembered at least this long. */
  idempotencyTtlMs: number;
  /** Told of an observer that threw after a commit (the operation itself succeeded). */
  onObserverError?: (error: unknown) => void;
}

export interface IdempotencyRequest {
  key?: string | null;
  /** Everything that defines the request apart from the key, compared on a retry. */
  input: unknown;
}

export interface Outcome<R> {
  result: R;
  /** True when an idempotency key matched an earlier call and nothing new was written. */
  replayed: boolean;
}

const credits = (micros: number) => fromMicros(micros).toFixed();

/** Whose idempotency keys these are: an account's (its API keys share them) or the admin's. */
type IdempotencyScope = `account:${string}` | "admin";
const ADMIN_SCOPE: IdempotencyScope = "admin";
const accountScope = (accountId: string): IdempotencyScope => `account:${accountId}`;

/** Canonical JSON (sorted keys), so the same input always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    if (Decimal.isDecimal(value)) return JSON.stringify((value as Decimal).toFixed());
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Validates a credit amount from a request and returns it in micros. */
export function creditsToMicros(value: Decimal, field: string[], { allowZero = false } = {}): number {
  if (!value.isFinite()) throw new LedgerError(ErrorCode.BAD_USER_INPUT, "Credits must be a finite number", field);
  if (value.isNegative() || (!allowZero && value.isZero())) {
    const rule = allowZero ? "0 or more" : "greater than 0";
    throw new LedgerError(ErrorCode.BAD_USER_INPUT, `Credits must be ${rule}; got ${value.toFixed()}`, field);
  }
  if (value.decimalPlaces() > 6) {
    throw new LedgerError(ErrorCode.BAD_USER_INPUT, `Credits take at most 6 decimal places; got ${value.toFixed()}`, field);
  }
  if (value.greaterThan(LEDGER_LIMITS.maxOperationCredits)) {
    throw new LedgerError(ErrorCode.BAD_USER_INPUT, `Credits must be at most ${LEDGER_LIMITS.maxOperationCredits.toFixed()}`, field);
  }
  return toMicros(value);
}

function checkText(value: string, field: string[], what: string): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw new LedgerError(ErrorCode.BAD_USER_INPUT, `${what} must not be empty`, field);
  if (trimmed.length > LEDGER_LIMITS.maxTextLength) {
    throw new LedgerError(ErrorCode.BAD_USER_INPUT, `${what} must be at most ${LEDGER_LIMITS.maxTextLength} characters`, field);
  }
  return trimmed;
}

/** Reacts to changes of an account's credits (credit alerts, auto top-up). */
export interface LedgerObserver {
  /** Inside the transaction, after the account's new entries are written: may write too. */
  inTransaction?(account: { id: string; balanceMicros: number; reservedMicros: number }, types: TransactionType[]): void;
  /** After the outermost transaction committed. Must not throw; errors are its own to handle. */
  afterCommit?(accountId: string, types: TransactionType[]): void;
}

/** What a nested or empty transaction hands to observers: nothing (shared, never written). */
const NOTHING_TOUCHED: ReadonlyMap<string, TransactionType[]> = new Map();

export class Ledger {
  private readonly observers: LedgerObserver[] = [];
  /** Entry types written per account by the transaction in progress. */
  private touched = new Map<string, TransactionType[]>();
  private depth = 0;
  private queue: Array<{ work: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }> = [];
  private flushScheduled = false;
  /** A committed batch is waiting for its fsync. */
  private syncing = false;

  // The hottest statements, prepared once: building and preparing SQL per call cost more than running it.
  private readonly statements;

  constructor(
    private readonly database: Database,
    private readonly options: LedgerOptions,
  ) {
    const db = database.db;
    const p = (name: string) => sql.placeholder(name);
    this.statements = {
      account: db.select().from(t.accounts).where(eq(t.accounts.id, p("id"))).prepare(),
      saveAccount: db
        .update(t.accounts)
        .set({ balanceMicros: sql`${p("balance")}`, reservedMicros: sql`${p("reserved")}`, lastSequence: sql`${p("sequence")}` })
        .where(eq(t.accounts.id, p("id")))
        .prepare(),
      insertEntry: db
        .insert(t.ledgerEntries)
        .values({
          id: p("id"),
          accountId: p("accountId"),
          sequence: p("sequence"),
          type: p("type"),
          amountMicros: p("amount"),
          availableBeforeMicros: p("before"),
          availableAfterMicros: p("after"),
          jobId: p("jobId"),
          refundOfId: p("refundOfId"),
          idempotencyKey: p("idempotencyKey"),
          description: p("description"),
          createdAt: p("createdAt"),
        })
        .prepare(),
      job: db
        .select()
        .from(t.jobs)
        .where(and(eq(t.jobs.id, p("id")), eq(t.jobs.accountId, p("accountId"))))
        .prepare(),
      resolveJob: db
        .update(t.jobs)
        .set({ status: sql`${p("status")}`, consumedMicros: sql`${p("consumed")}`, failureReason: sql`${p("reason")}`, resolvedAt: sql`${p("resolvedAt")}` })
        .where(eq(t.jobs.id, p("id")))
        .prepare(),
      idempotencyKey: db
        .select()
        .from(t.idempotencyKeys)
        .where(and(eq(t.idempotencyKeys.scope, p("scope")), eq(t.idempotencyKeys.operation, p("operation")), eq(t.idempotencyKeys.key, p("key"))))
        .prepare(),
      insertIdempotencyKey: db
        .insert(t.idempotencyKeys)
        .values({
          scope: p("scope"),
          key: p("key"),
          operation: p("operation"),
          requestHash: p("requestHash"),
          result: sql`${p("result")}`,
          createdAt: p("createdAt"),
        })
        .prepare(),
      insertJob: db
        .insert(t.jobs)
        .values({
          id: p("id"),
          accountId: p("accountId"),
          status: "RESERVED",
          reservedMicros: p("reserved"),
          productId: p("productId"),
          estimate: sql`${p("estimate")}`,
          createdAt: p("createdAt"),
          expiresAt: p("expiresAt"),
        })
        .prepare(),
    };
  }

  observe(observer: LedgerObserver): void {
    this.observers.push(observer);
  }

  private get db() {
    return this.database.db;
  }

  private now(): string {
    return this.options.clock.now().toISOString();
  }

  /**
   * Runs `work` in one IMMEDIATE transaction; it must be synchronous (an await would commit early).
   * Nested calls join the outer transaction (as a savepoint); observers hear of the changes once
   * the outermost one has committed.
   */
  atomically<T>(work: () => T): T {
    const { result, touched } = this.transaction(work);
    this.notify(touched);
    return result;
  }

  /** One IMMEDIATE transaction (a savepoint when nested); at the outermost level, what it touched. */
  private transaction<T>(work: () => T): { result: T; touched: ReadonlyMap<string, TransactionType[]> } {
    this.depth++;
    let result: T;
    try {
      result = this.database.sqlite.transaction(work).immediate();
    } catch (error) {
      if (this.depth === 1) this.touched.clear();
      throw error;
    } finally {
      this.depth--;
    }
    if (this.depth > 0 || this.touched.size === 0) return { result, touched: NOTHING_TOUCHED };
    const touched = this.touched;
    this.touched = new Map();
    return { result, touched };
  }

  private notify(touched: ReadonlyMap<string, TransactionType[]>): void {
    for (const [accountId, types] of touched) {
      for (const observer of this.observers) {
        try {
          observer.afterCommit?.(accountId, types);
        } catch (error) {
          // The transaction has committed; an observer's failure must not look like the operation's.
          this.options.onObserverError?.(error);
        }
      }
    }
  }

  /**
   * Group commit. Runs `work` in the next shared transaction: every operation queued during this
   * turn of the event loop runs, in order, as a savepoint of one IMMEDIATE transaction, which
   * then commits once, so one fsync serves them all. The commit does not wait for the disk
   * (db/wal-sync.ts): the fsync runs off the event loop, and each promise settles only once it is
   * done (or with its own error, whose savepoint alone is rolled back), so an acknowledged
   * operation is as durable as with a transaction of its own. Observers hear of it then, too.
   */
  enqueue<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.scheduleFlush();
    });
  }

  /**
   * The next batch commits in the next turn of the event loop, or, while the last batch's fsync
   * runs, as soon as it is done: what arrives meanwhile joins one larger batch. Each commit
   * rewrites whole pages into the WAL, so fewer, larger commits also write far less.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.syncing) return;
    this.flushScheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    const outcomes: Array<{ ok: boolean; value: unknown }> = [];
    let touched: ReadonlyMap<string, TransactionType[]>;
    try {
      ({ touched } = this.database.commitWithoutSync(() =>
        this.transaction(() => {
          for (const item of batch) {
            const touchedBefore = new Map([...this.touched].map(([id, types]) => [id, [...types]]));
            try {
              outcomes.push({ ok: true, value: this.atomically(item.work) });
            } catch (error) {
              // Its savepoint was rolled back: forget what it wrote for the observers, too.
              this.touched = touchedBefore;
              outcomes.push({ ok: false, value: error });
            }
          }
        }),
      ));
    } catch (error) {
      // The commit itself failed: nothing of the batch happened.
      for (const item of batch) item.reject(error);
      return;
    }
    let syncFailure: unknown = null;
    this.syncing = true;
    try {
      await this.database.durable();
    } catch (error) {
      syncFailure = error;
    } finally {
      this.syncing = false;
      if (this.queue.length > 0) this.scheduleFlush();
    }
    this.notify(touched);
    // Committed, but not known to be on disk: nobody may be told it succeeded.
    if (syncFailure) for (const item of batch) item.reject(syncFailure);
    else batch.forEach((item, index) => (outcomes[index].ok ? item.resolve : item.reject)(outcomes[index].value));
  }

  /** The account's credits now (for checks outside the ledger; they may change at once after). */
  balanceOf(accountId: string): { balanceMicros: number; reservedMicros: number } {
    const { balanceMicros, reservedMicros } = this.account(accountId);
    return { balanceMicros, reservedMicros };
  }

  private account(accountId: string): AccountRow {
    const account = this.statements.account.get({ id: accountId });
    if (!account) throw new LedgerError(ErrorCode.NOT_FOUND, `No account ${accountId}`, ["accountId"]);
    return account;
  }

  /** Appends one entry and applies it to `account` (in memory; `save` persists it). */
  private append(
    account: AccountRow,
    entry: { type: TransactionType; amountMicros: number; jobId?: string | null; refundOfId?: string | null; idempotencyKey?: string | null; description: string },
  ): EntryRow {
    const before = account.balanceMicros - account.reservedMicros;
    const after = before + entry.amountMicros;
    switch (entry.type) {
      case "RESERVE":
      case "RELEASE":
        account.reservedMicros -= entry.amountMicros;
        break;
      default:
        account.balanceMicros += entry.amountMicros;
    }
    account.lastSequence += 1;
    const types = this.touched.get(account.id) ?? [];
    types.push(entry.type);
    this.touched.set(account.id, types);
    const row: EntryRow = {
      seq: 0,
      id: `txn_${randomHex(12)}`,
      accountId: account.id,
      sequence: account.lastSequence,
      type: entry.type,
      amountMicros: entry.amountMicros,
      availableBeforeMicros: before,
      availableAfterMicros: after,
      jobId: entry.jobId ?? null,
      refundOfId: entry.refundOfId ?? null,
      idempotencyKey: entry.idempotencyKey ?? null,
      description: entry.description,
      createdAt: this.now(),
    };
    row.seq = Number(
      this.statements.insertEntry.run({
        ...row,
        amount: row.amountMicros,
        before: row.availableBeforeMicros,
        after: row.availableAfterMicros,
      }).lastInsertRowid,
    );
    return row;
  }

  private save(account: AccountRow): void {
    this.statements.saveAccount.run({
      id: account.id,
      balance: account.balanceMicros,
      reserved: account.reservedMicros,
      sequence: account.lastSequence,
    });
    const types = this.touched.get(account.id) ?? [];
    for (const observer of this.observers) observer.inTransaction?.(account, types);
  }

  private checkBalanceCap(account: AccountRow, addedMicros: number, field: string[]): void {
    if (account.balanceMicros + addedMicros > toMicros(LEDGER_LIMITS.maxBalanceCredits)) {
      throw new LedgerError(
        ErrorCode.BAD_USER_INPUT,
        `The balance would exceed the maximum of ${LEDGER_LIMITS.maxBalanceCredits.toFixed()} credits`,
        field,
      );
    }
  }

  /**
   * Runs `work` at most once per (caller, operation, idempotency key): a retry with the same input
   * returns the first result; the same key with other input is IDEMPOTENCY_KEY_REUSED. The caller
   * (`scope`) is the account whose key made the call, or the admin, so that no caller's keys can
   * collide with another's. Failures are not remembered, so a failed call can be retried with its
   * key. Guard: the key table's primary key (scope, operation, key), inside the write transaction.
   */
  private idempotent<R>(scope: IdempotencyScope, operation: string, request: IdempotencyRequest, work: () => R): Outcome<R> {
    const key = request.key ?? null;
    if (key === null) return { result: work(), replayed: false };
    if (key.length === 0 || key.length > LEDGER_LIMITS.maxIdempotencyKeyLength) {
      throw new LedgerError(
        ErrorCode.BAD_USER_INPUT,
        `An idempotency key has 1 to ${LEDGER_LIMITS.maxIdempotencyKeyLength} characters`,
        ["idempotencyKey"],
      );
    }
    const requestHash = createHash("sha256").update(canonical({ operation, input: request.input })).digest("hex");
    const earlier = this.statements.idempotencyKey.get({ scope, operation, key });
    if (earlier) {
      if (earlier.requestHash !== requestHash) {
        throw new LedgerError(
          ErrorCode.IDEMPOTENCY_KEY_REUSED,
          `Idempotency key "${key}" was already used for a different request`,
          ["idempotencyKey"],
        );
      }
      return { result: earlier.result as R, replayed: true };
    }
    const result = work();
    this.statements.insertIdempotencyKey.run({ scope, key, operation, requestHash, result: JSON.stringify(result), createdAt: this.now() });
    return { result, replayed: false };
  }

  createAccount(name: string): AccountRow {
    const clean = checkText(name, ["name"], "An account name");
    return this.db
      .insert(t.accounts)
      .values({ id: `acct_${randomHex(8)}`, name: clean, createdAt: this.now() })
      .returning()
      .get();
  }

  /** BONUS: credits given by an operator (or at sign-up). */
  grant(
    accountId: string,
    amount: Decimal,
    reason: string,
    idempotencyKey?: string | null,
  ): Outcome<{ transactionId: string }> {
    const micros = creditsToMicros(amount, ["credits"]);
    const description = checkText(reason, ["reason"], "A reason");
    return this.atomically(() => {
      const account = this.account(accountId);
      return this.idempotent(ADMIN_SCOPE, "creditsGrant", { key: idempotencyKey, input: { accountId, amount, description } }, () => {
        this.checkBalanceCap(account, micros, ["credits"]);
        const entry = this.append(account, { type: "BONUS", amountMicros: micros, idempotencyKey, description });
        this.save(account);
        return { transactionId: entry.id };
      });
    });
  }

  /** PURCHASE: credits paid for (a checkout session or a subscription period). */
  purchase(accountId: string, micros: number, description: string): { transactionId: string } {
    return this.atomically(() => {
      const account = this.account(accountId);
      this.checkBalanceCap(account, micros, ["credits"]);
      const entry = this.append(account, { type: "PURCHASE", amountMicros: micros, description });
      this.save(account);
      return { transactionId: entry.id };
    });
  }

  /** Reserves credits for a new job, or fails with INSUFFICIENT_CREDITS and writes nothing. */
  createJob(
    accountId: string,
    job: { micros: number; productId: string | null; estimate: unknown; describe: string },
    request: IdempotencyRequest,
  ): Outcome<{ jobId: string; transactionId: string }> {
    return this.atomically(() => {
      const account = this.account(accountId);
      return this.idempotent(accountScope(accountId), "jobCreate", request, () => {
        const available = account.balanceMicros - account.reservedMicros;
        if (job.micros > available) {
          throw new LedgerError(
            ErrorCode.INSUFFICIENT_CREDITS,
            `Insufficient credits: the job needs ${credits(job.micros)}, ${credits(available)} are available, ${credits(job.micros - available)} missing`,
          );
        }
        const created = this.options.clock.now();
        const jobId = `job_${randomHex(12)}`;
        this.statements.insertJob.run({
          id: jobId,
          accountId,
          reserved: job.micros,
          productId: job.productId,
          estimate: job.estimate == null ? null : JSON.stringify(job.estimate),
          createdAt: created.toISOString(),
          expiresAt: new Date(created.getTime() + this.options.jobTtlMs).toISOString(),
        });
        const entry = this.append(account, {
          type: "RESERVE",
          amountMicros: -job.micros,
          jobId,
          idempotencyKey: request.key,
          description: `Reserved for ${job.describe}`,
        });
        this.save(account);
        return { jobId, transactionId: entry.id };
      });
    });
  }

  private openJob(accountId: string, jobId: string): JobRow {
    const job = this.statements.job.get({ id: jobId, accountId });
    // Another account's job is reported exactly like a missing one.
    if (!job) throw new LedgerError(ErrorCode.NOT_FOUND, `No job ${jobId}`, ["jobId"]);
    if (job.status !== "RESERVED") {
      throw new LedgerError(ErrorCode.JOB_ALREADY_RESOLVED, `Job ${jobId} is already ${job.status.toLowerCase()}`, ["jobId"]);
    }
    return job;
  }

  private resolve(
    account: AccountRow,
    job: JobRow,
    status: Exclude<JobStatus, "RESERVED">,
    consumedMicros: number,
    reason: string | null,
  ): void {
    if (job.reservedMicros > 0) {
      this.append(account, { type: "RELEASE", amountMicros: job.reservedMicros, jobId: job.id, description: releaseDescription(status, job.id) });
    }
    if (consumedMicros > 0) {
      this.append(account, { type: "CONSUME", amountMicros: -consumedMicros, jobId: job.id, description: `Consumed by job ${job.id}` });
    }
    this.statements.resolveJob.run({ id: job.id, status, consumed: consumedMicros, reason, resolvedAt: this.now() });
    this.save(account);
  }

  /** Consumes the actual credits (default: all reserved) and releases the rest. */
  completeJob(accountId: string, jobId: string, consumed?: Decimal | null): void {
    const consumedMicros = consumed == null ? null : creditsToMicros(consumed, ["consumedCredits"], { allowZero: true });
    this.atomically(() => {
      const job = this.openJob(accountId, jobId);
      const actual = consumedMicros ?? job.reservedMicros;
      if (actual > job.reservedMicros) {
        throw new LedgerError(
          ErrorCode.BAD_USER_INPUT,
          `consumedCredits (${credits(actual)}) is more than the ${credits(job.reservedMicros)} reserved`,
          ["consumedCredits"],
        );
      }
      this.resolve(this.account(accountId), job, "COMPLETED", actual, null);
    });
  }

  failJob(accountId: string, jobId: string, reason?: string | null): void {
    const why = reason == null ? null : checkText(reason, ["reason"], "A reason");
    this.atomically(() => {
      const job = this.openJob(accountId, jobId);
      this.resolve(this.account(accountId), job, "FAILED", 0, why);
    });
  }

  cancelJob(accountId: string, jobId: string): void {
    this.atomically(() => {
      const job = this.openJob(accountId, jobId);
      this.resolve(this.account(accountId), job, "CANCELLED", 0, null);
    });
  }

  /** Expires and releases reservations past their TTL; returns how many. */
  expireDueJobs(batchSize = 100): number {
    let expired = 0;
    for (;;) {
      const count = this.atomically(() => {
        const due = this.db
          .select()
          .from(t.jobs)
          .where(and(eq(t.jobs.status, "RESERVED"), lte(t.jobs.expiresAt, this.now())))
          .orderBy(asc(t.jobs.expiresAt))
          .limit(batchSize)
          .all();
        for (const job of due) this.resolve(this.account(job.accountId), job, "EXPIRED", 0, "reservation expired");
        return due.length;
      });
      expired += count;
      if (count < batchSize) return expired;
    }
  }

  /** Forgets idempotency keys older than the retention period. */
  purgeIdempotencyKeys(): number {
    const cutoff = new Date(this.options.clock.now().getTime() - this.options.idempotencyTtlMs).toISOString();
    return this.db.delete(t.idempotencyKeys).where(lt(t.idempotencyKeys.createdAt, cutoff)).run().changes;
  }

  /** REFUND: gives back credits a CONSUME entry took, never more than it took in all. */
  refund(
    transactionId: string,
    amount: Decimal | null | undefined,
    reason: string,
    idempotencyKey?: string | null,
  ): Outcome<{ transactionId: string }> {
    const requested = amount == null ? null : creditsToMicros(amount, ["credits"]);
    const description = checkText(reason, ["reason"], "A reason");
    return this.atomically(() => {
      const consumed = this.db.select().from(t.ledgerEntries).where(eq(t.ledgerEntries.id, transactionId)).get();
      if (!consumed) throw new LedgerError(ErrorCode.NOT_FOUND, `No transaction ${transactionId}`, ["transactionId"]);
      if (consumed.type !== "CONSUME") {
        throw new LedgerError(ErrorCode.BAD_USER_INPUT, `Only CONSUME transactions can be refunded; ${transactionId} is ${consumed.type}`, ["transactionId"]);
      }
      const account = this.account(consumed.accountId);
      return this.idempotent(ADMIN_SCOPE, "transactionRefund", { key: idempotencyKey, input: { transactionId, requested, description } }, () => {
        const { refunded } = this.db
          .select({ refunded: sql<number>`coalesce(sum(${t.ledgerEntries.amountMicros}), 0)` })
          .from(t.ledgerEntries)
          .where(and(eq(t.ledgerEntries.refundOfId, transactionId), eq(t.ledgerEntries.type, "REFUND")))
          .get()!;
        const refundable = -consumed.amountMicros - refunded;
        const micros = requested ?? refundable;
        if (micros <= 0 || micros > refundable) {
          throw new LedgerError(
            ErrorCode.BAD_USER_INPUT,
            refundable === 0
              ? `Transaction ${transactionId} is already fully refunded`
              : `At most ${credits(refundable)} credits of ${transactionId} can still be refunded`,
            ["credits"],
          );
        }
        const entry = this.append(account, {
          type: "REFUND",
          amountMicros: micros,
          jobId: consumed.jobId,
          refundOfId: transactionId,
          idempotencyKey,
          description,
        });
        this.save(account);
        return { transactionId: entry.id };
      });
    });
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
