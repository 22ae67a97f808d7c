/**
 * Opens the account store the configuration names: PostgreSQL with DATABASE_URL, else the embedded
 * SQLite file. Also what operators' commands need of it: its migrations alone (`npm run migrate`),
 * and read-only snapshots of committed data (`npm run audit`).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { readMigrationFiles } from "drizzle-orm/migrator";
import pg from "pg";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import type { QueryDb, Schema } from "./repositories/context.js";
import { createRepositories, type Repositories } from "./repositories/index.js";
import { createPool, migrate as migratePg } from "./postgres/client.js";
import * as pgSchema from "./postgres/schema.js";
import { PgStore } from "./postgres/store.js";
import { connect, migrate as migrateSqlite, migrationsFolder } from "./sqlite/client.js";
import * as sqliteSchema from "./sqlite/schema.js";
import { SqliteStore } from "./sqlite/store.js";
import type { Store } from "./store.js";

type StoreConfig = Pick<Config, "databasePath" | "databaseUrl" | "databasePoolSize">;

export async function openStore(config: StoreConfig, logger: Logger): Promise<Store> {
  const onHookError = (error: unknown) => logger.error("a hook after a commit failed", { error });
  if (config.databaseUrl) {
    return PgStore.open(config.databaseUrl, {
      max: config.databasePoolSize,
      onHookError,
      onConnectionError: (error) => logger.warn("a PostgreSQL connection failed", { error }),
    });
  }
  return SqliteStore.open(config.databasePath, { onHookError });
}

/** The store for operators' messages: `PostgreSQL postgres://user:***@host/db` or `SQLite /abs/path.db`. */
export function describeStore(config: Pick<Config, "databasePath" | "databaseUrl">): string {
  return config.databaseUrl ? `PostgreSQL ${config.databaseUrl.replace(/:[^:@/]*@/, ":***@")}` : `SQLite ${resolve(config.databasePath)}`;
}

export interface MigrationOutcome {
  /** Migrations this call applied (0: the database was up to date). */
  applied: number;
  /** Migrations this build knows. */
  known: number;
}

/** Applies the store's pending migrations, as the server does at start, and closes it (`npm run migrate`). */
export async function migrateStore(config: Pick<Config, "databasePath" | "databaseUrl">): Promise<MigrationOutcome> {
  if (config.databaseUrl) {
    const folder = migrationsFolder("pg");
    const pool = createPool(config.databaseUrl, { max: 2 });
    try {
      return { applied: await migratePg(pool, folder), known: readMigrationFiles({ migrationsFolder: folder }).length };
    } finally {
      await pool.end();
    }
  }
  const folder = migrationsFolder("sqlite");
  const { sqlite } = connect(config.databasePath, sqliteSchema);
  try {
    const before = appliedSqlite(sqlite).count;
    migrateSqlite(sqlite, folder);
    return { applied: appliedSqlite(sqlite).count - before, known: readMigrationFiles({ migrationsFolder: folder }).length };
  } finally {
    sqlite.close();
  }
}

/** Reads of the store, each call of `read` over one consistent snapshot of committed data. */
export interface StoreSnapshots {
  read<T>(work: (reads: Repositories) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Opens the store read-only, for checks beside running servers: every `read` is one read-only
 * transaction (SQLite: a WAL read snapshot; PostgreSQL: REPEATABLE READ), so what it reads was
 * committed together. Creates and migrates nothing: a missing SQLite file, or a database behind
 * this build's migrations, is an error saying so.
 */
export async function openSnapshots(config: Pick<Config, "databasePath" | "databaseUrl">): Promise<StoreSnapshots> {
  const noLocks = { forUpdate: <Q>(query: Q) => query };
  if (config.databaseUrl) {
    const client = new pg.Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: 5_000, application_name: "pricing-account-api snapshots" });
    // Without a listener a dropped connection would crash the process; the next query fails instead.
    client.on("error", () => undefined);
    await client.connect();
    try {
      refuseIfBehind(await appliedPg(client), migrationsFolder("pg"));
    } catch (error) {
      await client.end();
      throw error;
    }
    const reads = createRepositories({
      db: drizzlePg(client, { schema: pgSchema }) as unknown as QueryDb,
      t: pgSchema as unknown as Schema,
      dialect: noLocks,
      prepared: new Map(),
    });
    return {
      async read(work) {
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        try {
          return await work(reads);
        } finally {
          await client.query("COMMIT");
        }
      },
      close: () => client.end(),
    };
  }
  if (!existsSync(config.databasePath)) throw new Error("no such database file");
  const connection = connect(config.databasePath, sqliteSchema, { readonly: true });
  try {
    refuseIfBehind(appliedSqlite(connection.sqlite).last, migrationsFolder("sqlite"));
  } catch (error) {
    connection.sqlite.close();
    throw error;
  }
  const reads = createRepositories({ db: connection.db, t: sqliteSchema, dialect: noLocks, prepared: new Map() });
  return {
    async read(work) {
      connection.sqlite.exec("BEGIN");
      try {
        return await work(reads);
      } finally {
        connection.sqlite.exec("COMMIT");
      }
    },
    close: async () => void connection.sqlite.close(),
  };
}

/** The migrations a SQLite database has applied: how many, and the time of the last (-1: none). */
function appliedSqlite(sqlite: ReturnType<typeof connect>["sqlite"]): { count: number; last: number } {
  const table = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (!table) return { count: 0, last: -1 };
  const row = sqlite.prepare('SELECT count(*) AS count, max(created_at) AS last FROM "__drizzle_migrations"').get() as { count: number; last: number | null };
  return { count: row.count, last: row.last === null ? -1 : Number(row.last) };
}

/** The time of the last migration a PostgreSQL database has applied (-1: none). */
async function appliedPg(client: pg.Client): Promise<number> {
  const table = await client.query("SELECT to_regclass('\"__drizzle_migrations\"') AS name");
  if (table.rows[0].name === null) return -1;
  const row = await client.query<{ last: string | null }>('SELECT max(created_at) AS last FROM "__drizzle_migrations"');
  return row.rows[0].last === null ? -1 : Number(row.rows[0].last);
}

function refuseIfBehind(last: number, folder: string): void {
  const pending = readMigrationFiles({ migrationsFolder: folder }).filter((migration) => migration.folderMillis > last).length;
  if (pending > 0) throw new Error(`the database is ${pending} migration(s) behind this build: run \`npm run migrate\` (or start the server) first`);
}
