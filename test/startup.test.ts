/**
 * The real entry point in a child process, as `npm start` runs it: configuration, a SQLite file
 * migrated and seeded at start, the logged URL, and a clean stop on SIGTERM.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig, ConfigError } from "../src/config.js";

const root = new URL("..", import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), "pricing-start-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startServer(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { ...process.env, ADMIN_API_KEY: "", NODE_ENV: "development", PORT: "0", HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForUrl(running: Running): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const match = running.output().match(/server ready at (http:\/\/\S+)\/graphql/);
    if (match) return match[1].replace("localhost", "127.0.0.1");
    if (running.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not start:\n${running.output()}`);
}

describe("start-up", () => {
  it("migrates and seeds a SQLite file, serves, stops on SIGTERM, and restarts without re-seeding", async () => {
    const databasePath = join(directory, "nested", "pricing.db");
    const first = startServer({ DATABASE_PATH: databasePath });
    const url = await waitForUrl(first);
    expect(first.output()).toContain('"message":"catalog seeded"');
    expect(existsSync(databasePath)).toBe(true);

    expect((await fetch(`${url}/health`)).status).toBe(200);
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ providers { id } }" }),
    });
    expect(((await response.json()) as any).data.providers).toHaveLength(5);

    // A first start prints a generated admin key and a demo account's key, both usable at once.
    const adminKey = first.output().match(/"adminApiKey":"(adm_[^"]+)"/)?.[1];
    const demoKey = first.output().match(/"apiKey":"(pak_[^"]+)"/)?.[1];
    expect(adminKey && demoKey).toBeTruthy();
    const viewer = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": demoKey! },
      body: JSON.stringify({ query: "{ viewer { name balance } }" }),
    });
    expect(((await viewer.json()) as any).data.viewer).toEqual({ name: "Demo account", balance: "1000" });
    const adminCall = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ query: 'mutation { accountCreate(input: { name: "Second" }) { apiKey } }' }),
    });
    expect(((await adminCall.json()) as any).data.accountCreate.apiKey).toMatch(/^pak_/);

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('"message":"stopped"');

    const second = startServer({ DATABASE_PATH: databasePath });
    const secondUrl = await waitForUrl(second);
    expect(second.output()).toContain('"message":"catalog up to date"');
    // Keys are printed once: the admin key is remembered (as a hash), the demo account exists.
    expect(second.output()).not.toContain("adminApiKey");
    expect(second.output()).not.toContain("demo account");
    const stillAdmin = await fetch(`${secondUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": adminKey! },
      body: JSON.stringify({ query: '{ account(id: "acct_nope") { id } }' }),
    });
    expect(((await stillAdmin.json()) as any).errors).toBeUndefined();
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
  });

  it("refuses to start on a bad setting, saying which and why", async () => {
    const running = startServer({ PORT: "eighty", DATABASE_PATH: join(directory, "unused.db") });
    expect(await running.exited).toBe(1);
    expect(running.output()).toContain('PORT must be a whole number from 0 to 65535; got "eighty"');
    expect(existsSync(join(directory, "unused.db"))).toBe(false);
  });
});

describe("npm run account:create", () => {
  it("creates an account with bonus credits and prints its key once", async () => {
    const databasePath = join(directory, "cli.db");
    const run = spawn(process.execPath, ["--import", "tsx", "scripts/account-create.ts", "--name", "Acme", "--credits", "250"], {
      cwd: root,
      env: { ...process.env, DATABASE_PATH: databasePath },
    });
    let output = "";
    run.stdout.on("data", (chunk) => (output += chunk));
    run.stderr.on("data", (chunk) => (output += chunk));
    expect(await new Promise((resolve) => run.on("exit", resolve))).toBe(0);
    expect(output).toMatch(/Created account acct_[0-9a-f]{16} \("Acme"\)/);
    const key = output.match(/API key \(shown only now\): (pak_\S+)/)![1];

    const server = startServer({ DATABASE_PATH: databasePath });
    const url = await waitForUrl(server);
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key },
      body: JSON.stringify({ query: "{ viewer { name balance } }" }),
    });
    expect(((await response.json()) as any).data.viewer).toEqual({ name: "Acme", balance: "250" });
    // The database already had an account, so no demo account was made.
    expect(server.output()).not.toContain("demo account");
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });
});

describe("configuration", () => {
  it("has working defaults", () => {
    expect(loadConfig({})).toMatchObject({ port: 4000, databasePath: "./data/pricing.db", nodeEnv: "development" });
  });

  it("lists every bad variable at once", () => {
    try {
      loadConfig({ PORT: "70000", NODE_ENV: "staging", MAX_BODY_BYTES: "-1", DATABASE_PATH: " " });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toHaveLength(4);
    }
  });
});
