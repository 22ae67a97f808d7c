/**
 * The account store: what domain code (accounts, billing) reads and writes through. Reads go
 * through `reads`; every change goes through `transaction`, a unit of work that locks what it
 * changes and resolves only once it is durable. Which database is behind it (SQLite by default,
 * PostgreSQL for several nodes) is the store's business, never the domain's.
 */
import type { Repositories } from "./repositories/index.js";

/** A unit of work: the repositories, bound to one transaction. */
export interface Tx extends Repositories {
  /** Runs `work` in a savepoint: when it throws, only what it wrote is undone (and it rethrows). */
  savepoint<T>(work: () => Promise<T>): Promise<T>;
  /** Runs `hook` once the transaction has committed and is durable; never if it rolls back. */
  afterCommit(hook: () => void): void;
}

export interface Store {
  /** Reads of committed data, outside any transaction (no locks). */
  readonly reads: Repositories;
  /**
   * Runs `work` in one transaction and resolves with its result once the transaction is durable;
   * when `work` throws, nothing it wrote remains and the promise rejects with that error. `work`
   * must await nothing but the store (no network, no timers): provider calls happen outside.
   */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Resolves once everything committed so far is on disk; null when it already is. */
  durable(): Promise<void> | null;
  /** Whether the database answers and nothing written is in doubt. */
  healthy(): Promise<boolean>;
  /** Where several processes share the database: wake-ups between them about new events. */
  readonly wakeups?: EventWakeups;
  close(): Promise<void>;
}

/**
 * Tells the other processes on the same database that accounts have new events, and hears theirs.
 * A hint, never the data: listeners read the event log, and still poll in case one is lost.
 */
export interface EventWakeups {
  /** After a commit: these accounts have new events (sent soon, gathered with others). */
  announce(accountId: string): void;
  /**
   * Called with the accounts other processes announced, or with null when announcements may have
   * been missed (the listening connection was down): then read every account. Returns the unsubscribe.
   */
  listen(listener: (accountIds: string[] | null) => void): () => void;
}

/** Why a transaction could not commit, for the caller to retry later (e.g. the database is down). */
export class StoreUnavailableError extends Error {
  /** True when the change may have been committed after all: the connection was lost during COMMIT. */
  readonly outcomeUnknown: boolean;
  constructor(message: string, options?: { cause?: unknown; outcomeUnknown?: boolean }) {
    super(message, options);
    this.name = "StoreUnavailableError";
    this.outcomeUnknown = options?.outcomeUnknown ?? false;
  }
}
