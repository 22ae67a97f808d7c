/**
 * The PostgreSQL store enforces what the SQLite store enforces. Both are migrated with their real
 * migrations (drizzle/sqlite into a scratch file, drizzle/pg into a new database), each catalog is
 * read (./schema-catalog.ts) and turned into facts: tables, columns (types mapped, nullability,
 * defaults, numbering), primary keys, CHECKs, indexes (unique and partial), foreign keys and
 * triggers. The facts must be the same on both sides, except the differences listed below, each
 * with its reason: a new difference fails until it is fixed or explained here.
 *
 * Expressions (CHECKs, partial indexes' WHERE) are compared as PostgreSQL parses them: each side's
 * text is added as a CHECK to a copy of its table in a scratch schema and read back deparsed, so
 * `"t"."a" in ('X')` and `a = ANY (ARRAY['X'::text])` compare equal and `>= 0` and `> 0` do not.
 * (src/store/postgres/schema-mirror.ts proves the row types the code sees agree.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { migrateStore } from "../src/store/open.js";
import { readPgSchema, readSqliteSchema, type SchemaShape, type TableShape } from "./schema-catalog.js";
import { createTestDatabase, describePostgres, type TestDatabase } from "./stores.js";

/** The migrators' own bookkeeping, made by each dialect's migrator, not by the migrations. */
const BOOKKEEPING = ["__drizzle_migrations", "__migrations_lock"];

/**
 * Declared types, mapped to what each column holds. SQLite's integer is 64-bit, as PostgreSQL's
 * bigint; PostgreSQL's integer is 32-bit, allowed only for the counts in COUNTS_IN_32_BITS.
 */
const PG_TYPES: Record<string, { as: string; why: string }> = {
  bigint: { as: "integer", why: "64-bit, as SQLite's integer" },
  text: { as: "text", why: "the same" },
  boolean: { as: "integer", why: "SQLite has no boolean: drizzle stores true and false as 1 and 0 in an integer column" },
  json: { as: "text", why: "SQLite has no JSON type: drizzle stores the JSON text; json (not jsonb) keeps the text as written" },
};

/** PostgreSQL integer (32-bit) columns: counts and positions that stay far below 2^31. Never money. */
const COUNTS_IN_32_BITS = [
  "accounts.last_sequence",
  "wallets.last_sequence",
  "ledger_entries.sequence",
  "credit_grants.priority",
  "job_holds.position",
  "auto_top_ups.consecutive_failures",
  "email_outbox.attempts",
  "subscriptions.anchor_day",
  "subscriptions.failed_payment_attempts",
  "event_counters.last_seq",
  "events.seq",
  "webhook_deliveries.event_seq",
  "webhook_deliveries.attempts",
  "webhook_attempts.response_status",
  "webhook_attempts.latency_ms",
  "webhook_endpoints.seq",
];

/** Each database's way to write the current time as ISO-8601 UTC text with milliseconds (`2025-01-31T12:00:00.000Z`). */
const NOW_ISO = "<now as ISO-8601 UTC, milliseconds>";
const CURRENT_TIME_DEFAULTS: Record<string, string> = {
  "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')": NOW_ISO,
  "to_char((now() AT TIME ZONE 'UTC'), 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')": NOW_ISO,
};

/** How each numbers new rows: neither reuses a number, and both accept an explicit one. */
const NUMBERING: Record<string, string> = { autoincrement: "numbered", "identity by default": "numbered" };

/** Facts one store has and the other has not, each with its reason. */
const DIFFERENCES: Array<{ sqlite?: string; postgres?: string; why: string }> = [
  {
    postgres: "trigger ledger_entries: BEFORE TRUNCATE FOR EACH STATEMENT: raises 'ledger entries are append-only'",
    why: "SQLite has no TRUNCATE; a DELETE of every row meets the DELETE trigger",
  },
  {
    postgres: "trigger entry_grants: BEFORE TRUNCATE FOR EACH STATEMENT: raises 'ledger entries are append-only'",
    why: "SQLite has no TRUNCATE; a DELETE of every row meets the DELETE trigger",
  },
];

type Canonical = (table: string, expression: string) => Promise<string>;

function typeOf(side: "sqlite" | "postgres", table: string, column: string, declared: string): string {
  if (side === "sqlite") return declared;
  if (declared === "integer") return COUNTS_IN_32_BITS.includes(`${table}.${column}`) ? "integer" : "integer (32-bit)";
  return PG_TYPES[declared]?.as ?? `${declared} (unmapped)`;
}

/** A default without casts (`'x'::text`) or parentheses around the whole, then named when it is the current time. */
function defaultOf(expression: string): string {
  let text = expression.replace(/::(text|bigint|integer|boolean|json)\b/g, "").trim();
  while (text.startsWith("(") && closingParen(text) === text.length - 1) text = text.slice(1, -1).trim();
  return CURRENT_TIME_DEFAULTS[text] ?? text;
}

function closingParen(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return i;
  }
  return -1;
}

async function factsOf(side: "sqlite" | "postgres", schema: SchemaShape, canonical: Canonical): Promise<string[]> {
  const facts: string[] = [];
  for (const [name, table] of schema) {
    facts.push(`table ${name}`);
    for (const column of table.columns) {
      facts.push(`column ${name}.${column.name}: ${typeOf(side, name, column.name, column.type)}${column.notNull ? " not null" : ""}`);
      if (column.default !== null) facts.push(`default ${name}.${column.name}: ${defaultOf(column.default)}`);
      if (column.generated !== null) facts.push(`generated ${name}.${column.name}: ${NUMBERING[column.generated] ?? column.generated}`);
    }
    if (table.primaryKey.length > 0) facts.push(`primary key ${name} (${table.primaryKey.join(", ")})`);
    for (const check of table.checks) facts.push(`check ${name}.${check.name}: ${await canonical(name, check.expression)}`);
    for (const index of table.indexes) {
      const where = index.where === null ? "" : ` where ${await canonical(name, index.where)}`;
      facts.push(
        `index ${name}.${index.name}: ${index.unique ? "unique " : ""}(${index.columns.join(", ")})${where}${index.method ? ` using ${index.method}` : ""}`,
      );
    }
    for (const fk of table.foreignKeys)
      facts.push(
        `foreign key ${name} (${fk.columns.join(", ")}) -> ${fk.table} (${fk.references.join(", ")}) on delete ${fk.onDelete} on update ${fk.onUpdate}`,
      );
    for (const t of table.triggers) facts.push(`trigger ${name}: ${t.timing} ${t.event} FOR EACH ${t.level}${t.when ? ` WHEN ${t.when}` : ""}: ${t.action}`);
  }
  return facts.sort();
}

const directory = mkdtempSync(join(tmpdir(), "pricing-mirror-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describePostgres("the PostgreSQL schema mirrors the SQLite one, as each database's catalog says", () => {
  let database: TestDatabase;
  let client: pg.Client;
  let sqlite: BetterSqlite3.Database;
  let probes = 0;

  /** `expression` as PostgreSQL deparses it: a CHECK on a copy of `table` in the scratch schema, read back and dropped. */
  const canonical: Canonical = async (table, expression) => {
    const name = `probe_${++probes}`;
    await client.query(`ALTER TABLE mirror_probe."${table}" ADD CONSTRAINT ${name} CHECK (${expression}) NOT VALID`);
    const { rows } = await client.query<{ definition: string }>("SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conname = $1", [name]);
    await client.query(`ALTER TABLE mirror_probe."${table}" DROP CONSTRAINT ${name}`);
    return rows[0].definition.replace(/^CHECK \(([\s\S]*)\) NOT VALID$/, "$1");
  };

  async function compare(): Promise<{ onlySqlite: string[]; onlyPostgres: string[] }> {
    const [sqliteFacts, pgFacts] = [
      await factsOf("sqlite", readSqliteSchema(sqlite, BOOKKEEPING), canonical),
      await factsOf("postgres", await readPgSchema(client, BOOKKEEPING), canonical),
    ];
    return { onlySqlite: sqliteFacts.filter((f) => !pgFacts.includes(f)), onlyPostgres: pgFacts.filter((f) => !sqliteFacts.includes(f)) };
  }

  beforeAll(async () => {
    const path = join(directory, "store.db");
    await migrateStore({ databasePath: path });
    sqlite = new BetterSqlite3(path, { readonly: true });
    database = await createTestDatabase();
    await migrateStore({ databasePath: path, databaseUrl: database.url });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    // Copies of PostgreSQL's tables (columns only) to parse both sides' expressions against.
    await client.query("CREATE SCHEMA mirror_probe");
    const tables = await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'");
    for (const { name } of tables.rows) await client.query(`CREATE TABLE mirror_probe."${name}" (LIKE public."${name}")`);
  }, 60_000);

  afterAll(async () => {
    sqlite?.close();
    await client?.end();
    await database?.drop();
  });

  it("enforces the same, but for the differences listed with their reasons", async () => {
    const { onlySqlite, onlyPostgres } = await compare();
    expect({ onlySqlite, onlyPostgres }).toEqual({
      onlySqlite: DIFFERENCES.flatMap((d) => (d.sqlite ? [d.sqlite] : [])).sort(),
      onlyPostgres: DIFFERENCES.flatMap((d) => (d.postgres ? [d.postgres] : [])).sort(),
    });
  });

  it("reads what it compares: the wallets' CHECKs, the ledger's triggers, a partial unique index, a foreign key", async () => {
    const facts = await factsOf("sqlite", readSqliteSchema(sqlite, BOOKKEEPING), canonical);
    expect(facts).toContain("check wallets.wallets_available_non_negative: ((balance_micros - reserved_micros) >= 0)");
    expect(facts).toContain("trigger ledger_entries: BEFORE UPDATE FOR EACH ROW: raises 'ledger entries are append-only'");
    expect(facts).toContain("trigger ledger_entries: BEFORE DELETE FOR EACH ROW: raises 'ledger entries are append-only'");
    expect(facts.find((f) => f.startsWith("index credit_grants.credit_grants_source_idx:"))).toBe(
      "index credit_grants.credit_grants_source_idx: unique (source, source_id) where (source_id IS NOT NULL)",
    );
    expect(facts).toContain("foreign key wallets (account_id) -> accounts (id) on delete NO ACTION on update NO ACTION");
    expect(facts).toContain(`default wallets.created_at: ${NOW_ISO}`);
    expect(facts).toContain("generated ledger_entries.seq: numbered");
  });

  it("lists exactly the columns PostgreSQL holds in 32 bits", async () => {
    const pgSchema = await readPgSchema(client, BOOKKEEPING);
    const int4 = [...pgSchema].flatMap(([table, shape]: [string, TableShape]) =>
      shape.columns.filter((c) => c.type === "integer").map((c) => `${table}.${c.name}`),
    );
    expect(int4.sort()).toEqual([...COUNTS_IN_32_BITS].sort());
  });

  it("fails when one side loses a CHECK: the wallets' non-negative available balance dropped from PostgreSQL", async () => {
    await client.query('ALTER TABLE wallets DROP CONSTRAINT "wallets_available_non_negative"');
    try {
      const { onlySqlite } = await compare();
      expect(onlySqlite).toEqual(["check wallets.wallets_available_non_negative: ((balance_micros - reserved_micros) >= 0)"]);
    } finally {
      await client.query(
        'ALTER TABLE wallets ADD CONSTRAINT "wallets_available_non_negative" CHECK ("wallets"."balance_micros" - "wallets"."reserved_micros" >= 0)',
      );
    }
  });
});
