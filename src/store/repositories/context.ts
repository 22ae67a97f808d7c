/**
 * What every repository is built on: a drizzle database handle and the schema's tables. The
 * repositories are written once, with the query builder's portable part only (select, insert,
 * update and delete with `returning`, `onConflictDoNothing`; never `.get()`, `.all()`, `.run()`),
 * so that each store gives them its own connection. Row types are the SQLite schema's, which the
 * other dialects' schemas mirror column for column.
 */
import { and, eq, exists, isNull, sql, type SQL } from "drizzle-orm";
import type { BaseSQLiteDatabase, SQLiteColumn } from "drizzle-orm/sqlite-core";
import type * as schema from "../sqlite/schema.js";

export type Schema = typeof schema;
export type QueryDb = BaseSQLiteDatabase<"sync" | "async", unknown, Schema>;

export interface Dialect {
  /** `SELECT … FOR UPDATE` where the database has row locks (SQLite's writer already holds the lock). */
  forUpdate<Q>(query: Q): Q;
  /**
   * Where the database can do it in one statement (PostgreSQL's data-modifying WITH): the account's
   * next number, the event and its webhook deliveries (./events.ts EventRepository.append).
   */
  appendEvent?(db: QueryDb, event: EventToAppend): Promise<AppendedEvent>;
}

/** An event before its number is given (the log's row without `seq`). */
export interface EventToAppend {
  id: string;
  accountId: string;
  type: string;
  data: unknown;
  createdAt: string;
}

export interface AppendedEvent {
  seq: number;
  /** Webhook deliveries queued for it. */
  deliveries: number;
}

/** A delivery's id, made in SQL from its endpoint's and event's: unique as the pair is. */
export const deliveryIdSuffix = (eventId: string) => eventId.slice("evt_".length);

export interface RepositoryContext {
  db: QueryDb;
  t: Schema;
  dialect: Dialect;
  /** This connection's prepared queries, by name (./context.ts preparedQuery). */
  prepared: Map<string, unknown>;
}

export type Rows<K extends keyof Schema> = Schema[K] extends { $inferSelect: infer R } ? R : never;
export type NewRow<K extends keyof Schema> = Schema[K] extends { $inferInsert: infer R } ? R : never;

/** The first row of a query's answer. */
export const first = <T>(rows: T[]): T | undefined => rows[0];

/** A row as a list of none or one, for a batch read of one id. */
export const one = <T>(row: T | undefined): T[] => (row === undefined ? [] : [row]);

interface Preparable<R> {
  prepare(name?: string): { execute(values?: Record<string, unknown>): PromiseLike<R> | R };
}

/**
 * A query prepared once per connection (on the hot path, building and preparing SQL cost more
 * than running it), then run with its placeholders' values. The name is the statement's name
 * where the database keeps prepared statements by name.
 */
export function preparedQuery<R>(c: RepositoryContext, name: string, build: () => Preparable<R>): (values?: Record<string, unknown>) => Promise<R> {
  let query = c.prepared.get(name) as ReturnType<Preparable<R>["prepare"]> | undefined;
  if (!query) c.prepared.set(name, (query = build().prepare(name)));
  const prepared = query;
  return async (values) => prepared.execute(values);
}

/** Due work of one kind of time: the accounts on no test clock (testClockId null), or on that clock, as of `now`. */
export interface DueScope {
  now: string;
  testClockId: string | null;
}

/** Rows whose account (`accountId`, a column) is in the scope's time: a look-up of that account by its key per due row. */
export function inScope(c: RepositoryContext, accountId: SQLiteColumn, scope: DueScope): SQL {
  const { db, t } = c;
  const clock = scope.testClockId === null ? isNull(t.accounts.testClockId) : eq(t.accounts.testClockId, scope.testClockId);
  return exists(
    db
      .select({ one: sql`1` })
      .from(t.accounts)
      .where(and(eq(t.accounts.id, accountId), clock)),
  );
}
