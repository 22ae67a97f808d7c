/**
 * Time you can move (TEST_CLOCK=true, never in production), as Stripe's test clocks allow: the
 * server's clock runs on from the real time plus an offset that only grows, and moving it runs the
 * sweeper until the elapsed time has had its effects (expiries, renewals and their payments'
 * webhooks, reservation timeouts) before answering.
 */
import type { BackgroundTasks } from "./background.js";
import type { Clock } from "./clock.js";
import type { Sweeper } from "./sweeper.js";

export class TestClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(milliseconds: number): void {
    this.offsetMs += milliseconds;
  }
}

export interface TimeTravelResult {
  now: Date;
  expiredGrants: number;
  renewedPeriods: number;
  expiredJobs: number;
}

/** Most sweeps a move runs: a renewal's payment lands in one, what it triggers in the next. */
const MAX_ROUNDS = 5;
const MAX_ADVANCE_MS = 366 * 86_400_000;
const STEP_MS = 86_400_000;

export class TimeTravel {
  constructor(
    private readonly clock: TestClock,
    private readonly sweeper: Sweeper,
    private readonly background: BackgroundTasks,
  ) {}

  /**
   * Moves the clock forward a day at most at a time, sweeping after each step until a round finds
   * nothing to do: what falls due early in the move (a reservation's timeout) happens before what
   * falls due later (a period's end), as it would have in real time.
   */
  async advance(milliseconds: number): Promise<TimeTravelResult> {
    if (!Number.isInteger(milliseconds) || milliseconds <= 0 || milliseconds > MAX_ADVANCE_MS) {
      throw new RangeError(`The clock moves forward by more than 0 and at most 366 days; got ${milliseconds} ms`);
    }
    // A round already running began before the move: wait for it, then sweep anew.
    await this.sweeper.sweep();
    const totals = { expiredGrants: 0, renewedPeriods: 0, expiredJobs: 0 };
    for (let left = milliseconds; left > 0; left -= STEP_MS) {
      this.clock.advance(Math.min(left, STEP_MS));
      await this.settle(totals);
    }
    return { now: this.clock.now(), ...totals };
  }

  private async settle(totals: Omit<TimeTravelResult, "now">): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const counts = await this.sweeper.sweep();
      await this.background.drain();
      if (!counts) break;
      totals.expiredGrants += counts.expiredGrants;
      totals.expiredJobs += counts.expiredJobs;
      totals.renewedPeriods += counts.renewedPeriods ?? 0;
      const busy = Object.entries(counts).some(([name, n]) => name !== "purgedIdempotencyKeys" && n > 0);
      if (!busy && round > 0) break;
    }
  }
}
