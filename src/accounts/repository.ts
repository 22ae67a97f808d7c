/** Reads of accounts, keys, jobs and ledger entries. Every account-scoped read filters by account. */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { idsParam, inIds } from "../db/in-ids.js";
import { pageOf, type Page } from "../db/paging.js";
import * as t from "../db/schema.js";
import { fromMicros } from "../pricing/decimal.js";
import type { JobStatus, TransactionType } from "./ledger.js";
import type { AccountRecord, ApiKeyRecord, JobLineItemRecord, JobRecord, TransactionRecord } from "./records.js";

export function toAccount(row: typeof t.accounts.$inferSelect): AccountRecord {
  return {
    __typename: "Account",
    id: row.id,
    name: row.name,
    balance: fromMicros(row.balanceMicros),
    reserved: fromMicros(row.reservedMicros),
    available: fromMicros(row.balanceMicros - row.reservedMicros),
    createdAt: new Date(row.createdAt),
  };
}

function toTransaction(row: typeof t.ledgerEntries.$inferSelect): TransactionRecord {
  return {
    __typename: "Transaction",
    id: row.id,
    accountId: row.accountId,
    sequence: row.sequence,
    type: row.type,
    amount: fromMicros(row.amountMicros),
    balanceBefore: fromMicros(row.availableBeforeMicros),
    balanceAfter: fromMicros(row.availableAfterMicros),
    jobId: row.jobId,
    refundOfId: row.refundOfId,
    idempotencyKey: row.idempotencyKey,
    description: row.description,
    createdAt: new Date(row.createdAt),
  };
}

function toJob(row: typeof t.jobs.$inferSelect): JobRecord {
  return {
    __typename: "Job",
    id: row.id,
    accountId: row.accountId,
    seq: row.seq,
    status: row.status,
    reservedCredits: fromMicros(row.reservedMicros),
    consumedCredits: fromMicros(row.consumedMicros),
    productId: row.productId,
    lineItems: (row.estimate as { lineItems?: JobLineItemRecord[] } | null)?.lineItems ?? [],
    failureReason: row.failureReason,
    createdAt: new Date(row.createdAt),
    expiresAt: new Date(row.expiresAt),
    resolvedAt: row.resolvedAt ? new Date(row.resolvedAt) : null,
  };
}

function toApiKey(row: typeof t.apiKeys.$inferSelect): ApiKeyRecord {
  return {
    __typename: "ApiKey",
    id: row.id,
    accountId: row.accountId,
    displayPrefix: row.displayPrefix,
    createdAt: new Date(row.createdAt),
    revokedAt: row.revokedAt ? new Date(row.revokedAt) : null,
  };
}



export class AccountRepository {
  // Read after every mutation and by the loaders: prepared once.
  private readonly byIds;

  constructor(private readonly db: Db) {
    this.byIds = {
      accounts: db.select().from(t.accounts).where(inIds(t.accounts.id)).prepare(),
      jobs: db.select().from(t.jobs).where(inIds(t.jobs.id)).prepare(),
      transactions: db.select().from(t.ledgerEntries).where(inIds(t.ledgerEntries.id)).prepare(),
    };
  }

  accountsByIds(ids: readonly string[]): AccountRecord[] {
    return this.byIds.accounts.all(idsParam(ids)).map(toAccount);
  }

  /** The key row for an id, revoked or not (authentication decides). */
  apiKeyRow(id: string) {
    return this.db.select().from(t.apiKeys).where(eq(t.apiKeys.id, id)).get();
  }

  apiKeysOfAccount(accountId: string): ApiKeyRecord[] {
    return this.db.select().from(t.apiKeys).where(eq(t.apiKeys.accountId, accountId)).orderBy(t.apiKeys.createdAt).all().map(toApiKey);
  }

  apiKey(id: string): ApiKeyRecord | null {
    const row = this.apiKeyRow(id);
    return row ? toApiKey(row) : null;
  }

  /** Newest first; `afterSequence` is the cursor position (exclusive). */
  transactions(
    accountId: string,
    options: { first: number; afterSequence?: number; type?: TransactionType | null; jobId?: string | null },
  ): Page<TransactionRecord> {
    const conditions: SQL[] = [eq(t.ledgerEntries.accountId, accountId)];
    if (options.afterSequence !== undefined) conditions.push(lt(t.ledgerEntries.sequence, options.afterSequence));
    if (options.type) conditions.push(eq(t.ledgerEntries.type, options.type));
    if (options.jobId) conditions.push(eq(t.ledgerEntries.jobId, options.jobId));
    const rows = this.db
      .select()
      .from(t.ledgerEntries)
      .where(and(...conditions))
      .orderBy(desc(t.ledgerEntries.sequence))
      .limit(options.first + 1)
      .all();
    return pageOf(rows.map(toTransaction), options.first);
  }

  transactionsByIds(ids: readonly string[]): TransactionRecord[] {
    return this.byIds.transactions.all(idsParam(ids)).map(toTransaction);
  }

  /** Newest first; `afterSeq` is the cursor position (exclusive). */
  jobs(accountId: string, options: { first: number; afterSeq?: number; status?: JobStatus | null }): Page<JobRecord> {
    const conditions: SQL[] = [eq(t.jobs.accountId, accountId)];
    if (options.afterSeq !== undefined) conditions.push(lt(t.jobs.seq, options.afterSeq));
    if (options.status) conditions.push(eq(t.jobs.status, options.status));
    const rows = this.db
      .select()
      .from(t.jobs)
      .where(and(...conditions))
      .orderBy(desc(t.jobs.seq))
      .limit(options.first + 1)
      .all();
    return pageOf(rows.map(toJob), options.first);
  }

  jobsByIds(ids: readonly string[]): JobRecord[] {
    return this.byIds.jobs.all(idsParam(ids)).map(toJob);
  }
}
