/**
 * A database driver's connection error that no unit of work wrapped (a read), whichever store is
 * behind: told here, within the store, so that callers never need to know which database it is.
 */
import { isUnreachable } from "./postgres/store.js";
import { StoreUnavailableError } from "./store.js";

/** The store failure `error` is, as a StoreUnavailableError (nothing was committed), or undefined. */
export function unwrappedUnavailable(error: Error): StoreUnavailableError | undefined {
  return isUnreachable(error) ? new StoreUnavailableError("the database is unreachable; retry shortly", { cause: error }) : undefined;
}
