/**
 * Idempotency keys: an operation sent again with its key returns the first result; the same key
 * with other input is IDEMPOTENCY_KEY_REUSED. Keys are scoped per caller (an account, whichever of
 * its keys sends them, or the admin) and per operation, as Stripe scopes them per API key. A
 * failure is not remembered (its transaction rolls back the key too), so a failed call can be
 * retried with its key.
 */
import { createHash } from "node:crypto";
import type { Clock } from "../clock.js";
import { DomainError, DomainErrorCode } from "../errors.js";
import { Decimal } from "../pricing/decimal.js";
import type { Store, Tx } from "../store/store.js";
import { LEDGER_LIMITS } from "./credits.js";

/** Whose idempotency keys these are: an account's or the admin's. */
export type IdempotencyScope = `account:${string}` | "admin";
export const ADMIN_SCOPE: IdempotencyScope = "admin";
export const accountScope = (accountId: string): IdempotencyScope => `account:${accountId}`;

export interface IdempotencyRequest {
  key?: string | null;
  /** Everything that defines the request apart from the key, compared on a retry. */
  input: unknown;
}

export interface Outcome<R> {
  result: R;
  /** True when an idempotency key matched an earlier call and nothing new was written. */
  replayed: boolean;
}

/** Canonical JSON (sorted keys), so the same input always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    if (Decimal.isDecimal(value)) return JSON.stringify((value as Decimal).toFixed());
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function checkIdempotencyKey(key: string | null | undefined): string | null {
  if (key == null) return null;
  if (key.length === 0 || key.length > LEDGER_LIMITS.maxIdempotencyKeyLength) {
    throw new DomainError(DomainErrorCode.BAD_USER_INPUT, `An idempotency key has 1 to ${LEDGER_LIMITS.maxIdempotencyKeyLength} characters`, [
      "idempotencyKey",
    ]);
  }
  return key;
}

/**
 * Runs `work` at most once per (scope, operation, key), inside the caller's transaction. Guard:
 * the key is claimed (inserted) before the work runs, under the table's primary key: a concurrent
 * call with the same key waits for the first to commit, then replays its result.
 */
export async function idempotent<R>(
  tx: Tx,
  clock: Clock,
  scope: IdempotencyScope,
  operation: string,
  request: IdempotencyRequest,
  work: () => Promise<R>,
): Promise<Outcome<R>> {
  const key = checkIdempotencyKey(request.key);
  if (key === null) return { result: await work(), replayed: false };
  const requestHash = createHash("sha256")
    .update(canonical({ operation, input: request.input }))
    .digest("hex");
  const claimed = await tx.idempotency.insert({ scope, operation, key, requestHash, result: { pending: true }, createdAt: clock.now().toISOString() });
  if (!claimed) {
    const earlier = (await tx.idempotency.get(scope, operation, key))!;
    if (earlier.requestHash !== requestHash) {
      throw new DomainError(DomainErrorCode.IDEMPOTENCY_KEY_REUSED, `Idempotency key "${key}" was already used for a different request`, ["idempotencyKey"]);
    }
    return { result: earlier.result as R, replayed: true };
  }
  const result = await work();
  await tx.idempotency.setResult(scope, operation, key, result);
  return { result, replayed: false };
}

/** Forgets idempotency keys older than the retention period; returns how many. */
export function purgeIdempotencyKeys(store: Store, clock: Clock, ttlMs: number): Promise<number> {
  const cutoff = new Date(clock.now().getTime() - ttlMs).toISOString();
  return store.transaction((tx) => tx.idempotency.purge(cutoff));
}
