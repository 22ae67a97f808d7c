/**
 * The operator's commands as an operator runs them, the real `npm run` in a child process, over a
 * SQLite file and over a PostgreSQL database: `npm run migrate` migrates a new database and then
 * finds nothing to do; `npm run audit` passes a store that a running server filled through the
 * API (exit 0, the summary), and names the wallet and the mismatch once a row is corrupted with
 * raw SQL (exit 1); a store it cannot audit is exit 2.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgStore } from "../src/store/postgres/store.js";
import { SqliteStore } from "../src/store/sqlite/store.js";
import type { Store } from "../src/store/store.js";
import { createTestAccount, startTestServer, type TestServer } from "./helpers.js";
import { createTestDatabase, describePostgres, rawRow, rawRun, type TestDatabase } from "./stores.js";

const root = new URL("..", import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), "pricing-operator-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const journal = (kind: string) => JSON.parse(readFileSync(join(root, "drizzle", kind, "meta", "_journal.json"), "utf8")).entries.length as number;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run -s <script>` with the store's variables, as an operator's shell runs it. */
function npmRun(script: "migrate" | "audit", store: { DATABASE_PATH?: string; DATABASE_URL?: string }): Promise<Ran> {
  const env = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_PATH: store.DATABASE_PATH ?? join(directory, "unused.db"),
    DATABASE_URL: store.DATABASE_URL ?? "",
  };
  return new Promise((resolve) => {
    execFile("npm", ["run", "-s", script], { cwd: root, env, timeout: 240_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// The first command may compile dist/ (the same build `npm start` makes): once, before the timed tests.
beforeAll(async () => {
  const built = await new Promise<Ran>((resolve) =>
    execFile(process.execPath, ["scripts/ensure-build.mjs", "dist/scripts/audit.js"], { cwd: root, timeout: 280_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
    ),
  );
  expect(built, built.stderr).toMatchObject({ code: 0 });
}, 300_000);

interface Kind {
  name: string;
  migrations: number;
  /** A new, empty database and the variables that name it. */
  create(): Promise<{ env: { DATABASE_PATH?: string; DATABASE_URL?: string }; open(): Promise<Store>; drop(): Promise<void> }>;
}

const sqlite: Kind = {
  name: "SQLite",
  migrations: journal("sqlite"),
  async create() {
    const path = join(directory, `store-${Math.random().toString(36).slice(2)}.db`);
    return { env: { DATABASE_PATH: path }, open: async () => SqliteStore.open(path), drop: async () => undefined };
  },
};

const postgres: Kind = {
  name: "PostgreSQL",
  migrations: journal("pg"),
  async create() {
    const database: TestDatabase = await createTestDatabase();
    return { env: { DATABASE_URL: database.url }, open: () => PgStore.open(database.url, { max: 3 }), drop: () => database.drop() };
  },
};

function operatorCommands(kind: Kind, describeKind: typeof describePostgres) {
  describeKind(`npm run migrate and npm run audit over ${kind.name}`, () => {
    let db: Awaited<ReturnType<Kind["create"]>>;
    let server: TestServer;
    let spender: string;
    let saver: string;

    beforeAll(async () => {
      db = await kind.create();
    });
    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    it("migrates a new database, then finds it up to date", async () => {
      const first = await npmRun("migrate", db.env);
      expect(first, first.stderr).toMatchObject({ code: 0 });
      expect(first.stdout).toMatch(
        new RegExp(`^migrate: ${kind.name} .*: ${kind.migrations} migration\\(s\\) applied \\(${kind.migrations} in this build\\)\\n$`),
      );
      const again = await npmRun("migrate", db.env);
      expect(again, again.stderr).toMatchObject({ code: 0 });
      expect(again.stdout).toContain(": already up to date");
    }, 120_000);

    it("passes a store a running server filled through the API: exit 0 and the summary", async () => {
      server = await startTestServer({ store: await db.open() });
      const a = await createTestAccount(server, "Spender", "100");
      const b = await createTestAccount(server, "Saver", "50", "creatify");
      spender = a.accountId;
      saver = b.accountId;
      // A reserved job: holds on a grant, which the audit checks too.
      const job = await server.gql(`mutation { jobCreate(input: { credits: "30" }) { job { status } userErrors { code } } }`, undefined, a.key);
      expect(job.body.data.jobCreate).toEqual({ job: { status: "RESERVED" }, userErrors: [] });
      expect(await server.audit()).toEqual([]);

      const audit = await npmRun("audit", db.env);
      expect(audit, audit.stderr).toMatchObject({ code: 0, stderr: "" });
      expect(audit.stdout).toMatch(new RegExp(`^audit: ${kind.name} .*: 2 account\\(s\\), 2 wallet\\(s\\) checked, no problems\\n$`));
    }, 120_000);

    it("names the wallet and the mismatch of a grant and a wallet corrupted with raw SQL: exit 1", async () => {
      const store = server.store;
      const grant = await rawRow<{ id: string; remaining: number }>(
        store,
        "SELECT id, remaining_micros AS remaining FROM credit_grants WHERE account_id = ?",
        spender,
      );
      await rawRun(store, "UPDATE credit_grants SET remaining_micros = remaining_micros - 1000000 WHERE id = ?", grant!.id);
      await rawRun(store, "UPDATE wallets SET owed_micros = 2000000 WHERE account_id = ?", saver);

      const audit = await npmRun("audit", db.env);
      expect(audit.code).toBe(1);
      const problems = audit.stdout.split("\n").filter((line) => line.startsWith("problem: "));
      expect(problems).toContain(`problem: ${spender}/ugen: balance 100000000 != grants' remaining 99000000`);
      expect(problems).toContain(`problem: ${spender}/ugen grant ${grant!.id}: remaining 99000000 != its entries' 100000000`);
      expect(problems).toContain(`problem: ${saver}/creatify: owed 2000000 != grants' owed 0`);
      // Every line names its wallet first; the summary counts them.
      for (const line of problems) expect(line).toMatch(new RegExp(`^problem: (${spender}/ugen|${saver}/creatify)[ :]`));
      expect(audit.stdout).toMatch(new RegExp(`\\naudit: ${kind.name} .*: 2 account\\(s\\), 2 wallet\\(s\\) checked, ${problems.length} problem\\(s\\)\\n$`));
    }, 120_000);
  });
}

operatorCommands(sqlite, describe);
operatorCommands(postgres, describePostgres);

describe("npm run audit, where it cannot audit: exit 2 and why", () => {
  it("a SQLite file that does not exist is not created", async () => {
    const path = join(directory, "missing.db");
    const audit = await npmRun("audit", { DATABASE_PATH: path });
    expect(audit).toMatchObject({ code: 2, stdout: "" });
    expect(audit.stderr).toBe(`audit: SQLite ${path}: could not audit: no such database file\n`);
    expect(() => readFileSync(path)).toThrow();
  }, 120_000);

  describePostgres("over PostgreSQL", () => {
    it("a database behind this build's migrations is not migrated", async () => {
      const database = await createTestDatabase();
      try {
        const audit = await npmRun("audit", { DATABASE_URL: database.url });
        expect(audit).toMatchObject({ code: 2, stdout: "" });
        expect(audit.stderr).toContain(`could not audit: the database is ${journal("pg")} migration(s) behind this build: run \`npm run migrate\``);
      } finally {
        await database.drop();
      }
    }, 120_000);
  });
});
