/**
 * `npm start` as supervisors run it: the real npm, its `sh -c` (dash on Debian), the compiled
 * server. A SIGTERM or SIGINT sent to the npm process must reach the server, which drains and
 * stops (exit code 0, "stopped"), leaving no process behind and the port free; a second start
 * with nothing changed does not recompile.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SEEDED_PROVIDERS } from "./helpers.js";

const root = new URL("..", import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), "pricing-process-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

interface Started {
  npm: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Started[] = [];
const descendantsSeen = new Set<number>();

/** Every process below `pid`, from `ps` (Linux and macOS alike). */
function descendants(pid: number): number[] {
  const rows = execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const frontier = [pid];
  while (frontier.length > 0) {
    const parent = frontier.pop()!;
    for (const [child, ppid] of rows) {
      if (ppid === parent) {
        found.push(child);
        frontier.push(child);
      }
    }
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function npmStart(name: string, options: { detached?: boolean } = {}): Started {
  const npm = spawn("npm", ["start"], {
    cwd: root,
    detached: options.detached ?? false,
    env: {
      ...process.env,
      ADMIN_API_KEY: "",
      NODE_ENV: "development",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      DATABASE_PATH: join(directory, `${name}.db`),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  npm.stdout!.on("data", (chunk) => (output += chunk));
  npm.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.on("exit", (code, signal) => resolve({ code, signal })));
  const run = { npm, output: () => output, exited };
  started.push(run);
  return run;
}

async function waitForReady(run: Started): Promise<{ url: string; port: number }> {
  // A first build of a fresh clone takes a while on a busy machine.
  for (let i = 0; i < 1800; i++) {
    const match = run.output().match(/server ready at http:\/\/\S+?:(\d+)\/graphql/);
    if (match) {
      for (const pid of descendants(run.npm.pid!)) descendantsSeen.add(pid);
      return { url: `http://127.0.0.1:${match[1]}`, port: Number(match[1]) };
    }
    if (run.npm.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`npm start did not get ready:\n${run.output()}`);
}

async function exitWithin(run: Started, ms: number) {
  const timeout = new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), ms).unref());
  return Promise.race([run.exited, timeout]);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

// Whatever a failing test leaves running (an orphaned server, a waiting npm) is ended here, by pid.
afterEach(() => {
  for (const run of started.splice(0)) {
    for (const pid of [run.npm.pid!, ...descendants(run.npm.pid!)]) descendantsSeen.add(pid);
  }
  for (const pid of descendantsSeen) if (isAlive(pid)) process.kill(pid, "SIGKILL");
  descendantsSeen.clear();
});

/**
 * A POST whose body is sent in two halves: the request is in flight from the first half on.
 * `finish` sends the rest; `answer` is the status and body the server sends back.
 */
function requestInFlight(port: number) {
  const body = JSON.stringify({ query: "{ providers { id } }" });
  const pending = request({
    host: "127.0.0.1",
    port,
    path: "/graphql",
    method: "POST",
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    pending.on("error", reject);
    pending.on("response", (response) => {
      let text = "";
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, body: text }));
    });
  });
  pending.write(body.slice(0, 10));
  return { answer, finish: () => pending.end(body.slice(10)) };
}

async function expectCleanStop(run: Started, signalled: number[], port: number) {
  expect(await exitWithin(run, 20_000)).toEqual({ code: 0, signal: null });
  expect(run.output()).toContain('"message":"stopped"');
  expect(signalled.filter(isAlive)).toEqual([]);
  expect(await portIsFree(port)).toBe(true);
}

describe("npm start", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`stops the server, drained and with exit code 0, on a ${signal} to the npm process`, async () => {
      const run = npmStart(signal.toLowerCase());
      const { url, port } = await waitForReady(run);
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const below = descendants(run.npm.pid!);
      expect(below.length).toBeGreaterThan(0);

      // The server drains: a request already in flight when the signal comes is answered.
      const inFlight = requestInFlight(port);
      await new Promise((resolve) => setTimeout(resolve, 300));
      run.npm.kill(signal);
      await new Promise((resolve) => setTimeout(resolve, 300));
      inFlight.finish();
      const answered = await inFlight.answer;
      expect(answered.status).toBe(200);
      expect(JSON.parse(answered.body).data.providers).toHaveLength(SEEDED_PROVIDERS);

      await expectCleanStop(run, below, port);
      expect(run.output()).toContain(`"signal":"${signal}"`);
    }, 120_000);
  }

  it("stops on Ctrl-C in a terminal (SIGINT to the whole process group) and on a second signal", async () => {
    const run = npmStart("group", { detached: true });
    const { port } = await waitForReady(run);
    const below = descendants(run.npm.pid!);
    process.kill(-run.npm.pid!, "SIGINT");
    process.kill(-run.npm.pid!, "SIGINT");
    await expectCleanStop(run, below, port);
    expect(run.output().match(/"message":"stopped"/g)).toHaveLength(1);
  }, 120_000);

  it("does not recompile on a second start when nothing changed", async () => {
    const first = npmStart("rebuild-1");
    await waitForReady(first);
    first.npm.kill("SIGTERM");
    expect(await exitWithin(first, 20_000)).toEqual({ code: 0, signal: null });
    const compiled = join(root, "dist", "src", "main.js");
    const before = statSync(compiled).mtimeMs;

    const second = npmStart("rebuild-2");
    await waitForReady(second);
    expect(statSync(compiled).mtimeMs).toBe(before);
    second.npm.kill("SIGTERM");
    expect(await exitWithin(second, 20_000)).toEqual({ code: 0, signal: null });
  }, 180_000);
});
