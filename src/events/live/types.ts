/**
 * What the live subscriptions push, read from the event's data (the state after the change), so a
 * subscriber needs no second request. `walletChangeOf` / `jobChangeOf` answer null for an event
 * that carries no wallet / no job.
 */
import { Field, ID, ObjectType } from "type-graphql";
import { JobStatusEnum } from "../../accounts/types.js";
import { DecimalScalar } from "../../graphql/scalars.js";
import type { EventRow } from "../../store/repositories/index.js";
import { Event, eventOf } from "../types.js";

type JobStatus = keyof typeof JobStatusEnum;

@ObjectType({ description: "A wallet's figures after an event that changed them." })
export class WalletChange {
  @Field(() => Event, { description: "The event that changed the wallet (its id, type and sequence number)." })
  event!: Event;

  @Field(() => ID, { description: "Whose credits the wallet holds (Provider.id)." })
  provider!: string;

  @Field(() => DecimalScalar, { description: "Credits owned after the change, including those held by running jobs." })
  balance!: string;

  @Field(() => DecimalScalar, { description: "Credits held by running jobs after the change." })
  reserved!: string;

  @Field(() => DecimalScalar, { description: "Credits that can be spent after the change (balance - reserved)." })
  available!: string;

  @Field(() => DecimalScalar, { description: "Credits spent from purchases that were refunded or disputed later, after the change; repaid first from the next credits added." })
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

const objectIn = (event: Event, kind: string): Record<string, unknown> | null => {
  const value = event.data[kind];
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
};

const text = (value: unknown, fallback: string) => (typeof value === "string" || typeof value === "number" ? String(value) : fallback);

export function walletChangeOf(row: EventRow): WalletChange | null {
  const event = eventOf(row);
  const wallet = objectIn(event, "wallet");
  if (!wallet || typeof wallet.provider !== "string") return null;
  return {
    event,
    provider: wallet.provider,
    balance: text(wallet.balance, "0"),
    reserved: text(wallet.reserved, "0"),
    available: text(wallet.available, "0"),
    owed: text(wallet.owed, "0"),
  };
}

/** The status an event of this type leaves a job in, when its data does not say. */
const STATUS_OF_TYPE: Record<string, JobStatus> = {
  "job.reserved": "RESERVED",
  "job.completed": "COMPLETED",
  "job.failed": "FAILED",
  "job.cancelled": "CANCELLED",
  "job.expired": "EXPIRED",
};

export function jobChangeOf(row: EventRow): JobChange | null {
  const event = eventOf(row);
  const job = objectIn(event, "job");
  if (!job || typeof job.id !== "string") return null;
  const stated = typeof job.status === "string" ? job.status.toUpperCase() : "";
  const status = stated in JobStatusEnum ? (stated as JobStatus) : STATUS_OF_TYPE[event.type];
  if (!status) return null;
  return {
    event,
    jobId: job.id,
    status,
    provider: typeof job.provider === "string" ? job.provider : null,
    reservedCredits: text(job.reservedCredits, "0"),
    consumedCredits: text(job.consumedCredits, "0"),
  };
}
