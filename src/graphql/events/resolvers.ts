/** viewer.events: the account's event log, for partners that missed pushes to catch up. */
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { AccountRecord } from "../../accounts/records.js";
import { Account } from "../accounts/types.js";
import { connection, decodeCursor, pageSize } from "../shared/connections.js";
import type { Context } from "../shared/context.js";
import { EVENT_TYPES, unknownEventTypes } from "../../events/log.js";
import { EventConnection, eventOf } from "./types.js";
import { badInput } from "../../errors.js";

@Resolver(() => Account)
export class AccountEventResolver {
  @FieldResolver(() => EventConnection, {
    nullable: true,
    description:
      "The account's events, oldest first; after a cursor, or after a sequence number last seen. Null, with an error at this field alone, when an argument is invalid (a cursor not from this server, first out of range).",
  })
  async events(
    @Root() root: AccountRecord,
    @Ctx() context: Context,
    @Arg("first", () => Int, { nullable: true, description: "Page size, 0 to 100 (default 20)." }) first: number | null,
    @Arg("after", () => String, { nullable: true, description: "endCursor of the previous page." }) after: string | null,
    @Arg("types", () => [String], { nullable: true, description: 'Only events of these types, e.g. ["job.completed"].' }) types: string[] | null,
    @Arg("afterSequence", () => Int, { nullable: true, description: "Only events after this sequence number (the last one seen); instead of `after`." })
    afterSequence: number | null,
  ) {
    const size = pageSize(first);
    if (after != null && afterSequence != null) throw badInput("Give after or afterSequence, not both", ["afterSequence"]);
    if (afterSequence != null && (!Number.isSafeInteger(afterSequence) || afterSequence < 0))
      throw badInput("afterSequence must be 0 or more", ["afterSequence"]);
    const unknown = unknownEventTypes(types);
    if (unknown.length > 0) throw badInput(`Unknown event type ${unknown.join(", ")}; the types are: ${EVENT_TYPES.join(", ")}`, ["types"]);
    const page = await context.services.store.reads.events.page(root.id, { first: size, afterSeq: afterSequence ?? decodeCursor("event", after), types });
    return connection("event", page.items.map(eventOf), page.hasNextPage, (event) => event.sequence);
  }
}

export const eventResolvers = [AccountEventResolver];
