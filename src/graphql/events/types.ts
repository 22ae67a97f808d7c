/** The event log as GraphQL: an Event, and pages of them (Relay connections). */
import { Field, ID, Int, ObjectType } from "type-graphql";
import { PageInfo } from "../shared/connections.js";
import { DateTimeScalar, JSONScalar } from "../shared/scalars.js";
import type { EventRow } from "../../store/repositories/index.js";
import type { EventRecord } from "../../events/log.js";

@ObjectType({ description: "Something that changed in the account: a job, a wallet, a checkout session, a plan subscription or a grant." })
export class Event {
  /** Whose event (not a field: every event a key sees is of its own account). */
  accountId!: string;

  @Field(() => ID, { description: "Unique; the `webhook-id` of its deliveries, so a receiver can drop duplicates." })
  id!: string;

  @Field(() => String, { description: 'What happened, e.g. "job.completed", "wallet.credits_added".' })
  type!: string;

  @Field(() => Int, { description: "1, 2, 3 … per account, in the order the changes were made: catch up from the last one seen." })
  sequence!: number;

  @Field(() => DateTimeScalar, { description: "When it happened." })
  createdAt!: Date;

  @Field(() => JSONScalar, {
    description:
      "The objects it is about, by kind (job, wallet, checkoutSession, subscription, grant), each with its id and its state after the change; credits as decimal strings of the object's provider. `change` says what changed.",
  })
  data!: Record<string, unknown>;
}

@ObjectType({ simpleResolvers: true, description: "An event and its cursor." })
export class EventEdge {
  @Field(() => String, { description: "Pass as `after` to continue after this event." })
  cursor!: string;

  @Field(() => Event, { description: "The event." })
  node!: Event;
}

@ObjectType({ simpleResolvers: true, description: "A page of events, oldest first." })
export class EventConnection {
  @Field(() => [EventEdge], { description: "The events with their cursors." })
  edges!: EventEdge[];

  @Field(() => [Event], { description: "The events, without cursors." })
  nodes!: Event[];

  @Field(() => PageInfo, { description: "Whether more follow." })
  pageInfo!: PageInfo;
}

/** An event as the Event type shows it: a stored row (either store) or one just recorded. */
export function eventOf(row: EventRow | EventRecord): Event {
  const data = typeof row.data === "string" ? (JSON.parse(row.data) as Record<string, unknown>) : ((row.data ?? {}) as Record<string, unknown>);
  const createdAt: unknown = row.createdAt;
  return {
    id: row.id,
    accountId: row.accountId,
    type: row.type,
    sequence: row.seq,
    createdAt: createdAt instanceof Date ? createdAt : new Date(String(createdAt)),
    data,
  };
}
