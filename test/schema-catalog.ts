/**
 * What a migrated database enforces, read from its own catalog, in one shape for SQLite and
 * PostgreSQL (for test/schema-mirror.test.ts): per table, its columns (declared type, NOT NULL,
 * default, how new rows are numbered), primary key, CHECK constraints, indexes (unique ones
 * included, with their columns and partial WHERE), foreign keys and triggers.
 *
 * SQLite: pragma table_info / index_list / index_xinfo / foreign_key_list, and sqlite_master's SQL
 * for what no pragma tells (CHECKs, partial WHERE, AUTOINCREMENT, triggers). PostgreSQL:
 * information_schema.columns and pg_catalog (pg_constraint, pg_index, pg_trigger, pg_proc).
 * Expressions are returned as each database holds them; the test puts both through one parser.
 */
import type BetterSqlite3 from "better-sqlite3";
import type pg from "pg";

export interface ColumnShape {
  name: string;
  /** The declared type, lower case: SQLite's `integer`, `text`; PostgreSQL's `bigint`, `boolean`, `json` … */
  type: string;
  notNull: boolean;
  /** The default's expression as the database shows it; null when there is none. */
  default: string | null;
  /** How the database numbers new rows: `autoincrement` (SQLite), `identity by default` (PostgreSQL), else null. */
  generated: string | null;
}

export interface IndexShape {
  name: string;
  /** Each key column, with ` DESC` when descending (an expression as written). */
  columns: string[];
  unique: boolean;
  /** A partial index's predicate; null when it covers every row. */
  where: string | null;
  /** What only PostgreSQL has: an access method other than a b-tree, NULLS NOT DISTINCT; null when neither. */
  method: string | null;
}

export interface ForeignKeyShape {
  columns: string[];
  table: string;
  references: string[];
  onDelete: string;
  onUpdate: string;
}

export interface TriggerShape {
  timing: string;
  /** One event: INSERT, UPDATE, DELETE or TRUNCATE. */
  event: string;
  level: "ROW" | "STATEMENT";
  /** A WHEN condition, as written; null when there is none. */
  when: string | null;
  /** `raises '<message>'` when the body only refuses the change; else the body, whitespace collapsed. */
  action: string;
}

export interface TableShape {
  columns: ColumnShape[];
  primaryKey: string[];
  checks: Array<{ name: string; expression: string }>;
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
  triggers: TriggerShape[];
}

export type SchemaShape = Map<string, TableShape>;

const collapse = (text: string) => text.replace(/\s+/g, " ").trim();

/** The text inside the parenthesis that opens at `open`, quotes respected. */
function insideParens(sql: string, open: number): string {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < sql.length; i++) {
    const char = sql[i];
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === "'" || char === '"' || char === "`") {
      quote = char;
    } else if (char === "(") {
      depth++;
    } else if (char === ")" && --depth === 0) {
      return sql.slice(open + 1, i);
    }
  }
  throw new Error(`unbalanced parentheses in ${sql}`);
}

/** Every CHECK of a CREATE TABLE statement, named by its CONSTRAINT clause (`(unnamed)` without one). */
function checksOf(createTable: string): Array<{ name: string; expression: string }> {
  const checks: Array<{ name: string; expression: string }> = [];
  for (const match of createTable.matchAll(/(?:CONSTRAINT\s+["`]?(\w+)["`]?\s+)?CHECK\s*\(/gi)) {
    const open = match.index + match[0].length - 1;
    checks.push({ name: match[1] ?? "(unnamed)", expression: collapse(insideParens(createTable, open)) });
  }
  return checks;
}

/** A trigger's event as both databases can say it: `UPDATE OF a, b` with the columns unquoted, in lower case. */
function triggerEvent(event: string): string {
  const columns = event.match(/^UPDATE\s+OF\s+(.+)$/i)?.[1];
  return columns === undefined
    ? event.toUpperCase()
    : `UPDATE OF ${columns
        .split(",")
        .map((column) => column.trim().replace(/[`"]/g, "").toLowerCase())
        .join(", ")}`;
}

function sqliteTrigger(sql: string): TriggerShape {
  const match = sql.match(
    /\bTRIGGER\s+\S+\s+(BEFORE|AFTER|INSTEAD\s+OF)?\s*(INSERT|DELETE|UPDATE(?:\s+OF\s+.+?)?)\s+ON\s+\S+\s+(?:FOR\s+EACH\s+ROW\s+)?(?:WHEN\s+(.+?)\s+)?BEGIN\s+([\s\S]*)\bEND\s*$/i,
  );
  if (!match) throw new Error(`a trigger this reader does not understand: ${sql}`);
  const body = collapse(match[4]);
  const raises = body.match(/^SELECT RAISE\s*\(\s*ABORT\s*,\s*'((?:[^']|'')*)'\s*\)\s*;?$/i);
  return {
    timing: collapse(match[1] ?? "BEFORE").toUpperCase(),
    event: triggerEvent(collapse(match[2])),
    level: "ROW",
    when: match[3] ? collapse(match[3]) : null,
    action: raises ? `raises '${raises[1]}'` : body,
  };
}

export function readSqliteSchema(sqlite: BetterSqlite3.Database, skip: readonly string[]): SchemaShape {
  const schema: SchemaShape = new Map();
  const objects = sqlite.prepare("SELECT type, name, tbl_name AS tableName, sql FROM sqlite_master").all() as Array<{
    type: string;
    name: string;
    tableName: string;
    sql: string | null;
  }>;
  const tables = objects.filter((o) => o.type === "table" && !o.name.startsWith("sqlite_") && !skip.includes(o.name));
  for (const table of tables) {
    const sql = table.sql!;
    const info = sqlite.pragma(`table_info("${table.name}")`) as Array<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>;
    const autoincrement = sql.match(/[`"]?(\w+)[`"]?\s+integer\s+PRIMARY\s+KEY\s+AUTOINCREMENT/i)?.[1];
    const indexes = (sqlite.pragma(`index_list("${table.name}")`) as Array<{ name: string; unique: number; origin: string; partial: number }>)
      .filter((index) => index.origin !== "pk")
      .map((index): IndexShape => {
        const keys = (sqlite.pragma(`index_xinfo("${index.name}")`) as Array<{ name: string | null; desc: number; key: number }>).filter((k) => k.key === 1);
        const definition = objects.find((o) => o.type === "index" && o.name === index.name)?.sql ?? "";
        const where = index.partial
          ? collapse(definition.slice(definition.indexOf("(") + insideParens(definition, definition.indexOf("(")).length + 2).replace(/^\s*WHERE\s+/i, ""))
          : null;
        return {
          name: index.name,
          columns: keys.map((k) => `${k.name ?? "<expression>"}${k.desc ? " DESC" : ""}`),
          unique: index.unique === 1,
          where,
          method: null,
        };
      });
    const foreignKeys = new Map<number, ForeignKeyShape>();
    for (const fk of sqlite.pragma(`foreign_key_list("${table.name}")`) as Array<{
      id: number;
      table: string;
      from: string;
      to: string;
      on_update: string;
      on_delete: string;
    }>) {
      const shape = foreignKeys.get(fk.id) ?? {
        columns: [],
        table: fk.table,
        references: [],
        onDelete: fk.on_delete.toUpperCase(),
        onUpdate: fk.on_update.toUpperCase(),
      };
      shape.columns.push(fk.from);
      shape.references.push(fk.to);
      foreignKeys.set(fk.id, shape);
    }
    schema.set(table.name, {
      columns: info.map((c) => ({
        name: c.name,
        type: c.type.toLowerCase(),
        notNull: c.notnull === 1,
        default: c.dflt_value,
        generated: c.name === autoincrement ? "autoincrement" : null,
      })),
      primaryKey: info
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      checks: checksOf(sql),
      indexes,
      foreignKeys: [...foreignKeys.values()],
      triggers: objects.filter((o) => o.type === "trigger" && o.tableName === table.name).map((o) => sqliteTrigger(o.sql!)),
    });
  }
  return schema;
}

const FK_ACTIONS: Record<string, string> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

/** The refusal a trigger function's body is, or its name when it does more. */
function pgTriggerAction(name: string, source: string): string {
  const raises = collapse(source).match(/^BEGIN RAISE EXCEPTION '((?:[^']|'')*)'(?: USING [^;]*)?; END;?$/i);
  return raises ? `raises '${raises[1]}'` : `runs ${name}()`;
}

export async function readPgSchema(client: pg.Client, skip: readonly string[]): Promise<SchemaShape> {
  const rows = async <R>(text: string) => (await client.query(text)).rows as R[];
  const schema: SchemaShape = new Map();
  const tables = await rows<{ oid: number; name: string }>(
    "SELECT c.oid::int AS oid, c.relname AS name FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')",
  );
  const columns = await rows<{ table: string; name: string; type: string; nullable: string; default: string | null; identity: string | null }>(
    "SELECT table_name AS table, column_name AS name, data_type AS type, is_nullable AS nullable, column_default AS default, identity_generation AS identity FROM information_schema.columns WHERE table_schema = 'public'",
  );
  const constraints = await rows<{
    table: number;
    name: string;
    kind: string;
    definition: string;
    columns: string[] | null;
    target: string | null;
    references: string[] | null;
    onDelete: string;
    onUpdate: string;
  }>(`
    SELECT conrelid::int AS table, conname AS name, contype AS kind, pg_get_constraintdef(oid) AS definition, confdeltype AS "onDelete", confupdtype AS "onUpdate",
      (SELECT array_agg(a.attname::text ORDER BY k.n) FROM unnest(conkey) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a ON a.attrelid = conrelid AND a.attnum = k.attnum) AS columns,
      confrelid::regclass::text AS target,
      (SELECT array_agg(a.attname::text ORDER BY k.n) FROM unnest(confkey) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a ON a.attrelid = confrelid AND a.attnum = k.attnum) AS references
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace`);
  const indexes = await rows<{
    table: number;
    name: string;
    unique: boolean;
    primary: boolean;
    columns: string[];
    where: string | null;
    method: string;
    nullsNotDistinct: boolean;
  }>(`
    SELECT i.indrelid::int AS table, c.relname AS name, i.indisunique AS unique, i.indisprimary AS primary, am.amname AS method, i.indnullsnotdistinct AS "nullsNotDistinct",
      (SELECT array_agg(pg_get_indexdef(i.indexrelid, k, true) ORDER BY k) FROM generate_series(1, i.indnkeyatts) k) AS columns,
      pg_get_expr(i.indpred, i.indrelid) AS where
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam WHERE c.relnamespace = 'public'::regnamespace`);
  const triggers = await rows<{ table: number; definition: string; function: string; source: string }>(`
    SELECT t.tgrelid::int AS table, pg_get_triggerdef(t.oid) AS definition, p.proname AS function, p.prosrc AS source
    FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal`);

  for (const table of tables.filter((t) => !skip.includes(t.name))) {
    const own = constraints.filter((c) => c.table === table.oid);
    // Unique constraints are read as their indexes; an exclusion or constraint trigger would need reading of its own.
    const unread = own.filter((c) => !["p", "c", "f", "u"].includes(c.kind));
    if (unread.length > 0) throw new Error(`constraints this reader does not understand: ${unread.map((c) => c.definition).join("; ")}`);
    schema.set(table.name, {
      columns: columns
        .filter((c) => c.table === table.name)
        .map((c) => ({
          name: c.name,
          type: c.type,
          notNull: c.nullable === "NO",
          default: c.default,
          generated: c.identity ? `identity ${c.identity.toLowerCase()}` : null,
        })),
      primaryKey: own.find((c) => c.kind === "p")?.columns ?? [],
      checks: own.filter((c) => c.kind === "c").map((c) => ({ name: c.name, expression: c.definition.replace(/^CHECK \(([\s\S]*)\)( NOT VALID)?$/, "$1") })),
      indexes: indexes
        .filter((i) => i.table === table.oid && !i.primary)
        .map((i) => ({
          name: i.name,
          columns: i.columns,
          unique: i.unique,
          where: i.where,
          method: [i.method === "btree" ? "" : i.method, i.nullsNotDistinct ? "nulls not distinct" : ""].filter(Boolean).join(", ") || null,
        })),
      foreignKeys: own
        .filter((c) => c.kind === "f")
        .map((c) => ({
          columns: c.columns!,
          table: c.target!.replace(/^public\./, "").replace(/"/g, ""),
          references: c.references!,
          onDelete: FK_ACTIONS[c.onDelete],
          onUpdate: FK_ACTIONS[c.onUpdate],
        })),
      triggers: triggers
        .filter((t) => t.table === table.oid)
        .flatMap((t) => {
          const match = t.definition.match(/TRIGGER \S+ (BEFORE|AFTER|INSTEAD OF) (.+?) ON \S+ .*?FOR EACH (ROW|STATEMENT)(?: WHEN \((.*)\))? EXECUTE/);
          if (!match) throw new Error(`a trigger this reader does not understand: ${t.definition}`);
          return match[2].split(" OR ").map((event) => ({
            timing: match[1],
            event: triggerEvent(event),
            level: match[3] as "ROW" | "STATEMENT",
            when: match[4] ?? null,
            action: pgTriggerAction(t.function, t.source),
          }));
        }),
    });
  }
  return schema;
}
