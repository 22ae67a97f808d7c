/**
 * `npm run bench`: throughput and latency as ratios against a baseline measured in the same run.
 * Servers run in child processes pinned to core 0; this process (the load) is pinned to core 1.
 * Each workload: 10 connections, no pipelining; warm-up, then measured rounds interleaved across
 * servers, and the median of three rounds is reported.
 */
import "reflect-metadata";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import autocannon from "autocannon";
import { createCatalogLoaders } from "../src/catalog/loaders.js";
import { CatalogRepository } from "../src/catalog/repository.js";
import { loadPricingProduct } from "../src/estimates/service.js";
import { estimate } from "../src/pricing/engine.js";
import { ESTIMATE_INPUT, ESTIMATE_QUERY, freshDatabase } from "./fixtures.js";

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

interface Target {
  name: string;
  child: ChildProcess;
  url: string;
  body: string;
}

async function startServer(kind: "graphql" | "raw"): Promise<{ child: ChildProcess; port: number }> {
  const command = [process.execPath, "--import", "tsx", "bench/servers.ts", kind];
  const child = hasTaskset
    ? spawn("taskset", ["-c", "0", ...command], { stdio: ["ignore", "pipe", "inherit"] })
    : spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      const match = output.match(/PORT (\d+)/);
      if (match) resolve(Number(match[1]));
    });
    child.on("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return { child, port };
}

interface Measurement {
  requestsPerSecond: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(target: Target, seconds: number): Promise<Measurement> {
  const result = await autocannon({
    url: target.url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: target.body,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
  });
  return {
    requestsPerSecond: result.requests.average,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function inProcessRate(): Promise<number> {
  const database = freshDatabase();
  const loaders = createCatalogLoaders(new CatalogRepository(database.db));
  const { pricing } = (await loadPricingProduct(loaders, ESTIMATE_INPUT.productId))!;
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
  const rates = Array.from({ length: ROUNDS }, () => run(1000));
  database.close();
  return median(rates);
}

async function main(): Promise<void> {
  console.log(`node ${process.version}; ${hasTaskset ? "servers pinned to core 0, load to core 1" : "taskset not found: unpinned"}`);
  console.log(`${CONNECTIONS} connections, no pipelining, ${WARMUP_SECONDS}s warm-up, ${ROUNDS} interleaved rounds of ${MEASURE_SECONDS}s, median\n`);

  const inProcess = await inProcessRate();

  const graphql = await startServer("graphql");
  const raw = await startServer("raw");
  const targets: Target[] = [
    { name: "raw node:http + engine", child: raw.child, url: `http://127.0.0.1:${raw.port}/`, body: JSON.stringify(ESTIMATE_INPUT) },
    {
      name: "GraphQL estimate",
      child: graphql.child,
      url: `http://127.0.0.1:${graphql.port}/graphql`,
      body: JSON.stringify({ query: ESTIMATE_QUERY, variables: { input: ESTIMATE_INPUT } }),
    },
  ];
  try {
    for (const target of targets) await load(target, WARMUP_SECONDS);
    const rounds = new Map<string, Measurement[]>(targets.map((t) => [t.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of targets) rounds.get(target.name)!.push(await load(target, MEASURE_SECONDS));
    }
    const summary = targets.map((target) => {
      const measurements = rounds.get(target.name)!;
      return {
        name: target.name,
        rps: median(measurements.map((m) => m.requestsPerSecond)),
        p99: median(measurements.map((m) => m.p99)),
        non2xx: measurements.reduce((n, m) => n + m.non2xx + m.errors, 0),
      };
    });
    const [baseline, app] = summary;
    console.log("workload: estimate (subclip/viral-captions, 3 min, face tracking, 2 generations)");
    console.log(`  in-process engine      ${inProcess.toFixed(0).padStart(9)} estimates/s   ${(inProcess / baseline.rps).toFixed(2)}x the raw HTTP rate`);
    for (const row of summary) {
      console.log(
        `  ${row.name.padEnd(22)} ${row.rps.toFixed(0).padStart(9)} req/s   p99 ${String(row.p99).padStart(3)} ms   non-2xx ${row.non2xx}   ratio ${(row.rps / baseline.rps).toFixed(2)}`,
      );
    }
    console.log(`\nestimate ratio (GraphQL / raw): ${(app.rps / baseline.rps).toFixed(2)}`);
  } finally {
    for (const target of targets) target.child.kill();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});


