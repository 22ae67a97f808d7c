/**
 * One store fault, every execution path: a read that fails because the database is unreachable is
 * the typed, retryable SERVICE_UNAVAILABLE through Apollo (graphql-js), the compiled executor
 * (graphql-jit), a direct run, and a live subscription; the response cache's anonymous reads are
 * not touched; no log line carries the failed query's parameters. The fault is raised both as the
 * store's own StoreUnavailableError and as a driver's error no unit of work wrapped.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import type { Store } from "../src/store/store.js";
import { StoreUnavailableError } from "../src/store/store.js";
import { createTestAccount, freshStore, readMetrics, startTestServer, type TestAccount, type TestServer } from "./helpers.js";
import { liveClient } from "./live-client.js";

/** A value sent as a query parameter: it must never reach a log line. */
const MARKER = "fault-marker-7c1e";

/** What a failed read throws: drizzle's wording ("Failed query: … params: …") over PostgreSQL's 57P01. */
const faults = {
  "the store's StoreUnavailableError": () => new StoreUnavailableError("the database is unreachable; retry shortly", { cause: driverFailure() }),
  "a driver's error the store did not wrap": () => driverFailure(),
};
function driverFailure(): Error {
  const driver = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });
  return new Error(`Failed query: select "id" from "accounts" where "id" = $1\nparams: ${MARKER}`, { cause: driver });
}

/**
 * The store, with every read (but of API keys: requests still authenticate) and transaction failing
 * while `fault` is set; with `faultAfterCommit`, from the next commit on.
 */
function faulty(store: Store): Store & { fault: (() => Error) | null; faultAfterCommit: (() => Error) | null } {
  const state = { fault: null as (() => Error) | null, afterCommit: null as (() => Error) | null };
  const failing = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, key) {
        const value = Reflect.get(object, key, object);
        if (typeof value === "function") {
          return (...args: unknown[]) => {
            if (state.fault) return Promise.reject(state.fault());
            return value.apply(object, args);
          };
        }
        return value !== null && typeof value === "object" ? failing(value) : value;
      },
    });
  const reads = new Proxy(store.reads, { get: (object, key) => (key === "apiKeys" ? Reflect.get(object, key) : failing(Reflect.get(object, key) as object)) });
  const wrapper = Object.create(store) as Store & { fault: (() => Error) | null; faultAfterCommit: (() => Error) | null };
  const transaction: Store["transaction"] = async (work) => {
    if (state.fault) throw state.fault();
    const result = await store.transaction(work);
    if (state.afterCommit) [state.fault, state.afterCommit] = [state.afterCommit, null];
    return result;
  };
  Object.defineProperties(wrapper, {
    reads: { value: reads },
    transaction: { value: transaction },
    fault: { get: () => state.fault, set: (fault: (() => Error) | null) => void (state.fault = fault) },
    faultAfterCommit: { get: () => state.afterCommit, set: (fault: (() => Error) | null) => void (state.afterCommit = fault) },
  });
  return wrapper;
}

const WALLET = `query Wallet { viewer { balance available } }`;
const ESTIMATE = `{ estimate(input: { productId: "ugen/video-generation", modelId: "veo3_fast" }) { totalCredits } }`;

describe.each([
  ["on the fast path", true],
  ["with FAST_PATH=false", false],
] as const)("a store fault %s", (_name, fastPath) => {
  let server: TestServer;
  let store: ReturnType<typeof faulty>;
  let buyer: TestAccount;
  const lines: string[] = [];
  beforeAll(async () => {
    store = faulty(freshStore());
    const destination = new Writable({ write: (chunk, _encoding, done) => (lines.push(...String(chunk).split("\n").filter(Boolean)), done()) });
    server = await startTestServer({ store, logger: createLogger("info", destination), config: { fastPath } });
    buyer = await createTestAccount(server, "Faulty", "10");
  });
  afterAll(() => server?.close());
  beforeEach(() => void (lines.length = 0));

  it.each(Object.entries(faults))("answers SERVICE_UNAVAILABLE, retryable, over HTTP on every use of an operation (%s)", async (_kind, fault) => {
    // Answered once by graphql-js, then compiled, then (on the fast path) run directly.
    for (let use = 0; use < 3; use++) expect((await server.gql(WALLET, undefined, buyer.key)).status).toBe(200);
    for (let use = 0; use < 3; use++) {
      store.fault = fault;
      const answer = await server.gql(WALLET, undefined, buyer.key);
      store.fault = null;
      expect({ status: answer.status, errors: answer.body.errors }).toMatchObject({
        status: 503,
        errors: [{ message: "the database is unreachable; retry shortly", extensions: { code: "SERVICE_UNAVAILABLE", retryable: true } }],
      });
      expect(answer.body.errors![0].extensions).not.toHaveProperty("outcomeUnknown");
    }
    // The anonymous estimate needs only the catalog, cached or not.
    store.fault = fault;
    for (let use = 0; use < 3; use++) expect((await server.gql(ESTIMATE)).body.data.estimate.totalCredits).toMatch(/^\d/);
    store.fault = null;
    expect(lines.filter((line) => line.includes(MARKER) || line.includes("params:"))).toEqual([]);
    expect(lines.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });

  it.each(Object.entries(faults))("says outcomeUnknown when a mutation's store fails after its change committed (%s)", async (_kind, fault) => {
    store.faultAfterCommit = fault;
    const answer = await server.gql(
      `mutation { jobCreate(input: { credits: "1", idempotencyKey: "after-commit-${_kind.length}-${fastPath}" }) { job { id } } }`,
      undefined,
      buyer.key,
    );
    store.fault = null;
    expect({ status: answer.status, errors: answer.body.errors }).toMatchObject({
      status: 503,
      errors: [{ extensions: { code: "SERVICE_UNAVAILABLE", retryable: true, outcomeUnknown: true } }],
    });
    // It was made: a retry with its key answers with that job, once.
    const retried = await server.gql(
      `mutation { jobCreate(input: { credits: "1", idempotencyKey: "after-commit-${_kind.length}-${fastPath}" }) { job { id } } }`,
      undefined,
      buyer.key,
    );
    expect(retried.body.data.jobCreate.job.id).toMatch(/^job_/);
  });

  it.each(Object.entries(faults))("answers SERVICE_UNAVAILABLE, retryable, to a live subscription (%s)", async (_kind, fault) => {
    const live = liveClient(server, { apiKey: buyer.apiKey });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      store.fault = fault;
      const jobs = live.subscribe(`subscription { jobChanged(jobId: "job_${MARKER}") { jobId } }`);
      await jobs.completed;
      store.fault = null;
      expect(jobs.errors).toMatchObject([
        { message: "the database is unreachable; retry shortly", extensions: { code: "SERVICE_UNAVAILABLE", retryable: true } },
      ]);
    } finally {
      store.fault = null;
      await live.dispose();
    }
    expect(lines.filter((line) => line.includes(MARKER) || line.includes("params:"))).toEqual([]);
    expect(lines.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });
});

describe("a store fault while reading the API key", () => {
  it("answers 503 SERVICE_UNAVAILABLE, and is logged and counted as any other error", async () => {
    const base = freshStore();
    let failing = false;
    const apiKeys = new Proxy(base.reads.apiKeys, {
      get: (object, key) => {
        const value = Reflect.get(object, key, object);
        return typeof value === "function" ? (...args: unknown[]) => (failing ? Promise.reject(driverFailure()) : value.apply(object, args)) : value;
      },
    });
    const store = Object.create(base) as Store;
    Object.defineProperty(store, "reads", { value: new Proxy(base.reads, { get: (object, key) => (key === "apiKeys" ? apiKeys : Reflect.get(object, key)) }) });
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk, _encoding, done) => (lines.push(...String(chunk).split("\n").filter(Boolean)), done()) });
    const server = await startTestServer({ store, logger: createLogger("info", destination) });
    try {
      const buyer = await createTestAccount(server, "Key lookup");
      const counted = async () => Number(/graphql_errors_total\{code="SERVICE_UNAVAILABLE"\} (\d+)/.exec(await readMetrics(server))?.[1] ?? 0);
      const before = await counted();
      failing = true;
      const answer = await server.gql(`{ viewer { id } }`, undefined, buyer.key);
      failing = false;
      expect({ status: answer.status, errors: answer.body.errors }).toMatchObject({
        status: 503,
        errors: [{ extensions: { code: "SERVICE_UNAVAILABLE", retryable: true } }],
      });
      expect(await counted()).toBe(before + 1);
      const logged = lines.map((line) => JSON.parse(line) as { level: number | string; message: string });
      expect(logged.filter((line) => line.message === "store unavailable")).toHaveLength(1);
      expect(lines.filter((line) => line.includes(MARKER) || line.includes("params:"))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
