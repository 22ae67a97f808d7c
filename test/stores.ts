/**
 * The account store a test runs over: SQLite by default, PostgreSQL when TEST_STORE=postgres (the
 * vitest project "postgres" sets it). Each PostgreSQL store is a database of its own, created on the
 * server TEST_DATABASE_URL names and dropped at close, so suites run side by side.
 *
 * A machine without PostgreSQL skips the PostgreSQL tests (vitest.config.ts says so once); CI fails.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, inject } from "vitest";
import { PgStore, type PgStoreOptions } from "../src/store/postgres/store.js";
import { IN_MEMORY, SqliteStore, type SqliteStoreOptions } from "../src/store/sqlite/store.js";
import type { Store } from "../src/store/store.js";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const STORE_KIND: "sqlite" | "postgres" = process.env.TEST_STORE === "postgres" ? "postgres" : "sqlite";

const unreachable = inject("postgresUnavailable") || null;

/** Whether this run can use PostgreSQL. */
export const postgresAvailable = unreachable === null;

/** `describe`, or `describe.skip` where PostgreSQL is missing (never in CI: vitest.config.ts fails first). */
export const describePostgres = postgresAvailable ? describe : describe.skip;

/** Whether this project's store can be used (SQLite always; PostgreSQL where it answers). */
export const storeAvailable = STORE_KIND === "sqlite" || postgresAvailable;

/** `describe` for suites that run over the store of this project: skipped when that is a missing PostgreSQL. */
export const describeStore = storeAvailable ? describe : describe.skip;

/** The URL of `database` on the test server. */
export function databaseUrl(database: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database; `drop()` removes it, closing whatever connections remain. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString("hex")}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A PostgreSQL store over a database of its own, dropped when the store is closed. */
export async function openPgTestStore(options: PgStoreOptions = {}): Promise<PgStore> {
  const database = await createTestDatabase();
  const store = await PgStore.open(database.url, { max: 5, ...options });
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await database.drop();
  };
  return store;
}

/** A scratch store of this run's kind. */
export async function openTestStore(options: SqliteStoreOptions & PgStoreOptions = {}): Promise<Store> {
  return STORE_KIND === "postgres" ? openPgTestStore(options) : SqliteStore.open(IN_MEMORY, options);
}

/**
 * Rows of a raw SQL query (with `?` placeholders) on either store, for what a test checks beneath
 * the API. Column names are the database's; PostgreSQL's int8 and numeric come back as strings and
 * SQLite's booleans as 0 and 1, so compare through Number() or select what both agree on.
 */
export async function rawRows<R = Record<string, unknown>>(store: Store, sql: string, ...params: unknown[]): Promise<R[]> {
  if (store instanceof SqliteStore) return store.sqlite.prepare(sql).all(...params) as R[];
  if (store instanceof PgStore) {
    let n = 0;
    return (
      await store.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      )
    ).rows as R[];
  }
  throw new Error("rawRows: an unknown store");
}

/** One row of rawRows (undefined when there is none). */
export async function rawRow<R = Record<string, unknown>>(store: Store, sql: string, ...params: unknown[]): Promise<R | undefined> {
  return (await rawRows<R>(store, sql, ...params))[0];
}

/** Runs a statement that changes rows (for tests that prove the database refuses it). */
export async function rawRun(store: Store, sql: string, ...params: unknown[]): Promise<void> {
  if (store instanceof SqliteStore) store.sqlite.prepare(sql).run(...params);
  else await rawRows(store, sql, ...params);
}
