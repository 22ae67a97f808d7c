import { DomainError, InsufficientCreditsError } from "../../errors.js";
import { fromMicros } from "../../pricing/decimal.js";
import { StoreUnavailableError } from "../../store/store.js";
import { storeUnavailableCause } from "./errors.js";
import type { UserError } from "./user-error.js";

/**
 * Runs a mutation; a refusal from the domain becomes `userErrors` with every other field null,
 * as Shopify and Saleor payloads do. Authentication failures stay top-level errors. `field` is
 * the path from the mutation's argument, so it starts with "input".
 */
export async function mutate<T extends object>(
  empty: { [K in keyof T]: null },
  run: () => Promise<T> | T,
): Promise<{ [K in keyof T]: T[K] | null } & { userErrors: UserError[] }> {
  try {
    return { ...(await run()), userErrors: [] };
  } catch (error) {
    // A step of the change (or all of it) may have committed before the database went away, a read
    // after the commit may be what failed: a mutation's store failure never says nothing was done.
    const unavailable = storeUnavailableCause(error);
    if (unavailable && !unavailable.outcomeUnknown) throw new StoreUnavailableError(unavailable.message, { cause: error, outcomeUnknown: true });
    if (!(error instanceof DomainError)) throw error;
    const field = error.field === undefined ? null : ["input", ...error.field];
    // A payload with a `shortfall` says what was missing, so the client can offer the right pack.
    const shortfall =
      error instanceof InsufficientCreditsError && "shortfall" in empty
        ? { shortfall: { providerId: error.providerId, missingCredits: fromMicros(error.missingMicros) } }
        : {};
    return { ...empty, ...shortfall, userErrors: [{ field, code: error.code, message: error.message }] };
  }
}
