/** Bookkeeping of an auto top-up's in-flight charge, shared by the checkout and top-up services. */
import type { AccountTime } from "../accounts/account-time.js";
import type { Tx } from "../store/store.js";

/** Waits after 1, 2, 3 … consecutive failed top-ups before the next attempt. */
export const TOP_UP_BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 6 * 3600_000, 24 * 3600_000];

export async function topUpSucceeded(tx: Tx, accountId: string, sessionId: string): Promise<void> {
  await tx.autoTopUps.settle(accountId, sessionId, { consecutiveFailures: 0, nextAttemptAt: null, lastError: null });
}

/**
 * Records a failed charge and when to try again; never retries at once, so a failing card cannot
 * loop. Only the top-up in flight for that session is settled (guard: conditional on it).
 */
export async function topUpFailed(tx: Tx, time: AccountTime, accountId: string, sessionId: string, reason: string): Promise<void> {
  const row = await tx.autoTopUps.get(accountId);
  if (!row || row.inFlightSessionId !== sessionId) return;
  const failures = row.consecutiveFailures + 1;
  const wait = TOP_UP_BACKOFF_MS[Math.min(failures, TOP_UP_BACKOFF_MS.length) - 1];
  await tx.autoTopUps.settle(accountId, sessionId, {
    consecutiveFailures: failures,
    nextAttemptAt: new Date((await time.now(accountId, tx)).getTime() + wait).toISOString(),
    lastError: reason,
  });
}
