/** GraphQL inputs and payloads of the account mutations. */
import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { EstimateInput, JobEstimateInput } from "../estimates/types.js";
import { DateTimeScalar, DecimalScalar } from "../shared/scalars.js";
import { UserError } from "../shared/user-error.js";
import type { Decimal } from "../../pricing/decimal.js";
import type { AccountRecord, ApiKeyRecord, JobRecord, TransactionRecord } from "../../accounts/records.js";
import type { Mode } from "../../accounts/modes.js";
import { Account, ApiKey, Job, ModeEnum, Transaction } from "./types.js";
import type { GrantRecord } from "../../accounts/wallet-queries.js";
import { CreditGrant, CreditShortfall } from "./wallet-types.js";

type ShortfallRecord = { providerId: string; missingCredits: Decimal };

@InputType({ description: "A job to start: give exactly one of estimate, jobEstimate or credits." })
export class JobCreateInput {
  @Field(() => EstimateInput, { nullable: true, description: "Reserve what this estimate costs (totalCredits)." })
  estimate?: EstimateInput | null;

  @Field(() => JobEstimateInput, { nullable: true, description: "Reserve what this U-Gen job estimate costs." })
  jobEstimate?: JobEstimateInput | null;

  @Field(() => DecimalScalar, { nullable: true, description: "Reserve exactly these credits." })
  credits?: Decimal | null;

  @Field(() => ID, {
    nullable: true,
    description: "With credits: whose credits (a provider id); may be left out when the account holds one provider's credits only.",
  })
  provider?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Up to 255 characters. A retry with the same key and input returns the first result instead of reserving twice; kept at least 24 h.",
  })
  idempotencyKey?: string | null;
}

@InputType({ description: "Finish a job: its consumed credits are spent and the rest of the hold is released." })
export class JobCompleteInput {
  @Field(() => ID, { description: "The job." })
  jobId!: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      "Credits the job actually used. Default: all reserved. More than reserved is taken from the wallet's available credits (INSUFFICIENT_CREDITS, and nothing changes, when they do not cover it).",
  })
  consumedCredits?: Decimal | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "true: the YouTube transcript fetch fell back to speech recognition (Subclip AI Clipping with youtubeTranscript), so its credit is not charged: the job consumes its reserved credits less that line's. BAD_USER_INPUT on a job whose estimate has no youtube_transcript line, and with consumedCredits (which would already leave it out).",
  })
  transcriptFallback?: boolean | null;
}

@InputType({ description: "Mark a job failed: its whole hold is released." })
export class JobFailInput {
  @Field(() => ID, { description: "The job." })
  jobId!: string;

  @Field(() => String, { nullable: true, description: "Why it failed (up to 500 characters)." })
  reason?: string | null;
}

@InputType({ description: "Cancel a job: its whole hold is released." })
export class JobCancelInput {
  @Field(() => ID, { description: "The job." })
  jobId!: string;
}

@InputType({ description: "A new account (admin only)." })
export class AccountCreateInput {
  @Field(() => String, { description: "Display name (up to 500 characters)." })
  name!: string;

  @Field(() => ModeEnum, { nullable: true, description: "LIVE (the default) or TEST; fixed for good." })
  mode?: Mode | null;

  @Field(() => ID, {
    nullable: true,
    description: "A TEST account only: the test clock it lives on (testClockCreate); its time-driven changes follow that clock.",
  })
  testClockId?: string | null;
}

@InputType({ description: "A new API key for an account (admin only)." })
export class ApiKeyCreateInput {
  @Field(() => ID, { description: "The account." })
  accountId!: string;
}

@InputType({ description: "Revoke an API key (admin only); it stops working at once." })
export class ApiKeyRevokeInput {
  @Field(() => ID, { description: "The key's id (key_…)." })
  keyId!: string;
}

@InputType({ description: "Grant bonus credits to an account (admin only)." })
export class CreditsGrantInput {
  @Field(() => ID, { description: "The account." })
  accountId!: string;

  @Field(() => ID, { nullable: true, description: "Whose credits (a provider id); may be left out when the account holds one provider's credits only." })
  provider?: string | null;

  @Field(() => DecimalScalar, { description: "Credits to add, more than 0." })
  credits!: Decimal;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the unspent credits expire (in the future); default: never." })
  expiresAt?: Date | null;

  @Field(() => Int, { nullable: true, description: "Higher is spent first (default 0)." })
  priority?: number | null;

  @Field(() => String, { description: "Why, recorded on the ledger entry." })
  reason!: string;

  @Field(() => String, { nullable: true, description: "Makes a retried grant return the first result instead of granting twice." })
  idempotencyKey?: string | null;
}

@InputType({ description: "Give back credits a CONSUME transaction took (admin only)." })
export class TransactionRefundInput {
  @Field(() => ID, { description: "The CONSUME transaction." })
  transactionId!: string;

  @Field(() => DecimalScalar, { nullable: true, description: "Credits to give back; default: all not yet refunded. Never more than was consumed." })
  credits?: Decimal | null;

  @Field(() => String, { description: "Why, recorded on the ledger entry." })
  reason!: string;

  @Field(() => String, { nullable: true, description: "Makes a retried refund return the first result instead of refunding twice." })
  idempotencyKey?: string | null;
}

// -------------------------------------------------------------------------------------------
// Payloads

@ObjectType({ simpleResolvers: true, description: "Result of jobCreate." })
export class JobCreatePayload {
  @Field(() => Job, { nullable: true, description: "The new job; null when userErrors is not empty." })
  job!: JobRecord | null;

  @Field(() => Transaction, { nullable: true, description: "The RESERVE entry." })
  transaction!: TransactionRecord | null;

  @Field(() => Account, { nullable: true, description: "The account after the reservation." })
  account!: AccountRecord | null;

  @Field(() => CreditShortfall, { nullable: true, description: "With INSUFFICIENT_CREDITS: what is missing, and the packs that would cover it." })
  shortfall!: ShortfallRecord | null;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true })
abstract class JobResolvePayload {
  @Field(() => Job, { nullable: true, description: "The job in its final status; null when userErrors is not empty." })
  job!: JobRecord | null;

  @Field(() => Account, { nullable: true, description: "The account after the change." })
  account!: AccountRecord | null;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: "Result of accountCreate." })
export class AccountCreatePayload {
  @Field(() => Account, { nullable: true, description: "The new account." })
  account!: AccountRecord | null;

  @Field(() => String, { nullable: true, description: "The account's API key, in full. Shown only this once: store it now." })
  apiKey!: string | null;

  @Field(() => ApiKey, { nullable: true, description: "The key's id and prefix, as listed later." })
  key!: ApiKeyRecord | null;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: "Result of apiKeyCreate." })
export class ApiKeyCreatePayload {
  @Field(() => String, { nullable: true, description: "The new API key, in full. Shown only this once." })
  apiKey!: string | null;

  @Field(() => ApiKey, { nullable: true, description: "The key's id and prefix." })
  key!: ApiKeyRecord | null;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: "Result of apiKeyRevoke." })
export class ApiKeyRevokePayload {
  @Field(() => ApiKey, { nullable: true, description: "The revoked key." })
  key!: ApiKeyRecord | null;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true })
abstract class CreditsPayload {
  @Field(() => Transaction, { nullable: true, description: "The BONUS or REFUND entry." })
  transaction!: TransactionRecord | null;

  @Field(() => Account, { nullable: true, description: "The account after the change." })
  account!: AccountRecord | null;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: "Result of jobComplete." })
export class JobCompletePayload extends JobResolvePayload {
  @Field(() => CreditShortfall, {
    nullable: true,
    description: "With INSUFFICIENT_CREDITS (consumedCredits above the reservation): what is missing, and the packs that would cover it.",
  })
  shortfall!: ShortfallRecord | null;
}

@ObjectType({ simpleResolvers: true, description: "Result of jobFail." })
export class JobFailPayload extends JobResolvePayload {}

@ObjectType({ simpleResolvers: true, description: "Result of jobCancel." })
export class JobCancelPayload extends JobResolvePayload {}

@ObjectType({ simpleResolvers: true, description: "Result of creditsGrant." })
export class CreditsGrantPayload extends CreditsPayload {
  @Field(() => CreditGrant, { nullable: true, description: "The new grant." })
  grant!: GrantRecord | null;
}

@ObjectType({ simpleResolvers: true, description: "Result of transactionRefund." })
export class TransactionRefundPayload extends CreditsPayload {}
