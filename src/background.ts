/**
 * Work started after a commit that no request waits for (an auto top-up's charge, an email, a
 * retried payment): tracked, so that shutdown lets it finish before the store closes, and its
 * failures are logged rather than lost as unhandled rejections.
 */
import type { Logger } from "./logger.js";

export class BackgroundTasks {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly logger: Logger) {}

  run(what: string, task: () => Promise<unknown>, fields: Record<string, unknown> = {}): void {
    const running: Promise<unknown> = task()
      .catch((error: unknown) => this.logger.error(`${what} failed`, { ...fields, error }))
      .finally(() => this.running.delete(running));
    this.running.add(running);
  }

  /** Resolves once nothing is running (what finishing work starts is waited for too). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
