/**
 * SQLite connections (better-sqlite3 with drizzle) and migrations. WAL lets readers run beside the
 * single writer. Migrations run inside one IMMEDIATE transaction, so that processes starting
 * together over one file apply them once (drizzle's own migrator reads what was applied before it
 * takes the lock, so two of them would both apply the same migration).
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { readMigrationFiles } from "drizzle-orm/migrator";

export interface Connection<S extends Record<string, unknown>> {
  sqlite: BetterSqlite3.Database;
  db: BetterSQLite3Database<S>;
  /** SQL statements issued through drizzle since opening; tests use it to prove batching. */
  statementCount(): number;
}

export function connect<S extends Record<string, unknown>>(path: string, schema: S, options: { readonly?: boolean } = {}): Connection<S> {
  if (!options.readonly && path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new BetterSqlite3(path, { readonly: options.readonly ?? false });
  if (!options.readonly) sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  // Another process holding the write lock (a second node on one file) is waited for, not an error.
  sqlite.pragma("busy_timeout = 5000");
  let statements = 0;
  const db = drizzle(sqlite, { schema, logger: { logQuery: () => void statements++ } });
  return { sqlite, db, statementCount: () => statements };
}

/** Applies the folder's pending migrations in one IMMEDIATE transaction (drizzle's journal and table). */
export function migrate(sqlite: BetterSqlite3.Database, folder: string): void {
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  sqlite.exec('CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)');
  // A table rebuild drops and renames tables others refer to: foreign keys are off while migrating
  // (they cannot be switched inside a transaction) and checked before the migrations commit.
  sqlite.pragma("foreign_keys = OFF");
  try {
    sqlite
      .transaction(() => {
        const last = sqlite.prepare('SELECT created_at FROM "__drizzle_migrations" ORDER BY created_at DESC LIMIT 1').get() as
          { created_at: number } | undefined;
        const record = sqlite.prepare('INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES (?, ?)');
        for (const migration of migrations) {
          if (last && Number(last.created_at) >= migration.folderMillis) continue;
          for (const statement of migration.sql) if (statement.trim()) sqlite.exec(statement);
          record.run(migration.hash, migration.folderMillis);
        }
        const broken = sqlite.pragma("foreign_key_check") as unknown[];
        if (broken.length > 0) throw new Error(`Migrations would leave ${broken.length} broken foreign key(s): ${JSON.stringify(broken.slice(0, 3))}`);
      })
      .immediate();
  } finally {
    sqlite.pragma("foreign_keys = ON");
  }
}

/** A folder of `drizzle/` at the package root, found from this file in src/ or in dist/src/. */
export function migrationsFolder(name: string): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, "drizzle", name);
    if (existsSync(join(candidate, "meta", "_journal.json"))) return candidate;
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`drizzle/${name} migrations folder not found above ${import.meta.url}`);
    directory = parent;
  }
}
