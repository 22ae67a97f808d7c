/**
 * Dunning: what happens after a subscription period's payment fails, as Stripe does it. The
 * payment is retried on a schedule of days counted from the period's start (SUBSCRIPTION_RETRY_DAYS,
 * default 1, 3, 5 and 7), and at once when the account gets a new default payment method; when
 * the last scheduled retry has failed, the subscription ends UNPAID. Credits are granted only for
 * periods that were paid.
 */
import type { SubscriptionRow } from "./subscriptions.js";

export const DEFAULT_RETRY_DAYS = [1, 3, 5, 7];

/** How long a claimed retry is left to its charge before another sweeper may take it over. */
export const RETRY_CLAIM_MS = 10 * 60_000;

const DAY_MS = 24 * 3600_000;

/**
 * The next scheduled retry after a failure at `now`: the first of the schedule's days (from the
 * period's start) that is still ahead. None left: the subscription ends unpaid. A retry that ran
 * late (the server was down) is not made up for: the schedule goes on from the present.
 */
export function nextRetryAt(subscription: Pick<SubscriptionRow, "currentPeriodStart">, retryDays: readonly number[], now: Date): Date | null {
  const start = new Date(subscription.currentPeriodStart).getTime();
  for (const days of retryDays) {
    const at = start + days * DAY_MS;
    if (at > now.getTime()) return new Date(at);
  }
  return null;
}

/** Parses SUBSCRIPTION_RETRY_DAYS: ascending whole days from 1 to 60, comma-separated; "none" for no retries. */
export function parseRetryDays(raw: string): number[] | string {
  if (raw.trim().toLowerCase() === "none") return [];
  const days = raw.split(",").map((part) => part.trim());
  const numbers = days.map(Number);
  const valid = days.every((part) => /^\d+$/.test(part)) && numbers.every((n, i) => n >= 1 && n <= 60 && (i === 0 || n > numbers[i - 1]));
  if (!valid || numbers.length > 10) {
    return `SUBSCRIPTION_RETRY_DAYS must be up to 10 ascending whole days from 1 to 60, e.g. "1,3,5,7", or "none"; got "${raw}"`;
  }
  return numbers;
}
