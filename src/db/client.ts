import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema.js";
import { WalSync } from "./wal-sync.js";

export type Db = BetterSQLite3Database<typeof schema>;

export interface Database {
  db: Db;
  sqlite: BetterSqlite3.Database;
  /** SQL statements issued through drizzle since opening; tests use it to prove batching. */
  statementCount(): number;
  /**
   * Runs `work`, whose transaction commits without waiting for the disk (see wal-sync.ts); the
   * caller must wait for `durable()` before telling anyone of it.
   */
  commitWithoutSync<T>(work: () => T): T;
  /** Resolves once everything committed so far is on disk; null when it already is. */
  durable(): Promise<void> | null;
  /** Whether an fsync of the WAL failed: then nothing written since is known to be on disk. */
  syncFailed(): boolean;
  close(): void;
}

export const IN_MEMORY = ":memory:";

/** Opens (creating if needed) the SQLite file, sets durability pragmas and applies pending migrations. */
export interface OpenOptions {
  /** How the WAL file is fsynced after a commit that did not wait (tests replace it). */
  syncFile?: (path: string) => Promise<void>;
}

export function openDatabase(path: string, options: OpenOptions = {}): Database {
  if (path !== IN_MEMORY) mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  // WAL lets readers run beside the single writer; FULL fsyncs each commit so an
  // acknowledged ledger write survives a power cut, not just a process crash.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");

  let statements = 0;
  const db = drizzle(sqlite, {
    schema,
    logger: { logQuery: () => void statements++ },
  });
  migrate(db, { migrationsFolder: migrationsFolder() });
  // An in-memory database has no file to sync: its commits are as durable as they will ever be.
  const walSync = path === IN_MEMORY ? null : new WalSync(`${resolve(path)}-wal`, options.syncFile);
  const deferSync = sqlite.prepare("PRAGMA synchronous = NORMAL");
  const fullSync = sqlite.prepare("PRAGMA synchronous = FULL");
  return {
    db,
    sqlite,
    statementCount: () => statements,
    commitWithoutSync(work) {
      if (!walSync) return work();
      deferSync.run();
      try {
        return work();
      } finally {
        fullSync.run();
        // Also after a failed commit: syncing needlessly is harmless, missing one is not.
        walSync.committedWithoutSync();
      }
    },
    durable: () => walSync?.durable() ?? null,
    syncFailed: () => walSync?.failure != null,
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
}

/** The `drizzle/` folder at the package root, found from this file in src/ or in dist/src/. */
function migrationsFolder(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, "drizzle");
    if (existsSync(join(candidate, "meta", "_journal.json"))) return candidate;
    const parent = dirname(directory);
    if (parent === directory) throw new Error("drizzle/ migrations folder not found above " + import.meta.url);
    directory = parent;
  }
}

export function isHealthy(database: Database): boolean {
  try {
    return database.sqlite.open && !database.syncFailed() && database.sqlite.prepare("select 1 as ok").get() !== undefined;
  } catch {
    return false;
  }
}
