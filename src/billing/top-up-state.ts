/** Bookkeeping of an auto top-up's in-flight charge, shared by the checkout and top-up services. */
import { and, eq } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Db } from "../db/client.js";
import * as t from "../db/schema.js";

/** Waits after 1, 2, 3 … consecutive failed top-ups before the next attempt. */
export const TOP_UP_BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 6 * 3600_000, 24 * 3600_000];

export function topUpSucceeded(db: Db, accountId: string, sessionId: string): void {
  db.update(t.autoTopUps)
    .set({ inFlightSessionId: null, consecutiveFailures: 0, nextAttemptAt: null, lastError: null })
    .where(and(eq(t.autoTopUps.accountId, accountId), eq(t.autoTopUps.inFlightSessionId, sessionId)))
    .run();
}

/** Records a failed charge and when to try again; never retries at once, so a failing card cannot loop. */
export function topUpFailed(db: Db, clock: Clock, accountId: string, sessionId: string, reason: string): void {
  const row = db.select().from(t.autoTopUps).where(eq(t.autoTopUps.accountId, accountId)).get();
  if (!row || row.inFlightSessionId !== sessionId) return;
  const failures = row.consecutiveFailures + 1;
  const wait = TOP_UP_BACKOFF_MS[Math.min(failures, TOP_UP_BACKOFF_MS.length) - 1];
  db.update(t.autoTopUps)
    .set({
      inFlightSessionId: null,
      consecutiveFailures: failures,
      nextAttemptAt: new Date(clock.now().getTime() + wait).toISOString(),
      lastError: reason,
    })
    .where(eq(t.autoTopUps.accountId, accountId))
    .run();
}
