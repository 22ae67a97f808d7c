/**
 * Subscriptions executed as graphql-js executes them, except that each event runs with loaders of
 * its own (graphql-js's `subscribe` runs every event with the one context it was given).
 */
import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from "graphql";
import { withFreshLoaders, type Context } from "../../shared/context.js";

export async function subscribeWithFreshLoaders(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream;
  const events = stream[Symbol.asyncIterator]();
  const run = (event: unknown) => execute({ ...args, rootValue: event, contextValue: withFreshLoaders(args.contextValue as Context) });
  // Not an async generator: its return() would wait for the next event, and an unsubscribed client must release the stream at once.
  const results: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const next = await events.next();
      return next.done ? { done: true, value: undefined } : { done: false, value: await run(next.value) };
    },
    async return() {
      await events.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      await events.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return results;
    },
  };
  return results;
}
