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
    if (ids.length === 0) return pruned;
    pruned += await store.transaction(async (tx) => {
      await tx.webhooks.forgetEvents(ids);
      return tx.events.delete(ids);
    });
    if (ids.length < batch) return pruned;
  }
}
