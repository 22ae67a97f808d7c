import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { LineItem } from "../estimates/types.js";
import { PageInfo } from "../shared/connections.js";
import { Node } from "../shared/node.js";
import { DateTimeScalar, DecimalScalar } from "../shared/scalars.js";
import type { Decimal } from "../../pricing/decimal.js";
import type { JobStatus } from "../../store/repositories/index.js";
import type { TransactionType } from "../../accounts/ledger.js";
import type { Mode } from "../../accounts/modes.js";
import type { JobRecord, TransactionRecord } from "../../accounts/records.js";

export const TransactionTypeEnum = {
  PURCHASE: "PURCHASE",
  RESERVE: "RESERVE",
  CONSUME: "CONSUME",
  RELEASE: "RELEASE",
  REFUND: "REFUND",
  BONUS: "BONUS",
  EXPIRE: "EXPIRE",
  CLAWBACK: "CLAWBACK",
  REPAY: "REPAY",
  REIMBURSE: "REIMBURSE",
  MIGRATION: "MIGRATION",
} as const;
registerEnumType(TransactionTypeEnum, {
  name: "TransactionType",
  description: "What a ledger entry records.",
  valuesConfig: {
    PURCHASE: { description: "Credits paid for (a credit pack or a subscription period). Positive." },
    RESERVE: { description: "Credits held for a job that is running. Negative." },
    CONSUME: { description: "Credits a completed job used. Negative." },
    RELEASE: { description: "A job's hold given back (on completion, failure, cancellation or expiry). Positive." },
    REFUND: { description: "Consumed credits given back by an operator. Positive." },
    BONUS: { description: "Credits granted by an operator (or a new account's first credits). Positive." },
    EXPIRE: { description: "Credits of a grant whose expiry passed (or released to it after that). Negative." },
    CLAWBACK: { description: "Credits of a purchase the payment provider refunded or the buyer disputed, taken back. Negative." },
    REPAY: {
      description:
        "Credits owed after a clawback, repaid from credits added or returned later; or credits returned to a grant going on to the grant that repaid its debt (a REIMBURSE follows). Negative.",
    },
    REIMBURSE: {
      description:
        "Credits a grant spent repaying another grant's debt, back to it once the credits whose use made that debt were given back (a refund, a release). Positive.",
    },
    MIGRATION: { description: "Credits moved from the legacy wallet to their provider's when wallets were introduced (see the README). Either sign." },
  },
});

export const JobStatusEnum = {
  RESERVED: "RESERVED",
  COMPLETED: "COMPLETED",
  FAILED: "FAILED",
  CANCELLED: "CANCELLED",
  EXPIRED: "EXPIRED",
} as const;
registerEnumType(JobStatusEnum, {
  name: "JobStatus",
  description: "Where a job's reservation stands. Every status but RESERVED is final.",
  valuesConfig: {
    RESERVED: { description: "Running: its credits are held." },
    COMPLETED: { description: "Done: the consumed credits were spent, the rest released." },
    FAILED: { description: "Failed: everything was released." },
    CANCELLED: { description: "Cancelled by the client: everything was released." },
    EXPIRED: { description: "Not resolved in time: everything was released." },
  },
});

export const ModeEnum = { LIVE: "LIVE", TEST: "TEST" } as const;
registerEnumType(ModeEnum, {
  name: "Mode",
  description: "Live or test, as Stripe's livemode. Fixed when the account is made; its keys show it (pak_live_…, pak_test_…).",
  valuesConfig: {
    LIVE: { description: "Pays only through a real payment provider (Stripe, for cards): its credits are paid for (or granted by an operator)." },
    TEST: { description: "Pays only through the embedded sandbox, in every environment: its credits are test credits, never live ones." },
  },
});

@ObjectType({ simpleResolvers: true, implements: Node, description: "A customer account holding credits." })
export class Account implements Node {
  @Field(() => ID, { description: 'Account id, e.g. "acct_3f9c…".' })
  id!: string;

  @Field(() => String, { description: "Display name." })
  name!: string;

  @Field(() => ModeEnum, { description: "LIVE or TEST: which payment provider its purchases go through." })
  mode!: Mode;

  @Field(() => DateTimeScalar, { description: "When the account was created." })
  createdAt!: Date;
}

@ObjectType({
  simpleResolvers: true,
  implements: Node,
  description:
    "An entry of a wallet's credit ledger. Entries are never changed or removed: corrections are new entries. balanceAfter = balanceBefore + amount, and each entry's balanceBefore is the previous one's balanceAfter in the same wallet.",
})
export class Transaction implements Node {
  @Field(() => ID, { description: 'Transaction id, e.g. "txn_…".' })
  id!: string;

  @Field(() => TransactionTypeEnum, { description: "What the entry records." })
  type!: TransactionType;

  @Field(() => DecimalScalar, { description: "Signed effect on the wallet's available credits: negative for RESERVE, CONSUME, EXPIRE, CLAWBACK and REPAY." })
  amount!: Decimal;

  @Field(() => DecimalScalar, { description: "The wallet's available credits before this entry." })
  balanceBefore!: Decimal;

  @Field(() => DecimalScalar, { description: "The wallet's available credits after this entry." })
  balanceAfter!: Decimal;

  @Field(() => Int, { description: "Position in the wallet's ledger: 1, 2, 3 … without gaps." })
  sequence!: number;

  @Field(() => String, { description: "What the entry is for." })
  description!: string;

  @Field(() => String, { nullable: true, description: "The idempotency key of the request that wrote it, if one was sent." })
  idempotencyKey!: string | null;

  @Field(() => DateTimeScalar, { description: "When the entry was written." })
  createdAt!: Date;
}

@ObjectType({ simpleResolvers: true, implements: Node, description: "A unit of work that holds credits while it runs and is then charged once." })
export class Job implements Node {
  @Field(() => ID, { description: 'Job id, e.g. "job_…".' })
  id!: string;

  @Field(() => JobStatusEnum, { description: "Where the reservation stands." })
  status!: JobStatus;

  @Field(() => DecimalScalar, { description: "Credits held when the job was created." })
  reservedCredits!: Decimal;

  @Field(() => DecimalScalar, { description: "Credits the job used (0 until it completes)." })
  consumedCredits!: Decimal;

  @Field(() => [LineItem], { description: "The estimate the reservation was priced from, as it was then; empty when credits were given directly." })
  lineItems!: JobRecord["lineItems"];

  @Field(() => String, {
    nullable: true,
    description: "The version of the catalog (Query.catalogVersion) the job was priced from; null when credits were given directly.",
  })
  catalogVersion!: string | null;

  @Field(() => Boolean, {
    description:
      "Its product is charged when the request is accepted (Product.chargedOnAcceptance): the job consumed its credits when it was created and was COMPLETED then; jobComplete, jobFail and jobCancel answer JOB_ALREADY_RESOLVED.",
  })
  chargedOnAcceptance!: boolean;

  @Field(() => String, { nullable: true, description: "Why the job failed or expired, when it did." })
  failureReason!: string | null;

  @Field(() => DateTimeScalar, { description: "When the job was created (and its credits reserved)." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: "When an unresolved reservation expires and is released." })
  expiresAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the job reached its final status." })
  resolvedAt!: Date | null;
}

@ObjectType({ simpleResolvers: true, implements: Node, description: "An API key of an account. The key itself is shown only once, when created." })
export class ApiKey implements Node {
  @Field(() => ID, { description: 'Key id, e.g. "key_…"; also embedded in the key.' })
  id!: string;

  @Field(() => String, { description: "The key's first characters, to tell keys apart." })
  displayPrefix!: string;

  @Field(() => DateTimeScalar, { description: "When the key was created." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the key was revoked; null while it works." })
  revokedAt!: Date | null;
}

@ObjectType({ simpleResolvers: true, description: "A transaction and its cursor." })
export class TransactionEdge {
  @Field(() => String, { description: "Pass as `after` to continue after this transaction." })
  cursor!: string;

  @Field(() => Transaction, { description: "The transaction." })
  node!: TransactionRecord;
}

@ObjectType({ simpleResolvers: true, description: "A page of ledger entries, newest first." })
export class TransactionConnection {
  @Field(() => [TransactionEdge], { description: "The entries with their cursors." })
  edges!: TransactionEdge[];

  @Field(() => [Transaction], { description: "The entries alone." })
  nodes!: TransactionRecord[];

  @Field(() => PageInfo, { description: "Whether more pages follow." })
  pageInfo!: PageInfo;
}

@ObjectType({ simpleResolvers: true, description: "A job and its cursor." })
export class JobEdge {
  @Field(() => String, { description: "Pass as `after` to continue after this job." })
  cursor!: string;

  @Field(() => Job, { description: "The job." })
  node!: JobRecord;
}

@ObjectType({ simpleResolvers: true, description: "A page of jobs, newest first." })
export class JobConnection {
  @Field(() => [JobEdge], { description: "The jobs with their cursors." })
  edges!: JobEdge[];

  @Field(() => [Job], { description: "The jobs alone." })
  nodes!: JobRecord[];

  @Field(() => PageInfo, { description: "Whether more pages follow." })
  pageInfo!: PageInfo;
}
