/**
 * Commits that do not wait for the disk, made durable before anyone is told of them.
 *
 * With `synchronous = FULL`, SQLite fsyncs the WAL inside COMMIT, on the event loop: the server
 * can do nothing else for that time. A group-committed batch instead commits with
 * `synchronous = NORMAL` (frames written to the WAL, no fsync) and then fdatasyncs the WAL file
 * on libuv's thread pool, while the event loop keeps serving. Callers settle their promises only
 * once `durable()` resolves, so an acknowledged write is exactly as durable as under FULL. fsync
 * is per file, not per descriptor, so syncing our own descriptor flushes SQLite's writes; the
 * WAL is sequential, so one fsync covers every commit made before it began.
 */
import { open } from "node:fs/promises";

export class WalSync {
  private committed = 0;
  private synced = 0;
  private running = false;
  private waiters: Array<{ target: number; resolve: () => void; reject: (error: unknown) => void }> = [];
  /** Set when an fsync failed: the kernel may have dropped the pages, a later success proves nothing. */
  failure: unknown = null;

  constructor(
    private readonly walPath: string,
    private readonly syncFile: (path: string) => Promise<void> = fdatasync,
  ) {}

  /** Records a commit whose frames are written but not yet synced. */
  committedWithoutSync(): void {
    this.committed++;
  }

  /** Resolves once every commit recorded so far is on disk; null when nothing is pending. */
  durable(): Promise<void> | null {
    if (this.failure) return Promise.reject(this.failure);
    if (this.synced >= this.committed) return null;
    const target = this.committed;
    const promise = new Promise<void>((resolve, reject) => this.waiters.push({ target, resolve, reject }));
    void this.run();
    return promise;
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.synced < this.committed && !this.failure) {
        const target = this.committed;
        try {
          await this.syncFile(this.walPath);
          this.synced = target;
        } catch (error) {
          this.failure = error;
        }
        this.settle(target);
      }
    } finally {
      this.running = false;
    }
  }

  private settle(target: number): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) {
      if (this.failure) waiter.reject(this.failure);
      else if (waiter.target <= target) waiter.resolve();
      else this.waiters.push(waiter);
    }
  }
}

/** Opened per sync, so a WAL file SQLite replaced is never synced through a stale descriptor. */
export async function fdatasync(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
