/**
 * Work started after a commit that no request waits for (an auto top-up's charge, an email, a
 * retried payment): tracked, so that shutdown lets it finish before the store closes, and its
 * failures are logged rather than lost as unhandled rejections.
 */
import type { Logger } from "./logger.js";
import { unavailableCause } from "./store/unavailable.js";

export class BackgroundTasks {
  /** Each running task, with the account it works for (`fields.accountId`), if any. */
  private readonly running = new Map<Promise<unknown>, string | undefined>();

  constructor(private readonly logger: Logger) {}

  run(what: string, task: () => Promise<unknown>, fields: Record<string, unknown> = {}): void {
    const running: Promise<unknown> = task()
      // The database away for a moment is no bug: the sweeper does the work again.
      .catch((error: unknown) => (unavailableCause(error) ? this.logger.warn : this.logger.error)(`${what} failed`, { ...fields, error }))
      .finally(() => this.running.delete(running));
    this.running.set(running, typeof fields.accountId === "string" ? fields.accountId : undefined);
  }

  /** Resolves once nothing is running (what finishing work starts is waited for too). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.keys()]);
  }

  /**
   * Resolves once no task for these accounts runs (what they start is waited for too): a test
   * clock's advance waits for its accounts' payments, not for every delivery the node is making.
   */
  async drainAccounts(accountIds: ReadonlySet<string>): Promise<void> {
    for (;;) {
      const theirs = [...this.running].flatMap(([task, accountId]) => (accountId !== undefined && accountIds.has(accountId) ? [task] : []));
      if (theirs.length === 0) return;
      await Promise.all(theirs);
    }
  }
}
