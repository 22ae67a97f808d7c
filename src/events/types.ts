/**
 * The GraphQL `Event`: one entry of an account's event log, as subscriptions push it and as
 * `viewer.events` reads it back. `eventOf` maps a stored row (either store) to it.
 */
import { Field, ID, Int, ObjectType } from "type-graphql";
import { DateTimeScalar, JSONScalar } from "../graphql/scalars.js";
import type { EventRow } from "../store/repositories/index.js";
import type { EventRecord } from "./log.js";

@ObjectType({ description: "Something that happened to an account: a job resolved, credits added or expired, a purchase or renewal." })
export class Event {
  @Field(() => ID, { description: 'Unique id, e.g. "evt_…": the same event delivered twice carries the same id.' })
  id!: string;

  @Field(() => String, { description: 'What happened, e.g. "job.completed" or "wallet.credits_added".' })
  type!: string;

  @Field(() => Int, { description: "The account's event number: 1, 2, 3 … in the order the changes committed. Catch up from the last one seen." })
  sequence!: number;

  @Field(() => DateTimeScalar, { description: "When the change committed." })
  createdAt!: Date;

  @Field(() => JSONScalar, { description: "The objects the event is about, by kind (job, wallet …), each with its id and its state after the change; credits are decimal strings." })
  data!: Record<string, unknown>;
}

export function eventOf(row: EventRow | EventRecord): Event {
  const data = typeof row.data === "string" ? (JSON.parse(row.data) as Record<string, unknown>) : ((row.data ?? {}) as Record<string, unknown>);
  const createdAt: unknown = row.createdAt;
  return { id: row.id, type: row.type, sequence: row.seq, createdAt: createdAt instanceof Date ? createdAt : new Date(String(createdAt)), data };
}
