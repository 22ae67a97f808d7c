/**
 * PostgreSQL connections (node-postgres, a pool) and migrations. Several nodes may start together
 * over one database: migrations run in one transaction that first locks a row of their own table
 * (SELECT … FOR UPDATE, no advisory lock), so one node applies them and the others, once it has
 * committed, find nothing left to do.
 */
import pg from "pg";
import { readMigrationFiles } from "drizzle-orm/migrator";

export interface PoolOptions {
  /** Connections this node keeps at most (each open transaction holds one). */
  max?: number;
  /** How long a request waits for a connection, or for PostgreSQL to accept one, before failing. */
  connectionTimeoutMs?: number;
}

export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    // A statement that runs this long is stuck (a lock never released): fail it rather than the node.
    statement_timeout: 30_000,
    // A node cut off mid-transaction (a partition, not a crash: no RST) would hold its wallet's row lock until TCP gives up.
    idle_in_transaction_session_timeout: 30_000,
    // Notices a dead peer on an idle or waiting connection within seconds, not the OS's two hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: "pricing-account-api",
  });
  // A connection's 'error' without a listener crashes the process, and there are moments with none:
  // between the pool handing a connection out and its borrower listening (a FATAL "terminating
  // connection" can arrive in the same read as the last answer). The failure is not lost: the next
  // query on that connection fails, and the pool's own listener reports it while idle.
  pool.on("connect", (client) => client.on("error", () => undefined));
  return pool;
}

const MIGRATIONS_TABLE = '"__drizzle_migrations"';
const LOCK_TABLE = '"__migrations_lock"';

/** Applies the folder's pending migrations once, whichever of the nodes starting together gets there first. */
export async function migrate(pool: pg.Pool, folder: string): Promise<number> {
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  await createIfMissing(pool, `CREATE TABLE IF NOT EXISTS ${LOCK_TABLE} (id integer PRIMARY KEY)`);
  await createIfMissing(pool, `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (id serial PRIMARY KEY, hash text NOT NULL, created_at bigint)`);
  await pool.query(`INSERT INTO ${LOCK_TABLE} (id) VALUES (1) ON CONFLICT DO NOTHING`);
  const client = await pool.connect();
  // Checked out, a client's errors are no longer the pool's: without a listener a restart now would crash the process.
  let broken: Error | undefined;
  const onError = (error: Error) => void (broken = error);
  client.on("error", onError);
  let applied = 0;
  try {
    await client.query("BEGIN");
    // A migration (or the wait for another node's) may take longer than a request's statement may.
    await client.query("SET LOCAL statement_timeout = 0");
    await client.query(`SELECT id FROM ${LOCK_TABLE} WHERE id = 1 FOR UPDATE`);
    const last = await client.query<{ created_at: string }>(`SELECT created_at FROM ${MIGRATIONS_TABLE} ORDER BY created_at DESC LIMIT 1`);
    const lastMillis = last.rows.length > 0 ? Number(last.rows[0].created_at) : -1;
    for (const migration of migrations) {
      if (migration.folderMillis <= lastMillis) continue;
      for (const statement of migration.sql) if (statement.trim()) await client.query(statement);
      await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (hash, created_at) VALUES ($1, $2)`, [migration.hash, migration.folderMillis]);
      applied++;
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch((failure: Error) => void (broken = failure));
    throw error;
  } finally {
    client.off("error", onError);
    client.release(broken);
  }
  return applied;
}

/**
 * CREATE TABLE IF NOT EXISTS is not safe against itself: two nodes running it at once can both
 * find the table missing, and the second fails on the catalog's unique index. That one lost a
 * race it does not care about.
 */
async function createIfMissing(pool: pg.Pool, statement: string): Promise<void> {
  try {
    await pool.query(statement);
  } catch (error) {
    if ((error as { code?: string }).code !== "23505" && (error as { code?: string }).code !== "42P07") throw error;
  }
}
