/**
 * Periodic work: expired reservations and checkouts, old idempotency keys, subscription periods
 * and payment retries, top-up retries, outgoing email. Every piece of it is claimed before it is
 * done (a conditional update), so sweepers on several nodes never do the same work twice.
 */
import type { Logger } from "./logger.js";
import type { Services } from "./services.js";

export class Sweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly services: Services,
    private readonly logger: Logger,
  ) {}

  /** One round; rounds never overlap on this node. */
  sweep(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = null));
    return this.running;
  }

  private async round(): Promise<void> {
    try {
      const expiredJobs = await this.services.jobs.expireDue();
      const purgedIdempotencyKeys = await this.services.purgeIdempotencyKeys();
      const billing = await this.services.billing.sweep();
      const counts = { expiredJobs, purgedIdempotencyKeys, ...billing };
      if (Object.values(counts).some((n) => n > 0)) this.logger.info("swept", counts);
    } catch (error) {
      this.logger.error("sweep failed", { error: error instanceof Error ? error.stack : String(error) });
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
