/**
 * The account store on SQLite: one writer, group commit, the WAL fsync off the event loop.
 *
 * Every transaction is queued; the units of work queued in one turn of the event loop run, in
 * order, each in a savepoint of one IMMEDIATE transaction, which commits once (one fsync serves
 * them all). A unit that throws has only its savepoint rolled back. The commit does not wait for
 * the disk: the WAL is fdatasynced on libuv's pool (./wal-sync.ts) and every unit's promise settles
 * only after that, so an acknowledged write is as durable as with synchronous=FULL. Units queued
 * meanwhile form the next, larger batch. Reads go to a second, read-only connection, which sees
 * committed data only: a unit's writes are never seen half-done between its awaits.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Dialect } from "../repositories/context.js";
import { createRepositories, type Repositories } from "../repositories/index.js";
import { StoreUnavailableError, type Store, type Tx } from "../store.js";
import { connect, migrate, migrationsFolder, type Connection } from "./client.js";
import * as schema from "./schema.js";
import { fdatasync, WalSync } from "./wal-sync.js";

/** A scratch database: a temporary file, not synced, removed at close (tests, one-off scripts). */
export const IN_MEMORY = ":memory:";

export interface SqliteStoreOptions {
  /** How the WAL file is fsynced after a commit (tests replace it). */
  syncFile?: (path: string) => Promise<void>;
  /** Told of an afterCommit hook that threw (the transaction itself succeeded). */
  onHookError?: (error: unknown) => void;
}

/** Set while a unit of work runs: a nested transaction() would deadlock its own batch. */
const insideUnit = new AsyncLocalStorage<boolean>();

/** SQLite has no row locks: the writer's IMMEDIATE transaction already holds the database's. */
const sqliteDialect: Dialect = { forUpdate: (query) => query };

interface Queued {
  work: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class SqliteStore implements Store {
  readonly reads: Repositories;
  private readonly writes: Repositories;
  private readonly walSync: WalSync | null;
  private queue: Queued[] = [];
  private flushScheduled = false;
  private flushing: Promise<void> | null = null;
  private savepoints = 0;
  private closed = false;
  /** Batches committed since opening; tests use it to prove group commit. */
  commitCount = 0;
  /** The transaction statements, prepared once: exec() compiles its SQL on every call. */
  private readonly control;

  private constructor(
    private readonly writer: Connection<typeof schema>,
    private readonly reader: Connection<typeof schema>,
    walPath: string | null,
    private readonly options: SqliteStoreOptions,
    private readonly scratchDirectory: string | null,
  ) {
    this.writes = createRepositories({ db: writer.db, t: schema, dialect: sqliteDialect, prepared: new Map() });
    this.reads = createRepositories({ db: reader.db, t: schema, dialect: sqliteDialect, prepared: new Map() });
    this.walSync = walPath ? new WalSync(walPath, options.syncFile ?? fdatasync) : null;
    const statement = (text: string) => {
      const prepared = writer.sqlite.prepare(text);
      return () => void prepared.run();
    };
    this.control = {
      begin: statement("BEGIN IMMEDIATE"),
      commit: statement("COMMIT"),
      savepoint: statement("SAVEPOINT unit"),
      release: statement("RELEASE unit"),
      rollback: statement("ROLLBACK TO unit"),
    };
  }

  /** Opens (creating and migrating if needed) the store's file; IN_MEMORY for a scratch one. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const scratch = path === IN_MEMORY ? mkdtempSync(join(tmpdir(), "account-store-")) : null;
    const file = scratch ? join(scratch, "store.db") : path;
    const writer = connect(file, schema);
    migrate(writer.sqlite, migrationsFolder("sqlite"));
    // Commits write the WAL without fsync; WalSync syncs it before anyone is told (a scratch file never).
    writer.sqlite.pragma(scratch ? "synchronous = OFF" : "synchronous = NORMAL");
    const reader = connect(file, schema, { readonly: true });
    return new SqliteStore(writer, reader, scratch ? null : `${resolve(file)}-wal`, options, scratch);
  }

  /** The writer's raw handle: for tests and operators' checks, never for domain code. */
  get sqlite() {
    return this.writer.sqlite;
  }

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreUnavailableError("the store is closed"));
    // After a failed fsync nothing written is known to be on disk: refuse rather than commit unseen.
    if (this.walSync?.failure) return Promise.reject(new StoreUnavailableError(SYNC_FAILED, { cause: this.walSync.failure }));
    // A unit waiting for another would wait for its own batch to end: the tx must be passed through.
    if (insideUnit.getStore()) return Promise.reject(new Error("store.transaction() called inside a unit of work; use the tx it was given"));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.scheduleFlush();
    });
  }

  /** Rejects with StoreUnavailableError once an fsync failed: what was read or written since may not be on disk. */
  durable(): Promise<void> | null {
    const pending = this.walSync?.durable();
    return pending ? pending.catch((error: unknown) => Promise.reject(new StoreUnavailableError(SYNC_FAILED, { cause: error }))) : null;
  }

  async healthy(): Promise<boolean> {
    try {
      const { writer, reader } = this;
      return writer.sqlite.open && reader.sqlite.open && !this.walSync?.failure && reader.sqlite.prepare("select 1 as ok").get() !== undefined;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing || this.queue.length > 0) {
      if (!this.flushing) this.startFlush();
      await this.flushing;
    }
    if (this.writer.sqlite.open) this.writer.sqlite.close();
    if (this.reader.sqlite.open) this.reader.sqlite.close();
    if (this.scratchDirectory) rmSync(this.scratchDirectory, { recursive: true, force: true });
  }

  /**
   * The next batch starts in the next turn of the event loop, or, while a batch runs (its units,
   * its commit, its fsync), as soon as it is done: what arrives meanwhile joins one larger batch.
   * Never two at once: a second BEGIN would roll the first batch back.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.flushing) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (!this.flushing) this.startFlush();
    });
  }

  private startFlush(): void {
    this.flushing = this.flush()
      .catch((error: unknown) => this.options.onHookError?.(error))
      .finally(() => {
        this.flushing = null;
        if (this.queue.length > 0) this.scheduleFlush();
      });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const { sqlite } = this.writer;
    const outcomes: Array<{ ok: boolean; value: unknown; hooks: Array<() => void> }> = [];
    try {
      this.control.begin();
      for (const item of batch) outcomes.push(await this.runUnit(item));
      this.control.commit();
      this.commitCount++;
    } catch (error) {
      // The batch itself failed (the lock, the commit): none of it happened.
      if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
      const failure = new StoreUnavailableError("the database could not commit this change; retry shortly", { cause: error });
      for (const item of batch) item.reject(failure);
      return;
    } finally {
      this.walSync?.committedWithoutSync();
    }
    let syncFailure: unknown = null;
    try {
      await this.durable();
    } catch (error) {
      syncFailure = error;
    }
    batch.forEach((item, index) => {
      const outcome = outcomes[index];
      if (!outcome.ok) return item.reject(outcome.value);
      // Committed, but not known to be on disk: nobody may be told it succeeded, nor that it failed.
      if (syncFailure) return item.reject(new StoreUnavailableError(SYNC_OUTCOME_UNKNOWN, { cause: syncFailure, outcomeUnknown: true }));
      for (const hook of outcome.hooks) {
        try {
          hook();
        } catch (error) {
          this.options.onHookError?.(error);
        }
      }
      item.resolve(outcome.value);
    });
  }

  private async runUnit(item: Queued) {
    const hooks: Array<() => void> = [];
    this.control.savepoint();
    try {
      const value = await insideUnit.run(true, () => item.work(this.txOf(hooks)));
      this.control.release();
      return { ok: true, value, hooks };
    } catch (error) {
      this.control.rollback();
      this.control.release();
      return { ok: false, value: error, hooks: [] };
    }
  }

  private txOf(hooks: Array<() => void>): Tx {
    const { sqlite } = this.writer;
    const tx = Object.create(this.writes) as Tx;
    tx.afterCommit = (hook) => void hooks.push(hook);
    tx.savepoint = async (work) => {
      const name = `sp_${++this.savepoints}`;
      const hooksBefore = hooks.length;
      sqlite.exec(`SAVEPOINT ${name}`);
      try {
        const value = await work();
        sqlite.exec(`RELEASE ${name}`);
        return value;
      } catch (error) {
        sqlite.exec(`ROLLBACK TO ${name}`);
        sqlite.exec(`RELEASE ${name}`);
        hooks.length = hooksBefore;
        throw error;
      }
    };
    return tx;
  }
}

const SYNC_FAILED = "the database's disk failed to sync; restart the server";
const SYNC_OUTCOME_UNKNOWN =
  "the database's disk failed to sync this change, so it may or may not have been kept; once the server is restarted, retry it with the same idempotency key, or read its state first";
