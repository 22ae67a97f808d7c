/**
 * Retention of the event log: events older than EVENT_RETENTION_DAYS go, with their settled webhook
 * deliveries and attempts, oldest first and in small transactions, so the log and its delivery
 * history do not grow without end. An event a delivery still waits to send (a resend) stays.
 * Sequence numbers are never reused: the per-account counters stay.
 */
import type { Clock } from "../clock.js";
import type { Store } from "../store/store.js";

const DAY = 24 * 3600 * 1000;
export const DEFAULT_EVENT_RETENTION_MS = 30 * DAY;
/** Events deleted per transaction: short enough not to hold the writer up. */
const BATCH = 500;

/** Deletes what the retention has passed; returns how many events went. Safe on several nodes at once. */
export async function pruneEventLog(store: Store, clock: Clock, retentionMs: number, batch = BATCH): Promise<number> {
  const cutoff = new Date(clock.now().getTime() - retentionMs).toISOString();
  let pruned = 0;
  for (;;) {
    const ids = await store.reads.events.prunable(cutoff, batch);
    if (ids.length === 0) break;
    pruned += await store.transaction(async (tx) => {
      // Events first (locked, then checked for a resend), then what belonged to those deleted only.
      const deleted = await tx.events.delete(ids);
      await tx.webhooks.forgetEvents(deleted);
      return deleted.length;
    });
    if (ids.length < batch) break;
  }
  // Deliveries whose event went another way (failed for it), past the same retention.
  while ((await store.transaction((tx) => tx.webhooks.forgetSettledBefore(cutoff, batch))) === batch);
  return pruned;
}
