import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Product } from "../catalog/types.js";
import { connection, decodeCursor, pageSize } from "../shared/connections.js";
import { canSee, requireAccount, requireAdmin, type Context } from "../shared/context.js";
import { mutate } from "../shared/mutation.js";
import type { JobStatus } from "../../store/repositories/index.js";
import type { TransactionType } from "../../accounts/ledger.js";
import { priceJob } from "../../accounts/pricing.js";
import {
  AccountWalletResolver,
  CreditGrantResolver,
  CreditShortfallResolver,
  JobWalletResolver,
  TransactionWalletResolver,
  WalletResolver,
} from "./wallet-resolvers.js";
import type { AccountRecord, JobRecord, TransactionRecord } from "../../accounts/records.js";
import { parseWalletId } from "../../accounts/wallet-queries.js";
import {
  AccountCreateInput,
  AccountCreatePayload,
  ApiKeyCreateInput,
  ApiKeyCreatePayload,
  ApiKeyRevokeInput,
  ApiKeyRevokePayload,
  CreditsGrantInput,
  CreditsGrantPayload,
  JobCancelInput,
  JobCancelPayload,
  JobCompleteInput,
  JobCompletePayload,
  JobCreateInput,
  JobCreatePayload,
  JobFailInput,
  JobFailPayload,
  TransactionRefundInput,
  TransactionRefundPayload,
} from "./inputs.js";
import { Account, ApiKey, Job, JobConnection, JobStatusEnum, Transaction, TransactionConnection, TransactionTypeEnum } from "./types.js";

// Read straight from the store, not through the request's loaders: a mutation's payload must
// show the state after it, which a loader may have cached before.
async function account(context: Context, accountId: string): Promise<AccountRecord> {
  forgetCredits(context);
  return (await context.services.accounts.accountsByIds([accountId]))[0];
}

async function job(context: Context, jobId: string): Promise<JobRecord> {
  return (await context.services.accounts.jobsByIds([jobId]))[0];
}

/** A mutation changed wallets and grants: what the request's loaders read before must be read again. */
function forgetCredits(context: Context): void {
  const loaders = context.loaders.accounts;
  loaders.wallets.clearAll();
  loaders.grant.clearAll();
  loaders.entryGrants.clearAll();
}

async function transaction(context: Context, transactionId: string): Promise<TransactionRecord> {
  forgetCredits(context);
  return (await context.services.accounts.transactionsByIds([transactionId]))[0];
}

@Resolver()
export class AccountQueryResolver {
  @Query(() => Account, {
    nullable: true,
    description: "The account of the API key sent with the request. UNAUTHENTICATED without a valid key.",
  })
  viewer(@Ctx() context: Context) {
    return context.loaders.accounts.account.load(requireAccount(context));
  }

  @Query(() => Account, { nullable: true, description: "Any account by id (admin key only); null when unknown." })
  account(@Arg("id", () => ID) id: string, @Ctx() context: Context) {
    requireAdmin(context);
    return context.loaders.accounts.account.load(id);
  }
}

@Resolver(() => Account)
export class AccountResolver {
  @FieldResolver(() => TransactionConnection, { description: "The account's ledger, newest first." })
  async transactions(
    @Root() root: AccountRecord,
    @Ctx() context: Context,
    @Arg("first", () => Int, { nullable: true, description: "Page size, 0 to 100 (default 20)." }) first: number | null,
    @Arg("after", () => String, { nullable: true, description: "endCursor of the previous page." }) after: string | null,
    @Arg("type", () => TransactionTypeEnum, { nullable: true, description: "Only entries of this type." }) type: TransactionType | null,
    @Arg("jobId", () => ID, { nullable: true, description: "Only entries of this job." }) jobId: string | null,
    @Arg("provider", () => ID, { nullable: true, description: "Only entries of this provider's wallet." }) provider: string | null,
  ) {
    const size = pageSize(first);
    const page = await context.services.accounts.transactions(root.id, {
      first: size,
      afterSeq: decodeCursor("txn", after),
      type,
      jobId,
      providerId: provider,
    });
    return connection("txn", page.items, page.hasNextPage, (entry) => entry.seq);
  }

  @FieldResolver(() => JobConnection, { description: "The account's jobs, newest first." })
  async jobs(
    @Root() root: AccountRecord,
    @Ctx() context: Context,
    @Arg("first", () => Int, { nullable: true, description: "Page size, 0 to 100 (default 20)." }) first: number | null,
    @Arg("after", () => String, { nullable: true, description: "endCursor of the previous page." }) after: string | null,
    @Arg("status", () => JobStatusEnum, { nullable: true, description: "Only jobs in this status." }) status: JobStatus | null,
  ) {
    const size = pageSize(first);
    const page = await context.services.accounts.jobs(root.id, { first: size, afterSeq: decodeCursor("job", after), status });
    return connection("job", page.items, page.hasNextPage, (item) => item.seq);
  }

  @FieldResolver(() => [ApiKey], { description: "The account's API keys, revoked ones included (never the keys themselves)." })
  apiKeys(@Root() root: AccountRecord, @Ctx() context: Context) {
    return context.services.accounts.apiKeysOfAccount(root.id);
  }
}

@Resolver(() => Transaction)
export class TransactionResolver {
  @FieldResolver(() => Job, { nullable: true, description: "The job the entry belongs to, if any." })
  job(@Root() root: TransactionRecord, @Ctx() context: Context) {
    return root.jobId ? context.loaders.accounts.job.load(root.jobId) : null;
  }

  @FieldResolver(() => Transaction, { nullable: true, description: "For a REFUND: the CONSUME entry it gives credits back for." })
  refundOf(@Root() root: TransactionRecord, @Ctx() context: Context) {
    return root.refundOfId ? context.loaders.accounts.transaction.load(root.refundOfId) : null;
  }
}

@Resolver(() => Job)
export class JobResolver {
  @FieldResolver(() => Product, { nullable: true, description: "The product the job was priced as; null for explicit credits." })
  product(@Root() root: JobRecord, @Ctx() context: Context) {
    return root.productId ? context.loaders.catalog.product.load(root.productId) : null;
  }

  @FieldResolver(() => [Transaction], { description: "The job's ledger entries, oldest first." })
  async transactions(@Root() root: JobRecord, @Ctx() context: Context) {
    return (await context.services.accounts.transactions(root.accountId, { first: 100, jobId: root.id })).items.reverse();
  }
}

@Resolver()
export class JobMutationResolver {
  @Mutation(() => JobCreatePayload, {
    description:
      "Prices a job (or takes explicit credits) and reserves that many credits. INSUFFICIENT_CREDITS, saying how many are missing, when the account cannot cover it; nothing is written then.",
  })
  async jobCreate(@Arg("input", () => JobCreateInput) input: JobCreateInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    return mutate({ job: null, transaction: null, account: null, shortfall: null }, async () => {
      const priced = await priceJob(context.services.pricing, context.loaders, input);
      const { result } = await context.services.jobs.create(accountId, priced, {
        key: input.idempotencyKey,
        input: { estimate: input.estimate, jobEstimate: input.jobEstimate, credits: input.credits, provider: input.provider },
      });
      return {
        job: await job(context, result.jobId),
        transaction: await transaction(context, result.transactionId),
        account: await account(context, accountId),
        shortfall: null,
      };
    });
  }

  @Mutation(() => JobCompletePayload, {
    description:
      "Completes a running job: its consumed credits (default: all reserved) are spent and the rest released. Once only: JOB_ALREADY_RESOLVED after that.",
  })
  jobComplete(@Arg("input", () => JobCompleteInput) input: JobCompleteInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    return mutate({ job: null, account: null, shortfall: null }, async () => {
      await context.services.jobs.complete(accountId, input.jobId, input.consumedCredits, { transcriptFallback: input.transcriptFallback });
      return { job: await job(context, input.jobId), account: await account(context, accountId), shortfall: null };
    });
  }

  @Mutation(() => JobFailPayload, { description: "Marks a running job failed and releases its credits. Once only." })
  jobFail(@Arg("input", () => JobFailInput) input: JobFailInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    return mutate({ job: null, account: null }, async () => {
      await context.services.jobs.fail(accountId, input.jobId, input.reason);
      return { job: await job(context, input.jobId), account: await account(context, accountId) };
    });
  }

  @Mutation(() => JobCancelPayload, { description: "Cancels a running job and releases its credits. Once only." })
  jobCancel(@Arg("input", () => JobCancelInput) input: JobCancelInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    return mutate({ job: null, account: null }, async () => {
      await context.services.jobs.cancel(accountId, input.jobId);
      return { job: await job(context, input.jobId), account: await account(context, accountId) };
    });
  }
}

@Resolver()
export class AdminMutationResolver {
  @Mutation(() => AccountCreatePayload, { description: "Creates an account and its first API key (admin key only)." })
  accountCreate(@Arg("input", () => AccountCreateInput) input: AccountCreateInput, @Ctx() context: Context) {
    requireAdmin(context);
    return mutate({ account: null, apiKey: null, key: null }, async () => {
      const created = await context.services.accountService.createAccount(input.name, null, { mode: input.mode ?? "LIVE", testClockId: input.testClockId });
      return {
        account: await account(context, created.accountId),
        apiKey: created.token,
        key: await context.services.accounts.apiKey(created.keyId),
      };
    });
  }

  @Mutation(() => ApiKeyCreatePayload, { description: "Issues another API key for an account (admin key only)." })
  apiKeyCreate(@Arg("input", () => ApiKeyCreateInput) input: ApiKeyCreateInput, @Ctx() context: Context) {
    requireAdmin(context);
    return mutate({ apiKey: null, key: null }, async () => {
      const issued = await context.services.accountService.issueKey(input.accountId);
      return { apiKey: issued.token, key: await context.services.accounts.apiKey(issued.keyId) };
    });
  }

  @Mutation(() => ApiKeyRevokePayload, { description: "Revokes an API key (admin key only); it stops working with the next request." })
  apiKeyRevoke(@Arg("input", () => ApiKeyRevokeInput) input: ApiKeyRevokeInput, @Ctx() context: Context) {
    requireAdmin(context);
    return mutate({ key: null }, async () => {
      await context.services.accountService.revokeKey(input.keyId);
      return { key: await context.services.accounts.apiKey(input.keyId) };
    });
  }

  @Mutation(() => CreditsGrantPayload, {
    description: "Grants promotional credits to one of an account's wallets, as a grant and its BONUS entry (admin key only).",
  })
  creditsGrant(@Arg("input", () => CreditsGrantInput) input: CreditsGrantInput, @Ctx() context: Context) {
    requireAdmin(context);
    return mutate({ transaction: null, account: null, grant: null }, async () => {
      const terms = { expiresAt: input.expiresAt, priority: input.priority };
      const { result } = await context.services.credits.grant(input.accountId, input.provider, input.credits, input.reason, terms, input.idempotencyKey);
      const [grant] = await context.services.wallets.grantsByIds([result.grantId]);
      return { transaction: await transaction(context, result.transactionId), account: await account(context, input.accountId), grant };
    });
  }

  @Mutation(() => TransactionRefundPayload, {
    description: "Gives back credits of a CONSUME entry, as a REFUND entry; never more than was consumed (admin key only).",
  })
  transactionRefund(@Arg("input", () => TransactionRefundInput) input: TransactionRefundInput, @Ctx() context: Context) {
    requireAdmin(context);
    return mutate({ transaction: null, account: null }, async () => {
      const { result } = await context.services.credits.refund(input.transactionId, input.credits, input.reason, input.idempotencyKey);
      const refund = await transaction(context, result.transactionId);
      return { transaction: refund, account: await account(context, refund.accountId) };
    });
  }
}

/** Account-side objects the `node` query can fetch, visible only to their owner and the admin. */
/** The wallet a wallet id names, when the account holds (or held) that provider's credits. */
async function walletOf(context: Context, id: string) {
  const named = parseWalletId(id);
  if (!named) return null;
  return (await context.loaders.accounts.wallets.load(named.accountId)).find((wallet) => wallet.providerId === named.providerId) ?? null;
}

export async function resolveAccountNode(context: Context, id: string): Promise<unknown> {
  const loaders = context.loaders.accounts;
  const item = id.startsWith("acct_")
    ? await loaders.account.load(id)
    : id.startsWith("job_")
      ? await loaders.job.load(id)
      : id.startsWith("txn_")
        ? await loaders.transaction.load(id)
        : id.startsWith("key_")
          ? await context.services.accounts.apiKey(id)
          : id.startsWith("grant_")
            ? await loaders.grant.load(id)
            : id.startsWith("wallet_")
              ? await walletOf(context, id)
              : undefined;
  if (item === undefined) return undefined;
  if (!item) return null;
  const owner = "accountId" in item ? item.accountId : item.id;
  return canSee(context, owner) ? item : null;
}

export const accountResolvers = [
  AccountQueryResolver,
  AccountWalletResolver,
  WalletResolver,
  CreditGrantResolver,
  TransactionWalletResolver,
  JobWalletResolver,
  CreditShortfallResolver,
  AccountResolver,
  TransactionResolver,
  JobResolver,
  JobMutationResolver,
  AdminMutationResolver,
] as const;
