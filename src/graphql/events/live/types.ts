/**
 * What the live subscriptions push, read from the event's data (the state after the change), so a
 * subscriber needs no second request; each carries its object too (WalletChange.wallet,
 * JobChange.job), for normalized client caches. `walletChangeOf` / `jobChangeOf` answer null for
 * an event that carries no wallet / no job.
 */
import { Ctx, Field, FieldResolver, ID, ObjectType, Resolver, Root } from "type-graphql";
import type { JobRecord } from "../../../accounts/records.js";
import { Job, JobStatusEnum } from "../../accounts/types.js";
import { walletId, type WalletRecord } from "../../../accounts/wallet-queries.js";
import { Wallet } from "../../accounts/wallet-types.js";
import type { Context } from "../../shared/context.js";
import { DecimalScalar } from "../../shared/scalars.js";
import { Decimal } from "../../../pricing/decimal.js";
import type { EventData } from "../../../events/definitions.js";
import type { EventRow } from "../../../store/repositories/index.js";
import { Event, eventOf } from "../types.js";

type JobStatus = keyof typeof JobStatusEnum;

@ObjectType({ description: "A wallet's figures after an event that changed them." })
export class WalletChange {
  @Field(() => Event, { description: "The event that changed the wallet (its id, type and sequence number)." })
  event!: Event;

  /** Whose wallet (not a field: Wallet.id says it). */
  accountId!: string;

  @Field(() => ID, { description: "Whose credits the wallet holds (Provider.id)." })
  provider!: string;

  @Field(() => DecimalScalar, { description: "Credits owned after the change, including those held by running jobs." })
  balance!: string;

  @Field(() => DecimalScalar, { description: "Credits held by running jobs after the change." })
  reserved!: string;

  @Field(() => DecimalScalar, { description: "Credits that can be spent after the change (balance - reserved)." })
  available!: string;

  @Field(() => DecimalScalar, {
    description: "Credits spent from purchases that were refunded or disputed later, after the change; repaid first from the next credits added.",
  })
  owed!: string;
}

@ObjectType({ description: "A job's state after an event about it (reserved, completed, failed, cancelled, expired)." })
export class JobChange {
  @Field(() => Event, { description: "The event (its id, type and sequence number)." })
  event!: Event;

  @Field(() => ID, { description: 'The job, e.g. "job_…" (Job.id).' })
  jobId!: string;

  @Field(() => JobStatusEnum, { description: "Where the job's reservation stands after the event." })
  status!: JobStatus;

  @Field(() => ID, { nullable: true, description: "Whose credits the job spends (Provider.id), when the event names it." })
  provider!: string | null;

  @Field(() => DecimalScalar, { description: "Credits held when the job was created." })
  reservedCredits!: string;

  @Field(() => DecimalScalar, { description: "Credits the job used (0 until it completes)." })
  consumedCredits!: string;
}

/** The event's data, of the shape its type declares (src/events/definitions.ts). */
function dataOf(event: Event): EventData {
  return event.data as EventData;
}

export function walletChangeOf(row: EventRow): WalletChange | null {
  const event = eventOf(row);
  const data = dataOf(event);
  if (!("wallet" in data)) return null;
  const { wallet } = data;
  return {
    event,
    accountId: row.accountId,
    provider: wallet.provider,
    balance: wallet.balance,
    reserved: wallet.reserved,
    available: wallet.available,
    owed: wallet.owed,
  };
}

export function jobChangeOf(row: EventRow): JobChange | null {
  const event = eventOf(row);
  const data = dataOf(event);
  if (!("job" in data)) return null;
  const { job } = data;
  return { event, jobId: job.id, status: job.status, provider: job.provider, reservedCredits: job.reservedCredits, consumedCredits: job.consumedCredits };
}

@Resolver(() => WalletChange)
export class WalletChangeResolver {
  @FieldResolver(() => Wallet, {
    description:
      "The wallet, with its figures after this change: a normalized client cache (Apollo Client's, keyed on Wallet.id) updates the wallet it holds from each push.",
  })
  wallet(@Root() change: WalletChange): WalletRecord {
    const decimal = (value: string) => new Decimal(value);
    return {
      __typename: "Wallet",
      id: walletId(change.accountId, change.provider),
      accountId: change.accountId,
      providerId: change.provider,
      balance: decimal(change.balance),
      reserved: decimal(change.reserved),
      available: decimal(change.available),
      owed: decimal(change.owed),
    };
  }
}

@Resolver(() => JobChange)
export class JobChangeResolver {
  @FieldResolver(() => Job, {
    description: "The job as it is now (at least as of this event): a normalized client cache updates the job it holds from each push.",
  })
  async job(@Root() change: JobChange, @Ctx() context: Context): Promise<JobRecord> {
    const job = await context.loaders.accounts.job.load(change.jobId);
    if (!job) throw new Error(`job ${change.jobId} of a live event is missing`);
    return job;
  }
}
