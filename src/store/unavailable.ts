/**
 * Whether an error is the database being unavailable, whichever store is behind: told here, within
 * the store, so that callers (the GraphQL layer, background work) never need to know which it is.
 */
import { isUnreachable } from "./postgres/store.js";
import { StoreUnavailableError } from "./store.js";

/**
 * The store failure beneath `error`: the store's own StoreUnavailableError (outcomeUnknown when a
 * commit may have happened), found through causes (and GraphQL's originalError), or a driver's
 * connection error that no unit of work wrapped (a read: nothing was committed); else undefined.
 */
export function unavailableCause(error: unknown): StoreUnavailableError | undefined {
  let current = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    if (current instanceof StoreUnavailableError) return current;
    current = (current as { originalError?: unknown }).originalError ?? current.cause;
  }
  const original = (error as { originalError?: unknown } | null)?.originalError ?? error;
  return original instanceof Error && isUnreachable(original)
    ? new StoreUnavailableError("the database is unreachable; retry shortly", { cause: original })
    : undefined;
}
