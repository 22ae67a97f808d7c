/**
 * `npm run bench`: throughput and latency of three workloads, each as a ratio against a raw
 * node:http server doing the same work, measured in the same run.
 *
 * Servers run in child processes pinned to core 0; this process (the load, autocannon) runs on
 * core 1. Each workload: 10 connections, no pipelining, a warm-up, then three measured rounds
 * interleaved between the two servers; the median round is reported. The ledger runs once more
 * over PostgreSQL (BENCH_DATABASE_URL, a scratch database per server), and the estimate workload
 * once more against two nodes sharing the load.
 */
import "reflect-metadata";
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import pg from "pg";
import { createCatalogLoaders } from "../src/catalog/loaders.js";
import { CatalogRepository } from "../src/catalog/repository.js";
import { loadPricingProduct } from "../src/estimates/service.js";
import { estimate } from "../src/pricing/engine.js";
import { CATALOG_QUERY, ESTIMATE_INPUT, ESTIMATE_QUERY, benchCatalog, JOB_COMPLETE, JOB_CREATE } from "./fixtures.js";

const ROUNDS = 3;
const WARMUP_SECONDS = 2;
const MEASURE_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;
const hasTaskset = spawnSync("taskset", ["-V"]).status === 0;

if (hasTaskset && !process.env.BENCH_PINNED) {
  // Re-run this script pinned to core 1, away from the servers on core 0.
  const result = spawnSync("taskset", ["-c", "1", process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, BENCH_PINNED: "1" },
  });
  process.exit(result.status ?? 1);
}

interface Server {
  child: ChildProcess;
  base: string;
  /** The bench accounts' keys: each connection of a ledger workload takes one, in turn. */
  apiKeys: string[];
}

/**
 * `checkout`: another build's folder (BENCH_COMPARE), to measure it in the same run. V8's memory
 * reducer is off: a server that idled before its round would otherwise run it slower.
 */
async function startServer(kind: "graphql" | "raw", databasePath: string, checkout = ".", core = 0, accounts = 1): Promise<Server> {
  // As deployed: compiled JavaScript (`npm run bench` builds first), not through tsx's loader, and
  // NODE_ENV=production, which also turns off graphql-js's development-only checks.
  const command = [process.execPath, "--no-memory-reducer", join(checkout, "dist/bench/servers.js"), kind, databasePath];
  const options: SpawnOptions = {
    cwd: checkout,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_ENV: "production", BENCH_ACCOUNTS: String(accounts) },
  };
  const child = hasTaskset ? spawn("taskset", ["-c", String(core), ...command], options) : spawn(command[0], command.slice(1), options);
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      const port = output.match(/PORT (\d+)/)?.[1];
      const apiKeys = output.match(/KEYS (\S+)/)?.[1]?.split(",");
      if (port && apiKeys) resolve({ child, base: `http://127.0.0.1:${port}`, apiKeys });
    });
    child.on("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

const json = { "content-type": "application/json" };
let bodyErrors = 0;
/** A 200 that carries an error is a failure too. */
const checkBody = (_status: number, body: string) => {
  if (body.includes('"errors":[') || body.includes('"userErrors":[{') || body.includes("unauthenticated")) bodyErrors++;
};

interface Workload {
  name: string;
  description: string;
  target: number;
  /** Servers of its own: over PostgreSQL, one node against two (the same build), or a node with live listeners against one without, instead of against raw. */
  servers?: "postgres" | "two-nodes" | "live" | "live-fanout";
  /** Accounts the connections spread over (each its own wallet); 1 unless said. */
  accounts?: number;
  /** Its p99 target, in ms (15 unless said). */
  p99Target?: number;
  /** The target is this share of another workload's ratio, measured before it in the same run. */
  relativeTo?: { workload: string; share: number };
  graphql: (server: Server) => autocannon.Request[];
  raw: (server: Server) => autocannon.Request[];
}

const graphqlBody = (query: string, variables?: unknown) => JSON.stringify({ query, variables });

/** The representative estimate with a fresh duration (1 to 86400 s, to the millisecond), so responses cannot be cached. */
const estimateInput = () => ({
  ...ESTIMATE_INPUT,
  parameters: [{ name: "durationSeconds", value: (1 + Math.floor(Math.random() * 86_399_000) / 1000).toFixed(3) }, ESTIMATE_INPUT.parameters[1]],
});

const estimateGraphql = (): autocannon.Request[] => [
  {
    method: "POST",
    path: "/graphql",
    headers: json,
    setupRequest: (r) => ({ ...r, body: graphqlBody(ESTIMATE_QUERY, { input: estimateInput() }) }),
    onResponse: checkBody,
  },
];

/** Each connection's key (autocannon's context is per connection): the server's accounts, in turn. */
function connectionKeys(server: Server): (context: object) => string {
  let next = 0;
  return (context) => ((context as { key?: string }).key ??= server.apiKeys[next++ % server.apiKeys.length]);
}

/** The ledger pair: jobCreate, then jobComplete of the job it made, as GraphQL or as the raw server's routes. */
function ledgerRequests(
  server: Server,
  paths: { create: string; complete: string },
  bodies: { create: string; complete: (jobId?: string) => string },
): autocannon.Request[] {
  const keyOf = connectionKeys(server);
  const headers = (context: object) => ({ ...json, "x-api-key": keyOf(context) });
  return [
    {
      method: "POST",
      path: paths.create,
      setupRequest: (request, context: object) => ({ ...request, headers: headers(context), body: bodies.create }),
      onResponse: (status, body, context: object) => {
        checkBody(status, body);
        (context as { jobId?: string }).jobId = JSON.parse(body).data?.jobCreate?.job?.id;
      },
    },
    {
      method: "POST",
      path: paths.complete,
      setupRequest: (request, context: object) => ({ ...request, headers: headers(context), body: bodies.complete((context as { jobId?: string }).jobId) }),
      onResponse: checkBody,
    },
  ];
}

const ledgerGraphql = (server: Server) =>
  ledgerRequests(
    server,
    { create: "/graphql", complete: "/graphql" },
    { create: graphqlBody(JOB_CREATE), complete: (id) => graphqlBody(JOB_COMPLETE, { id }) },
  );

const ledgerRaw = (server: Server) =>
  ledgerRequests(server, { create: "/job-create", complete: "/job-complete" }, { create: "{}", complete: (jobId) => JSON.stringify({ jobId }) });

const workloads: Workload[] = [
  {
    name: "catalog",
    description: "all providers -> models -> variants; baseline returns the same bytes",
    target: 0.35,
    graphql: () => [{ method: "POST", path: "/graphql", headers: json, body: graphqlBody(CATALOG_QUERY), onResponse: checkBody }],
    raw: () => [{ method: "POST", path: "/catalog", headers: json, body: "{}", onResponse: checkBody }],
  },
  {
    name: "estimate",
    description: "subclip/viral-captions, a random duration per request (no two alike), face tracking, 2 generations; baseline calls the same pricing function",
    target: 0.35,
    graphql: estimateGraphql,
    raw: () => [
      { method: "POST", path: "/estimate", headers: json, setupRequest: (r) => ({ ...r, body: JSON.stringify(estimateInput()) }), onResponse: checkBody },
    ],
  },
  {
    name: "estimate-apollo-client",
    description: "the estimate as Apollo Client 4 sends it (Accept: application/graphql-response+json, operationName, extensions.clientLibrary)",
    target: 0.35,
    relativeTo: { workload: "estimate", share: 0.9 },
    graphql: () => [
      {
        method: "POST",
        path: "/graphql",
        headers: { ...json, accept: "application/graphql-response+json,application/json;q=0.9" },
        setupRequest: (r) => ({
          ...r,
          body: JSON.stringify({
            operationName: "Estimate",
            variables: { input: estimateInput() },
            extensions: { clientLibrary: { name: "@apollo/client", version: "4.0.0" } },
            query: ESTIMATE_QUERY,
          }),
        }),
        onResponse: checkBody,
      },
    ],
    raw: () => [
      { method: "POST", path: "/estimate", headers: json, setupRequest: (r) => ({ ...r, body: JSON.stringify(estimateInput()) }), onResponse: checkBody },
    ],
  },
  {
    name: "floor",
    description:
      "{ __typename } with a key (no response cache) against the estimate baseline: the server's own cost per request, for an operation that does nothing",
    target: 0,
    graphql: () => [
      { method: "POST", path: "/graphql", headers: { ...json, "x-api-key": "not-a-key" }, body: graphqlBody("{ __typename }"), onResponse: checkBody },
    ],
    raw: () => [
      { method: "POST", path: "/estimate", headers: json, setupRequest: (r) => ({ ...r, body: JSON.stringify(estimateInput()) }), onResponse: checkBody },
    ],
  },
  {
    name: "ledger",
    description:
      "jobCreate then jobComplete (SQLite file, WAL, group commit, fsync before answering); baseline runs the same ledger services over the same store",
    target: 0.5,
    graphql: ledgerGraphql,
    raw: ledgerRaw,
  },
  {
    name: "ledger-postgres",
    description:
      "the same pair over PostgreSQL (one READ COMMITTED transaction per mutation, the wallet's row locked), each connection its own account; baseline runs the same ledger services, the same SQL through the same driver",
    target: 0.5,
    servers: "postgres",
    accounts: CONNECTIONS,
    p99Target: 20,
    graphql: ledgerGraphql,
    raw: ledgerRaw,
  },
  {
    name: "ledger-postgres-one-wallet",
    description: "the same, every connection on one account: each change waits for the wallet's row lock, held for the transaction's round trips",
    target: 0,
    servers: "postgres",
    graphql: ledgerGraphql,
    raw: ledgerRaw,
  },
  {
    name: "ledger-live",
    description:
      "the ledger pair over 100 accounts (the load on 10 of them) with 100 graphql-ws subscribers, one per account, to walletChanged, and one webhook endpoint (a local receiver) for every event of one account, against the same without them",
    target: 0.8,
    servers: "live",
    accounts: 100,
    // The issue's target is the ratio; this bounds the tail (the server without listeners: about 25 ms here).
    p99Target: 40,
    graphql: ledgerGraphql,
    raw: ledgerGraphql,
  },
  {
    name: "ledger-live-fanout",
    description: "the same with all 100 subscribers on one account that the whole load runs on: every event is pushed 100 times",
    target: 0,
    servers: "live-fanout",
    graphql: ledgerGraphql,
    raw: ledgerGraphql,
  },
  {
    name: "estimate-two-nodes",
    description:
      "the estimate workload against one node, and against two nodes sharing the 10 connections (the second pinned to the load's core: this machine has two)",
    target: 0,
    servers: "two-nodes",
    graphql: estimateGraphql,
    raw: estimateGraphql,
  },
];

interface Measurement {
  requestsPerSecond: number;
  p99: number;
  failures: number;
  /** The server's CPU time (user + system) per request, in µs: far steadier than req/s on a shared VM. */
  cpuMicros: number;
}

/** A process's CPU time so far, in µs (Linux /proc; 0 elsewhere). */
function cpuMicrosOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"]).stdout?.toString().trim()) || 100;

/** Load spread over `servers` (the connections shared between them) for `seconds`. */
async function load(servers: Server[], requestsOf: (server: Server) => autocannon.Request[], seconds: number): Promise<Measurement> {
  const before = bodyErrors;
  const cpuBefore = servers.map((server) => cpuMicrosOf(server.child.pid));
  const connections = Math.max(1, Math.floor(CONNECTIONS / servers.length));
  const results = await Promise.all(
    servers.map((server) => autocannon({ url: server.base, requests: requestsOf(server), connections, pipelining: 1, duration: seconds })),
  );
  const total = results.reduce((n, result) => n + result.requests.total, 0);
  const cpu = servers.reduce((sum, server, i) => sum + cpuMicrosOf(server.child.pid) - cpuBefore[i], 0);
  return {
    requestsPerSecond: results.reduce((n, result) => n + result.requests.average, 0),
    p99: Math.max(...results.map((result) => result.latency.p99)),
    failures: results.reduce((n, result) => n + result.non2xx + result.errors + result.timeouts, 0) + (bodyErrors - before),
    cpuMicros: cpu / Math.max(1, total),
  };
}

/** Scratch PostgreSQL databases on BENCH_DATABASE_URL's server (the test server by default), dropped by the returned function. */
async function postgresDatabases(count: number): Promise<{ urls: string[]; drop: () => Promise<void> }> {
  const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  const names = Array.from({ length: count }, () => `bench_${randomBytes(6).toString("hex")}`);
  for (const name of names) await admin.query(`CREATE DATABASE ${name}`);
  const urls = names.map((name) => {
    const url = new URL(server);
    url.pathname = `/${name}`;
    return url.toString();
  });
  return {
    urls,
    drop: async () => {
      for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function inProcessEstimates(): Promise<number> {
  const database = benchCatalog();
  const { pricing } = (await loadPricingProduct(createCatalogLoaders(new CatalogRepository(database.db)), ESTIMATE_INPUT.productId))!;
  const run = (ms: number) => {
    let count = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      for (let i = 0; i < 100; i++) estimate(pricing, ESTIMATE_INPUT);
      count += 100;
    }
    return count / (ms / 1000);
  };
  run(500); // warm-up: let the JIT settle
  const rate = median(Array.from({ length: ROUNDS }, () => run(1000)));
  database.close();
  return rate;
}

interface Target {
  name: string;
  servers: Server[];
  requests: (server: Server) => autocannon.Request[];
}

/**
 * `count` graphql-ws subscribers to walletChanged of the server's bench account, and one webhook
 * endpoint for every event to a receiver answering 204, all in this process (on the load's core).
 */
async function listenTo(server: Server, count: number, withEndpoint: boolean) {
  // One subscriber per account, in turn (with one account, all on it); the endpoint on the first.
  const key = server.apiKeys[0];
  const keyOf = (i: number) => server.apiKeys[i % server.apiKeys.length];
  let pushed = 0;
  let delivered = 0;
  let lastDeliveryAt = 0;
  const receiver = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      delivered++;
      lastDeliveryAt = performance.now();
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const created = !withEndpoint
    ? null
    : await fetch(`${server.base}/graphql`, {
        method: "POST",
        headers: { ...json, "x-api-key": key },
        body: graphqlBody(`mutation ($url: String!) { webhookEndpointCreate(input: { url: $url }) { userErrors { message } } }`, { url }),
      });
  const errors = created ? JSON.stringify(await created.json()) : "";
  if (errors.includes('"message"')) throw new Error(`the bench's webhook endpoint was refused: ${errors}`);
  const clients = Array.from({ length: count }, (_, i) =>
    createClient({ url: `${server.base.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, connectionParams: { apiKey: keyOf(i) }, lazy: false }),
  );
  const started = clients.map(
    (client) =>
      new Promise<void>((resolve, reject) => {
        client.on("connected", () => resolve());
        client.subscribe({ query: `subscription { walletChanged { available } }` }, { next: () => void pushed++, error: reject, complete: () => undefined });
      }),
  );
  await Promise.all(started);
  return {
    pushed: () => pushed,
    delivered: () => delivered,
    /** After the load: waits until no delivery came for a second (at most a minute); the backlog it had and how long it took. */
    drain: async () => {
      const [before, started] = [delivered, performance.now()];
      while (performance.now() - Math.max(lastDeliveryAt, started) < 1000 && performance.now() - started < 60_000)
        await new Promise((resolve) => setTimeout(resolve, 100));
      return { backlog: delivered - before, seconds: Math.max(0, lastDeliveryAt - started) / 1000 };
    },
    close: async () => {
      await Promise.all(clients.map((client) => client.dispose()));
      await new Promise((resolve) => receiver.close(resolve));
    },
  };
}

/** The servers of a workload that has its own (PostgreSQL, or a second node), and how to stop them. */
async function serversOf(workload: Workload, directory: string, first: Server): Promise<{ targets: Target[]; stop: () => Promise<void> } | null> {
  if (workload.servers === "postgres") {
    const databases = await postgresDatabases(2);
    const raw = await startServer("raw", databases.urls[0], ".", 0, workload.accounts);
    const graphql = await startServer("graphql", databases.urls[1], ".", 0, workload.accounts);
    return {
      targets: [
        { name: "raw node:http", servers: [raw], requests: workload.raw },
        { name: "GraphQL", servers: [graphql], requests: workload.graphql },
      ],
      stop: async () => {
        for (const server of [raw, graphql]) server.child.kill();
        await Promise.all([raw, graphql].map((server) => new Promise((resolve) => server.child.once("exit", resolve))));
        await databases.drop();
      },
    };
  }
  if (workload.servers === "live" || workload.servers === "live-fanout") {
    const quiet = await startServer("graphql", join(directory, `quiet-${workload.name}.db`), ".", 0, workload.accounts);
    const busy = await startServer("graphql", join(directory, `busy-${workload.name}.db`), ".", 0, workload.accounts);
    // BENCH_LIVE=subscribers or =webhook measures one of the two alone, to see what each costs.
    const listeners = await listenTo(busy, process.env.BENCH_LIVE === "webhook" ? 0 : 100, process.env.BENCH_LIVE !== "subscribers");
    return {
      targets: [
        { name: "no listeners", servers: [quiet], requests: workload.graphql },
        { name: "100 subs + hook", servers: [busy], requests: workload.graphql },
      ],
      stop: async () => {
        const { backlog, seconds } = await listeners.drain();
        const during = listeners.delivered() - backlog;
        console.log(
          `  (the subscribers received ${listeners.pushed()} pushes; the receiver ${during} deliveries during the load, then ${backlog} more in ${seconds.toFixed(1)} s)`,
        );
        await listeners.close();
        for (const server of [quiet, busy]) server.child.kill();
      },
    };
  }
  if (workload.servers === "two-nodes") {
    // The run's GraphQL server is the first node.
    const second = await startServer("graphql", join(directory, "second-node.db"), ".", 1);
    return {
      targets: [
        { name: "one node", servers: [first], requests: workload.graphql },
        { name: "two nodes", servers: [first, second], requests: workload.graphql },
      ],
      stop: async () => void second.child.kill(),
    };
  }
  return null;
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const compare = process.env.BENCH_COMPARE;
  console.log(`node ${process.version}; ${hasTaskset ? "servers pinned to core 0, load (autocannon) on core 1" : "taskset not found: unpinned"}`);
  console.log(`${CONNECTIONS} connections, no pipelining, ${WARMUP_SECONDS} s warm-up, ${ROUNDS} interleaved rounds of ${MEASURE_SECONDS} s, median round\n`);
  const directory = mkdtempSync(join(tmpdir(), "pricing-bench-"));
  const graphql = await startServer("graphql", join(directory, "graphql.db"));
  const raw = await startServer("raw", join(directory, "raw.db"));
  // Another build measured beside this one (e.g. the previous commit's checkout, built).
  const other = compare ? await startServer("graphql", join(directory, "other.db"), compare) : null;
  const row = (label: string, m: { rps: number; p99: number; failures: number; cpu: number }) =>
    console.log(
      `  ${label.padEnd(15)}${m.rps.toFixed(0).padStart(7)} req/s  p99 ${String(m.p99).padStart(3)} ms  CPU ${m.cpu.toFixed(0).padStart(5)} µs/req  failures ${m.failures}`,
    );
  let failed = false;
  const ratios = new Map<string, number>();
  try {
    for (const workload of workloads.filter((w) => !only || w.name === only || w.name.startsWith(`${only}-`))) {
      const own = await serversOf(workload, directory, graphql);
      const targets = own?.targets ?? [
        { name: "raw node:http", servers: [raw], requests: workload.raw },
        { name: "GraphQL", servers: [graphql], requests: workload.graphql },
        ...(other ? [{ name: "GraphQL (other)", servers: [other], requests: workload.graphql }] : []),
      ];
      for (const target of targets) await load(target.servers, target.requests, WARMUP_SECONDS);
      const rounds = targets.map(() => [] as Measurement[]);
      for (let round = 0; round < ROUNDS; round++) {
        for (const [index, target] of targets.entries()) rounds[index].push(await load(target.servers, target.requests, MEASURE_SECONDS));
      }
      await own?.stop();
      const [baseline, app, previous] = rounds.map((measurements) => ({
        rps: median(measurements.map((m) => m.requestsPerSecond)),
        p99: median(measurements.map((m) => m.p99)),
        cpu: median(measurements.map((m) => m.cpuMicros)),
        failures: measurements.reduce((n, m) => n + m.failures, 0),
      }));
      const ratio = app.rps / baseline.rps;
      ratios.set(workload.name, ratio);
      const reference = workload.relativeTo && ratios.get(workload.relativeTo.workload);
      const target = reference ? reference * workload.relativeTo!.share : workload.target;
      const p99Target = workload.p99Target ?? 15;
      const ok = ratio >= target && app.p99 < p99Target && app.failures === 0;
      if (workload.target > 0) failed ||= !ok;
      console.log(`${workload.name}: ${workload.description}`);
      row(targets[0].name, baseline);
      row(targets[1].name, app);
      if (previous) row("GraphQL (other)", previous);
      console.log(
        workload.target > 0
          ? `  ratio ${ratio.toFixed(2)} (target >= ${target.toFixed(2)}${reference ? `, ${workload.relativeTo!.share} of ${workload.relativeTo!.workload}'s` : ""}), p99 target < ${p99Target} ms: ${ok ? "met" : "NOT met"}`
          : `  ratio ${ratio.toFixed(2)} (informational)`,
      );
      if (previous) console.log(`  this build / other: ${(app.rps / previous.rps).toFixed(2)} req/s, ${(app.cpu / previous.cpu).toFixed(2)} CPU per request`);
      console.log("");
    }
    if (!only || only === "estimate") {
      console.log(`in-process pricing engine: ${(await inProcessEstimates()).toFixed(0)} estimates/s`);
    }
  } finally {
    for (const server of [graphql, raw, other]) server?.child.kill();
    rmSync(directory, { recursive: true, force: true });
  }
  console.log(failed ? "some targets are not met (see above)" : "all targets met");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
