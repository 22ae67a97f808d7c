/**
 * Every connection of the server's to PostgreSQL is cut again and again (pg_terminate_backend)
 * while a load of mutations and queries runs: each failure is the typed, retryable
 * SERVICE_UNAVAILABLE, on the fast path (compiled and direct runs, the response cache) and without
 * it; no connection's error goes unheard (the process would crash); no log line carries a query's
 * parameters.
 */
import { Writable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import { PgStore } from "../src/store/postgres/store.js";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, type TestServer } from "./helpers.js";
import { createTestDatabase, describePostgres, postgresAvailable, type TestDatabase } from "./stores.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A secret-looking value sent as a query parameter: it must never reach a log line. */
const MARKER = "never-logged-0f3a9c";

interface Failure {
  status: number;
  code: unknown;
  retryable: unknown;
  outcomeUnknown: unknown;
  message: string;
}

describePostgres.each([
  ["on the fast path", true],
  ["with FAST_PATH=false", false],
] as const)("PostgreSQL connections cut mid-load %s", (_name, fastPath) => {
  let server: TestServer;
  let database: TestDatabase;
  const lines: string[] = [];
  beforeAll(async () => {
    if (!postgresAvailable) return;
    database = await createTestDatabase();
    const store = await PgStore.open(database.url, { max: 6 });
    const destination = new Writable({ write: (chunk, _encoding, done) => (lines.push(...String(chunk).split("\n").filter(Boolean)), done()) });
    server = await startTestServer({ store, logger: createLogger("info", destination), config: { fastPath } });
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it("answers only SERVICE_UNAVAILABLE with retryable (and outcomeUnknown where a commit may have happened), and logs no query parameters", async () => {
    const buyer = await createTestAccount(server, "Cut", "100000");
    const admin = { "x-api-key": TEST_ADMIN_KEY };
    const failures: Failure[] = [];
    let answered = 0;
    /** Refused jobCreate keys, and whether the refusal said the outcome is unknown. */
    const refusedCreates = new Map<string, boolean>();
    const note = async (request: Promise<Awaited<ReturnType<TestServer["gql"]>>>) => {
      const { status, body } = await request;
      answered++;
      for (const error of body.errors ?? []) {
        const { code, retryable, outcomeUnknown } = error.extensions ?? {};
        failures.push({ status, code, retryable, outcomeUnknown, message: error.message });
      }
      return body.data;
    };
    const operations: Array<(n: number) => Promise<unknown>> = [
      async (n) => {
        const k = `${MARKER}-${n}`;
        const before = failures.length;
        const data = (await note(
          server.gql(`mutation ($k: String!) { jobCreate(input: { credits: "1", idempotencyKey: $k }) { job { id } userErrors { code } } }`, { k }, buyer.key),
        )) as any;
        if (!data?.jobCreate)
          refusedCreates.set(
            k,
            failures.slice(before).some((f) => f.outcomeUnknown === true),
          );
      },
      // Anonymous: the response cache's path (it needs the catalog only, so it keeps answering).
      () => note(server.gql(`{ estimate(input: { productId: "ugen/video-generation", modelId: "veo3_fast" }) { totalCredits } }`)),
      () => note(server.gql(`query Wallet { viewer { balance reserved available jobs(first: 3) { nodes { id status } } } }`, undefined, buyer.key)),
      () => note(server.gql(`query Activity($first: Int!) { viewer { transactions(first: $first) { nodes { id type } } } }`, { first: 2 }, buyer.key)),
      (n) =>
        note(
          server.gql(
            `mutation ($id: ID!, $reason: String!) { creditsGrant(input: { accountId: $id, provider: "ugen", credits: "1", reason: $reason }) { userErrors { code } } }`,
            { id: buyer.accountId, reason: `${MARKER}-grant-${n}` },
            admin,
          ),
        ),
      async (n) => {
        const data = (await note(
          server.gql(`mutation ($k: String!) { jobCreate(input: { credits: "2", idempotencyKey: $k }) { job { id } } }`, { k: `${MARKER}-c-${n}` }, buyer.key),
        )) as any;
        const jobId = data?.jobCreate?.job?.id;
        if (jobId)
          await note(
            server.gql(`mutation ($id: ID!) { jobComplete(input: { jobId: $id, consumedCredits: "1" }) { job { status } } }`, { id: jobId }, buyer.key),
          );
      },
    ];
    // Warm up: each operation answered twice, so the fast path compiles and runs them directly.
    for (let n = 0; n < 3; n++) for (const operation of operations) await operation(n);
    expect(failures).toEqual([]);

    let running = true;
    const killer = new pg.Client({ connectionString: database.url, application_name: "connection cutter" });
    await killer.connect();
    const cuts = (async () => {
      let cut = 0;
      while (running) {
        const { rowCount } = await killer.query(
          `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and application_name like 'pricing-account-api%'`,
        );
        cut += rowCount ?? 0;
        await sleep(40 + Math.random() * 80);
      }
      return cut;
    })();
    const worker = async (w: number) => {
      for (let n = 0; running; n++) await operations[(w + n) % operations.length](1000 * (w + 1) + n);
    };
    const workers = [0, 1, 2, 3, 4, 5].map(worker);
    await sleep(4_000);
    running = false;
    await Promise.all(workers);
    const cut = await cuts;
    // A refused change that was committed after all must have said so (outcomeUnknown).
    const { rows } = await killer.query<{ key: string }>(`select key from idempotency_keys where key = any($1)`, [[...refusedCreates.keys()]]);
    const committedUnsaid = rows.map((row) => row.key).filter((k) => !refusedCreates.get(k));
    await killer.end();
    expect(committedUnsaid).toEqual([]);

    expect(cut).toBeGreaterThan(10);
    expect(answered).toBeGreaterThan(40);
    expect(failures.length).toBeGreaterThan(0);
    const unexpected = failures.filter((f) => f.code !== "SERVICE_UNAVAILABLE" || f.retryable !== true || f.status !== 503);
    expect(unexpected.slice(0, 5)).toEqual([]);
    // outcomeUnknown only ever says true, and only where a change was being committed.
    for (const failure of failures) expect([undefined, true]).toContain(failure.outcomeUnknown);
    expect(lines.filter((line) => line.includes(MARKER) || /params:/.test(line))).toEqual([]);
    expect(lines.filter((line) => line.includes('"level":"error"'))).toEqual([]);
    expect(await server.audit()).toEqual([]);
  }, 60_000);
});
