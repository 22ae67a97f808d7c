/** Reads of accounts, keys, jobs and ledger entries, as records. Every account-scoped read filters by account. */
import { fromMicros } from "../pricing/decimal.js";
import type { AccountRow, ApiKeyRow, EntryRow, JobRow, JobStatus, Repositories } from "../store/repositories/index.js";
import type { Page } from "../store/paging.js";
import type { TransactionType } from "./ledger.js";
import type { AccountRecord, ApiKeyRecord, JobLineItemRecord, JobRecord, TransactionRecord } from "./records.js";

export function toAccount(row: AccountRow): AccountRecord {
  return {
    __typename: "Account",
    id: row.id,
    name: row.name,
    mode: row.mode,
    testClockId: row.testClockId,
    createdAt: new Date(row.createdAt),
  };
}

function toTransaction(row: EntryRow): TransactionRecord {
  return {
    __typename: "Transaction",
    id: row.id,
    accountId: row.accountId,
    providerId: row.providerId,
    seq: row.seq,
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

function toJob(row: JobRow): JobRecord {
  return {
    __typename: "Job",
    id: row.id,
    accountId: row.accountId,
    providerId: row.providerId,
    seq: row.seq,
    status: row.status,
    reservedCredits: fromMicros(row.reservedMicros),
    consumedCredits: fromMicros(row.consumedMicros),
    productId: row.productId,
    lineItems: (row.estimate as { lineItems?: JobLineItemRecord[] } | null)?.lineItems ?? [],
    catalogVersion: (row.estimate as { catalogVersion?: string } | null)?.catalogVersion ?? null,
    chargedOnAcceptance: (row.estimate as { chargedOnAcceptance?: boolean } | null)?.chargedOnAcceptance === true,
    failureReason: row.failureReason,
    createdAt: new Date(row.createdAt),
    expiresAt: new Date(row.expiresAt),
    resolvedAt: row.resolvedAt ? new Date(row.resolvedAt) : null,
  };
}

function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    __typename: "ApiKey",
    id: row.id,
    accountId: row.accountId,
    displayPrefix: row.displayPrefix,
    createdAt: new Date(row.createdAt),
    revokedAt: row.revokedAt ? new Date(row.revokedAt) : null,
  };
}

const pageOfRecords = <R, T>(page: Page<R>, map: (row: R) => T): Page<T> => ({ items: page.items.map(map), hasNextPage: page.hasNextPage });

export class AccountQueries {
  constructor(private readonly reads: Repositories) {}

  async accountsByIds(ids: readonly string[]): Promise<AccountRecord[]> {
    return (await this.reads.accounts.byIds(ids)).map(toAccount);
  }

  async apiKeysOfAccount(accountId: string): Promise<ApiKeyRecord[]> {
    return (await this.reads.apiKeys.ofAccount(accountId)).map(toApiKey);
  }

  async apiKey(id: string): Promise<ApiKeyRecord | null> {
    const row = await this.reads.apiKeys.get(id);
    return row ? toApiKey(row) : null;
  }

  /** Newest first; `afterSeq` is the cursor position (exclusive). */
  async transactions(
    accountId: string,
    options: { first: number; afterSeq?: number; type?: TransactionType | null; jobId?: string | null; providerId?: string | null },
  ): Promise<Page<TransactionRecord>> {
    return pageOfRecords(await this.reads.ledger.page(accountId, options), toTransaction);
  }

  async transactionsByIds(ids: readonly string[]): Promise<TransactionRecord[]> {
    return (await this.reads.ledger.byIds(ids)).map(toTransaction);
  }

  /** Newest first; `afterSeq` is the cursor position (exclusive). */
  async jobs(accountId: string, options: { first: number; afterSeq?: number; status?: JobStatus | null }): Promise<Page<JobRecord>> {
    return pageOfRecords(await this.reads.jobs.page(accountId, options), toJob);
  }

  async jobsByIds(ids: readonly string[]): Promise<JobRecord[]> {
    return (await this.reads.jobs.byIds(ids)).map(toJob);
  }
}
