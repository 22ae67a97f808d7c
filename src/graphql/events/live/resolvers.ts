/**
 * The GraphQL subscriptions: walletChanged, jobChanged and eventReceived, each an async iterator
 * over the key's account's events (the follower), filtered and mapped. Served only over graphql-ws
 * (./server.ts), whose context is a LiveContext.
 */
import { Arg, ID, Resolver, Root, Subscription } from "type-graphql";
import type { EventRow } from "../../../store/repositories/index.js";
import { EVENT_TYPES, unknownEventTypes } from "../../../events/log.js";
import { Event, eventOf } from "../types.js";
import type { LiveContext } from "./connection.js";
import { LiveQueue } from "../../../events/live/queue.js";
import { JobChange, jobChangeOf, WalletChange, walletChangeOf } from "./types.js";
import { badInput, notFound } from "../../../errors.js";

interface SubscribeData<Args> {
  args: Args;
  context: LiveContext;
}

/** The account's events from now on, mapped (null: not for this subscription). */
async function stream<T>(context: LiveContext, map: (row: EventRow) => T | null): Promise<AsyncIterable<T>> {
  const { connection, follower } = context;
  const queue = new LiveQueue<T>();
  const stop = await follower.follow(context.accountId, (row) => {
    const item = connection.closing ? null : map(row);
    if (item === null) return;
    queue.push(item);
    connection.checkBackpressure(queue.size);
  });
  queue.setOnEnd(stop);
  return queue;
}

async function walletChanges({ args, context }: SubscribeData<{ provider?: string | null }>) {
  const provider = args.provider ?? null;
  if (provider !== null && !context.services.knownProvider(provider)) throw badInput(`No provider ${provider}`, ["provider"]);
  return stream(context, (row) => {
    const change = walletChangeOf(row);
    return change && (provider === null || change.provider === provider) ? change : null;
  });
}

async function jobChanges({ args, context }: SubscribeData<{ jobId?: string | null }>) {
  const jobId = args.jobId ?? null;
  if (jobId !== null) {
    const [job] = await context.services.accounts.jobsByIds([jobId]);
    // Another account's job is as unknown as a job that does not exist.
    if (!job || job.accountId !== context.accountId) {
      throw notFound(`No job ${jobId}`, ["jobId"]);
    }
  }
  return stream(context, (row) => {
    const change = jobChangeOf(row);
    return change && (jobId === null || change.jobId === jobId) ? change : null;
  });
}

async function events({ args, context }: SubscribeData<{ types?: string[] | null }>) {
  const types = args.types ?? null;
  const unknown = unknownEventTypes(types);
  if (unknown.length > 0) {
    throw badInput(`Unknown event type ${unknown.join(", ")}; the types are ${EVENT_TYPES.join(", ")}`, ["types"]);
  }
  const wanted = types && types.length > 0 ? new Set(types) : null;
  return stream(context, (row) => (wanted === null || wanted.has(row.type) ? eventOf(row) : null));
}

/**
 * type-graphql refuses to build subscriptions without a PubSub, though ours all bring their own
 * `subscribe`; this one is never used.
 */
export const noPubSub = {
  publish(): void {
    throw new Error("Live events come from the event log (EventLog.record), not a PubSub");
  },
  subscribe(): AsyncIterable<never> {
    throw new Error("Every subscription brings its own subscribe function");
  },
};

@Resolver()
export class LiveResolver {
  @Subscription(() => WalletChange, {
    subscribe: walletChanges,
    description:
      "A wallet's figures after each change to them (a job reserved or resolved, credits added or expired, a purchase), over WebSocket (graphql-ws on /graphql, connectionParams.apiKey). Only events from when the subscription starts.",
  })
  walletChanged(
    @Root() change: WalletChange,
    @Arg("provider", () => ID, { nullable: true, description: "Only this provider's wallet; all of the account's wallets when left out." })
    _provider: string | null,
  ): WalletChange {
    return change;
  }

  @Subscription(() => JobChange, {
    subscribe: jobChanges,
    description: "Each job event of the account (reserved, completed, failed, cancelled, expired), over WebSocket (graphql-ws on /graphql).",
  })
  jobChanged(
    @Root() change: JobChange,
    @Arg("jobId", () => ID, { nullable: true, description: "Only this job's events; every job's when left out." }) _jobId: string | null,
  ): JobChange {
    return change;
  }

  @Subscription(() => Event, {
    subscribe: events,
    description: "Every event of the account as it commits, in sequence order, over WebSocket (graphql-ws on /graphql).",
  })
  eventReceived(
    @Root() event: Event,
    @Arg("types", () => [String], {
      nullable: true,
      description: 'Only events of these types (e.g. ["job.completed", "wallet.low_balance"]); every type when left out.',
    })
    _types: string[] | null,
  ): Event {
    return event;
  }
}
