/**
 * The catalog's embedded SQLite database: read-only data, seeded from seed/ at start, held by
 * every API node on its own (in memory unless given a file), so estimates never touch the network.
 * Reads are synchronous: nothing but seeding ever writes it.
 */
import type BetterSqlite3 from "better-sqlite3";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { connect, migrate, migrationsFolder } from "../sqlite/client.js";
import * as schema from "./schema.js";

export type CatalogDb = BetterSQLite3Database<typeof schema>;

export interface CatalogDatabase {
  db: CatalogDb;
  sqlite: BetterSqlite3.Database;
  /** SQL statements issued since opening; tests use it to prove batching. */
  statementCount(): number;
  close(): void;
}

export function openCatalogDatabase(path = ":memory:"): CatalogDatabase {
  const connection = connect(path, schema);
  migrate(connection.sqlite, migrationsFolder("catalog"));
  return { ...connection, close: () => connection.sqlite.open && connection.sqlite.close() };
}
