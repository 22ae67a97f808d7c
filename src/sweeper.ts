/**
 * Periodic work: expired credit grants, reservations and checkouts, old idempotency keys, subscription periods
 * and payment retries, top-up retries, outgoing email and webhooks, events past their retention. Every piece
 * of it is claimed before it is done (a conditional update, a row lock), so sweepers on several nodes never
 * do the same work twice. Accounts on a test clock are left to their clock's advances (accounts/test-clocks.ts).
 */
import type { Logger } from "./logger.js";
import type { Services } from "./services.js";
import { unavailableCause } from "./store/unavailable.js";

export type SweepCounts = Record<string, number> & { expiredGrants: number; expiredJobs: number };

export class Sweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepCounts | null> | null = null;

  constructor(
    private readonly services: Services,
    private readonly logger: Logger,
  ) {}

  /** One round (rounds never overlap on this node); resolves with what it did, or null when it failed. */
  sweep(): Promise<SweepCounts | null> {
    this.running ??= this.round().finally(() => (this.running = null));
    return this.running;
  }

  private async round(): Promise<SweepCounts | null> {
    try {
      const due = await this.services.sweepDue(this.services.time.serverScope());
      const purgedIdempotencyKeys = await this.services.purgeIdempotencyKeys();
      const emailsSent = await this.services.billing.mailer.deliverPending();
      const webhooksDelivered = await this.services.webhooks.deliverDue();
      const prunedEvents = await this.services.pruneEvents();
      const counts = { ...due, purgedIdempotencyKeys, emailsSent, webhooksDelivered, prunedEvents };
      if (Object.values(counts).some((n) => n > 0)) this.logger.info("swept", counts);
      return counts;
    } catch (error) {
      // The database away for a moment is no bug: the next round does the work.
      (unavailableCause(error) ? this.logger.warn : this.logger.error)("sweep failed", { error });
      return null;
    }
  }

  /** Sweeps every `intervalMs` (0: never on its own). */
  start(intervalMs: number): void {
    if (intervalMs > 0) this.timer = setInterval(() => void this.sweep(), intervalMs).unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
