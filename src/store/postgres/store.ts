/**
 * The account store on PostgreSQL, for several stateless nodes over one database.
 *
 * Each unit of work is one READ COMMITTED transaction on a connection of the pool; the rows it
 * changes are locked by the repositories (SELECT … FOR UPDATE on the wallet, the checkout session,
 * the account) or changed by conditional updates and guarded by unique constraints, so two nodes
 * never both spend the same credits. A transaction that PostgreSQL aborts for a serialization
 * failure or a deadlock runs again, a bounded number of times; one that cannot reach the database
 * fails with StoreUnavailableError, which clients see as a retryable error.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import type { Dialect, QueryDb, Schema } from "../repositories/context.js";
import { createRepositories, type Repositories } from "../repositories/index.js";
import { StoreUnavailableError, type Store, type Tx } from "../store.js";
import { migrationsFolder } from "../sqlite/client.js";
import { createPool, migrate, type PoolOptions } from "./client.js";
import * as schema from "./schema.js";
import { appendEvent } from "./event-append.js";
import { PgEventWakeups } from "./wakeups.js";

export interface PgStoreOptions extends PoolOptions {
  /** Told of an afterCommit hook that threw (the transaction itself succeeded). */
  onHookError?: (error: unknown) => void;
  /** Told of an error on an idle connection (PostgreSQL restarted, the network dropped it). */
  onConnectionError?: (error: unknown) => void;
}

/** Runs of one unit of work when PostgreSQL aborts it for a conflict with another (40001, 40P01). */
const MAX_ATTEMPTS = 5;
const CONFLICT_CODES = new Set(["40001", "40P01"]);

const insideUnit = new AsyncLocalStorage<boolean>();

const pgDialect: Dialect = { forUpdate: (query) => (query as { for(strength: "update"): unknown }).for("update") as typeof query, appendEvent };

/** The PostgreSQL tables, under the SQLite schema's types that the repositories are written to (./schema-mirror.ts proves they agree). */
const tables = schema as unknown as Schema;

export class PgStore implements Store {
  readonly reads: Repositories;
  /** Repositories bound to each pooled connection, so their prepared statements are prepared once per connection. */
  private readonly bound = new WeakMap<pg.PoolClient, Repositories>();
  private savepoints = 0;
  private closed = false;
  private readonly health: HealthProbe;
  readonly wakeups: PgEventWakeups;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly options: PgStoreOptions,
    url: string,
  ) {
    this.health = new HealthProbe(url);
    this.wakeups = new PgEventWakeups(url, pool, (error) => options.onConnectionError?.(error));
    this.reads = this.repositoriesOn(drizzle(unavailableWhenUnreachable(pool), { schema }) as unknown as QueryDb);
  }

  /** Connects to `url` and applies pending migrations (once, however many nodes start together). */
  static async open(url: string, options: PgStoreOptions = {}): Promise<PgStore> {
    const pool = createPool(url, options);
    pool.on("error", (error) => options.onConnectionError?.(error));
    try {
      await migrate(pool, migrationsFolder("pg"));
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PgStore(pool, options, url);
  }

  /** A raw query, for tests and operators' checks, never for domain code. */
  query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text, values);
  }

  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreUnavailableError("the store is closed");
    // A unit waiting for another connection while holding its own locks could wait for itself.
    if (insideUnit.getStore()) throw new Error("store.transaction() called inside a unit of work; use the tx it was given");
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(work);
      } catch (error) {
        if (error instanceof StoreUnavailableError) throw error;
        if (!isConflict(error)) throw isUnreachable(error) ? unreachableError(error) : error;
        if (attempt >= MAX_ATTEMPTS)
          throw new StoreUnavailableError(`the database kept aborting this change for conflicts with concurrent ones (${attempt} attempts); retry shortly`, {
            cause: error,
          });
        // Jittered backoff, so the transactions that collided do not collide again in step.
        await sleep(Math.random() * 10 * 2 ** attempt);
      }
    }
  }

  durable(): null {
    return null;
  }

  healthy(): Promise<boolean> {
    return this.closed ? Promise.resolve(false) : this.health.answers();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.wakeups.close();
    await Promise.all([this.pool.end(), this.health.close()]);
  }

  private async attempt<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const hooks: Array<() => void> = [];
    let broken: Error | undefined;
    // The pool listens for errors on idle connections only: one that dies while checked out (the
    // server restarted mid-transaction) would otherwise crash the process with an unhandled 'error'.
    const onError = (error: Error) => {
      broken = error;
      this.options.onConnectionError?.(error);
    };
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      const value = await insideUnit.run(true, () => work(this.txOf(client, hooks)));
      // The connection died before COMMIT could be sent: PostgreSQL rolled it back.
      if (broken) throw unreachableError(broken);
      // PostgreSQL answers COMMIT of a transaction an error aborted with ROLLBACK, not an error.
      const committed = await client.query("COMMIT").catch((error: unknown) => {
        // Sent, and the connection was lost before the answer: PostgreSQL may have committed it.
        // (A refusal PostgreSQL itself answered, such as a timeout, is a rollback, not a doubt.)
        if (isUnreachable(error) && !PASSING_CODES.has(codeOf(error) ?? ""))
          throw new StoreUnavailableError(OUTCOME_UNKNOWN, { cause: error, outcomeUnknown: true });
        throw isUnreachable(error) ? unreachableError(error) : error;
      });
      if (committed.command !== "COMMIT") throw new Error(`the transaction was rolled back at COMMIT (${committed.command}): a statement in it failed`);
      for (const hook of hooks) {
        try {
          hook();
        } catch (error) {
          this.options.onHookError?.(error);
        }
      }
      return value;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
      } catch (rollbackFailure) {
        // The connection itself failed: the pool must not hand it out again.
        broken = rollbackFailure as Error;
      }
      throw error;
    } finally {
      client.off("error", onError);
      client.release(broken);
    }
  }

  private repositoriesOn(db: QueryDb): Repositories {
    return createRepositories({ db, t: tables, dialect: pgDialect, prepared: new Map() });
  }

  private txOf(client: pg.PoolClient, hooks: Array<() => void>): Tx {
    let repositories = this.bound.get(client);
    if (!repositories) this.bound.set(client, (repositories = this.repositoriesOn(drizzle(client, { schema }) as unknown as QueryDb)));
    const tx = Object.create(repositories) as Tx;
    tx.afterCommit = (hook) => void hooks.push(hook);
    tx.savepoint = async (work) => {
      const name = `sp_${++this.savepoints}`;
      const hooksBefore = hooks.length;
      await client.query(`SAVEPOINT ${name}`);
      try {
        const value = await work();
        await client.query(`RELEASE SAVEPOINT ${name}`);
        return value;
      } catch (error) {
        await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
        hooks.length = hooksBefore;
        throw error;
      }
    };
    return tx;
  }
}

/**
 * One connection of its own for /health: through the pool, a node whose connections are all busy
 * would look down to its load balancer exactly when it is busiest. Reconnects after a failure.
 */
class HealthProbe {
  private client: Promise<pg.Client> | undefined;
  constructor(private readonly url: string) {}

  async answers(): Promise<boolean> {
    try {
      let client = await (this.client ??= this.connect());
      if (client !== this.current) {
        // The connection dropped while idle (e.g. a server restart since the last probe): a new one answers for now.
        await this.close();
        client = await (this.client = this.connect());
      }
      const answered = client.query("select 1 as ok").then((result) => result.rows.length === 1);
      if (await Promise.race([answered, sleep(2_000).then(() => false)])) return true;
      answered.catch(() => undefined);
    } catch {
      // Unreachable: reported below, and the next probe reconnects.
    }
    await this.close();
    return false;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.then((c) => c.end()).catch(() => undefined);
  }

  private current: pg.Client | undefined;

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: 2_000,
      statement_timeout: 2_000,
      application_name: "pricing-account-api health",
    });
    // A dead connection is dropped here; the next probe opens a new one.
    client.on("error", () => {
      if (this.current === client) this.current = undefined;
    });
    this.current = client;
    await client.connect();
    return client;
  }
}

const OUTCOME_UNKNOWN =
  "the connection to the database was lost while this change was being committed, so it may or may not have been made; retry it with the same idempotency key, or read its state first";
const unreachableError = (cause: unknown) => new StoreUnavailableError("the database is unreachable; retry shortly", { cause });

/** The pool, for reads outside a unit of work: a query that cannot reach the database fails as StoreUnavailableError. */
function unavailableWhenUnreachable(pool: pg.Pool): pg.Pool {
  const query = (...args: Parameters<pg.Pool["query"]>) =>
    (pool.query as (...a: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => {
      throw isUnreachable(error) ? unreachableError(error) : error;
    });
  // A proxy, so that drizzle still sees a Pool (it checks, to open its own transactions).
  return new Proxy(pool, { get: (target, key) => (key === "query" ? query : Reflect.get(target, key, target)) });
}

/** The driver's error beneath drizzle's (DrizzleQueryError "Failed query: …" keeps it as its cause). */
function driverError(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error && typeof (current as { code?: unknown }).code !== "string" && current.cause !== undefined; depth++)
    current = current.cause;
  return current;
}

const codeOf = (error: unknown): string | undefined => {
  const code = (driverError(error) as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
};

/** PostgreSQL aborted the transaction for a conflict with a concurrent one: running it again may succeed. */
export const isConflict = (error: unknown) => CONFLICT_CODES.has(codeOf(error) ?? "");

/**
 * PostgreSQL cannot serve this now, and may shortly: it could not be reached or dropped the
 * connection (a restart, a failover, the network), or refused for a passing condition.
 */
export function isUnreachable(error: unknown): boolean {
  const code = codeOf(error) ?? "";
  if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"].includes(code)) return true;
  // Class 08 (connection exception), 57P01-57P03 (shut down, crash, starting up).
  if (code.startsWith("08") || ["57P01", "57P02", "57P03"].includes(code)) return true;
  if (PASSING_CODES.has(code)) return true;
  const cause = driverError(error);
  const message = cause instanceof Error ? cause.message : "";
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(message);
}

/**
 * 57014: a statement ran past statement_timeout (a lock held too long); 53300: too many
 * connections; 55P03: a lock not available; 25006: a read-only transaction (a failover's new
 * primary not yet promoted); 25P03: idle_in_transaction_session_timeout ended it.
 */
const PASSING_CODES = new Set(["57014", "53300", "55P03", "25006", "25P03"]);
