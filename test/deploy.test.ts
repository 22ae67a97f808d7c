/**
 * A deploy by convention, as a two-stage image builds it. The build stage, a copy of the project
 * without node_modules or dist/, runs `npm run build` with the dev dependencies. The run stage
 * gets only what README.md's "Deploying" lists (package.json, package-lock.json, dist/, drizzle/,
 * scripts/ensure-build.mjs), installs with `npm ci --omit=dev`, and runs `npm run migrate`,
 * `npm start` (answers /health, serves the explorer's files, stops cleanly) and `npm run audit`: nothing the server or the
 * commands load at run time may be a dev dependency or a source file, and migrations and seeds
 * must resolve from dist/. Without a build, `npm start` says so in one line.
 *
 * The install reuses npm's cache (CI's `npm ci` filled it) and skips install scripts: the one
 * production dependency with a build step, better-sqlite3, gets the addon this checkout compiled,
 * rather than two more minutes of compiling the same file.
 */
import { execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SEEDED_PROVIDERS } from "./helpers.js";

const root = new URL("..", import.meta.url).pathname;
const stages = mkdtempSync(join(tmpdir(), "pricing-deploy-"));
const buildStage = join(stages, "build");
const runStage = join(stages, "run");
const started: number[] = [];
afterAll(() => {
  for (const pid of started) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  rmSync(stages, { recursive: true, force: true });
}, 120_000);

const LEFT_OUT = new Set(["node_modules", "dist", "data", ".git", "coverage"]);
/** What the run stage is given (README.md, "Deploying"). */
const RUN_STAGE_FILES = ["package.json", "package-lock.json", "dist", "drizzle", "scripts/ensure-build.mjs"];
const ADDON = join("node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node");

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** This process's environment, less the PATH entries through which vitest's runner sees this checkout's dev tools. */
const PATH = (process.env.PATH ?? "")
  .split(":")
  .filter((entry) => !entry.includes(`node_modules${sep}.bin`))
  .join(":");

function run(cwd: string, command: string, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) =>
    execFile(command, args, { cwd, env: { ...process.env, PATH, ...env }, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    ),
  );
}

/** `npm start` until it says where it listens; then its URL, and a stop that resolves with its exit. */
async function npmStart(env: Record<string, string>) {
  const npm = spawn("npm", ["start"], { cwd: runStage, env: { ...process.env, PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  started.push(npm.pid!);
  let output = "";
  npm.stdout.on("data", (chunk) => (output += chunk));
  npm.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => npm.on("exit", (code) => resolve(code)));
  for (let i = 0; i < 600; i++) {
    const match = output.match(/server ready at http:\/\/\S+?:(\d+)\/graphql/);
    if (match) return { url: `http://127.0.0.1:${match[1]}`, output: () => output, stop: () => (npm.kill("SIGTERM"), exited) };
    if (npm.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`npm start did not get ready:\n${output}`);
}

const DEPLOY_ADMIN_KEY = "deploy-admin-key-0123456789abcdef";

describe("a deploy: build with the dev tools, install without them, run", () => {
  it("builds, installs with --omit=dev, migrates, starts, answers /health, audits; without a build, one line", async () => {
    cpSync(root, buildStage, {
      recursive: true,
      filter: (source) => !LEFT_OUT.has(relative(root, source).split(sep)[0]),
    });
    expect(existsSync(join(buildStage, "dist"))).toBe(false);

    // The build stage: the project's dev tools (its node_modules, linked), `npm run build`.
    symlinkSync(join(root, "node_modules"), join(buildStage, "node_modules"));
    const built = await run(buildStage, "npm", ["run", "-s", "build"]);
    unlinkSync(join(buildStage, "node_modules"));
    expect(built, built.stdout + built.stderr).toMatchObject({ code: 0 });

    // The run stage: the build's output and production dependencies only.
    for (const file of RUN_STAGE_FILES) cpSync(join(buildStage, file), join(runStage, file), { recursive: true });
    const installed = await run(runStage, "npm", ["ci", "--omit=dev", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"]);
    expect(installed, installed.stderr).toMatchObject({ code: 0 });
    cpSync(join(root, ADDON), join(runStage, ADDON));
    for (const tool of ["typescript", "tsx", "drizzle-kit", "vitest"]) expect(existsSync(join(runStage, "node_modules", tool)), tool).toBe(false);

    const env = {
      NODE_ENV: "production",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      ADMIN_API_KEY: DEPLOY_ADMIN_KEY,
      DATABASE_URL: "",
      DATABASE_PATH: join(runStage, "data", "pricing.db"),
    };
    const migrated = await run(runStage, "npm", ["run", "-s", "migrate"], env);
    expect(migrated, migrated.stderr).toMatchObject({ code: 0 });
    expect(migrated.stdout).toMatch(/^migrate: SQLite .*: \d+ migration\(s\) applied/);

    const server = await npmStart(env);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const prices = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ providers { id } }" }),
    });
    expect(((await prices.json()) as { data: { providers: unknown[] } }).data.providers).toHaveLength(SEEDED_PROVIDERS);
    // A browser's visit: the explorer, whose files come from production dependencies and dist/.
    const explorer = await (await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } })).text();
    const explorerFiles = [...explorer.matchAll(/(?:src|href)="(\/graphql\/explorer\/[^"]+)"/g)].map((match) => match[1]);
    expect(explorerFiles).toHaveLength(7);
    for (const file of explorerFiles) expect((await fetch(`${server.url}${file}`)).status, file).toBe(200);
    // Production makes no demo account: an operator makes one, with credits.
    const admin = (query: string) =>
      fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": DEPLOY_ADMIN_KEY },
        body: JSON.stringify({ query }),
      }).then(async (response) => (await response.json()) as { data: Record<string, { account?: { id: string }; userErrors: unknown[] }> });
    const made = await admin(`mutation { accountCreate(input: { name: "First customer" }) { account { id } userErrors { code } } }`);
    const granted = await admin(
      `mutation { creditsGrant(input: { accountId: "${made.data.accountCreate.account!.id}", provider: "ugen", credits: "100", reason: "welcome" }) { userErrors { code } } }`,
    );
    expect(granted.data.creditsGrant.userErrors).toEqual([]);
    expect(await server.stop()).toBe(0);
    expect(server.output()).toContain('"message":"stopped"');

    // That account: one account, one wallet, consistent.
    const audited = await run(runStage, "npm", ["run", "-s", "audit"], env);
    expect(audited, audited.stderr).toMatchObject({ code: 0 });
    expect(audited.stdout).toMatch(/^audit: SQLite .*: 1 account\(s\), 1 wallet\(s\) checked, no problems\n$/);

    rmSync(join(runStage, "dist"), { recursive: true });
    const unbuilt = await run(runStage, "npm", ["start"], env);
    expect(unbuilt.code).toBe(1);
    expect(unbuilt.stderr).toContain("No build to run (dist/src/main.js is missing) and no TypeScript to make one: run `npm run build`");
    expect(unbuilt.stderr.split("\n").filter((line) => line.startsWith("No build"))).toHaveLength(1);
  }, 600_000);
});
