/**
 * The real entry point in a child process, as `npm start` runs it: configuration, a SQLite file
 * migrated and seeded at start, the logged URL, and a clean stop on SIGTERM.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig, ConfigError } from "../src/config.js";
import { SEEDED_PROVIDERS } from "./helpers.js";

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

/** A port free a moment ago: with LOG_LEVEL=warn the server does not log where it listens. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(running: Running, url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (running.child.exitCode !== null) break;
    if (
      await fetch(`${url}/health`).then(
        (response) => response.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not start:\n${running.output()}`);
}

async function graphql(url: string, key: string, query: string): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key },
    body: JSON.stringify({ query }),
  });
  return response.json();
}

/**
 * Reads both keys from the first start's plain banner, checks that no JSON log line holds either,
 * and uses each through the API: the demo key reads its account, the admin key creates one.
 */
async function expectUsableBannerKeys(running: Running, url: string) {
  const output = running.output();
  expect(output).toContain("First start: these keys are shown only this once.");
  const adminKey = output.match(/^\s*Admin API key:\s+(adm_\S+)$/m)?.[1];
  const demoKey = output.match(/^\s*Demo account API key:\s+(pak_\S+)$/m)?.[1];
  expect(adminKey && demoKey).toBeTruthy();
  const jsonLines = output.split("\n").filter((line) => line.startsWith("{"));
  expect(jsonLines.filter((line) => line.includes(adminKey!) || line.includes(demoKey!))).toEqual([]);

  expect((await graphql(url, demoKey!, "{ viewer { name balance } }")).data.viewer).toEqual({
    name: "Demo account",
    balance: "1000",
  });
  const created = await graphql(url, adminKey!, 'mutation { accountCreate(input: { name: "Second" }) { apiKey } }');
  expect(created.data.accountCreate.apiKey).toMatch(/^pak_/);
  return { adminKey: adminKey!, demoKey: demoKey! };
}

describe("start-up", () => {
  it("migrates a SQLite file, seeds the catalog, serves, stops on SIGTERM, and restarts on the same file and catalog version", async () => {
    const databasePath = join(directory, "nested", "pricing.db");
    const first = startServer({ DATABASE_PATH: databasePath });
    const url = await waitForUrl(first);
    // The catalog is every node's own embedded copy, seeded from seed/ at each start.
    const seededLine = first
      .output()
      .split("\n")
      .find((line) => line.includes('"message":"catalog seeded"'));
    const version = seededLine && (JSON.parse(seededLine) as { version?: string }).version;
    expect(version).toMatch(/^[0-9a-f]{12}$/);
    expect(existsSync(databasePath)).toBe(true);

    expect((await fetch(`${url}/health`)).status).toBe(200);
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ providers { id } }" }),
    });
    expect(((await response.json()) as any).data.providers).toHaveLength(SEEDED_PROVIDERS);

    // A first start prints a generated admin key and a demo account's key, both usable at once.
    const { adminKey } = await expectUsableBannerKeys(first, url);

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('"message":"stopped"');

    const second = startServer({ DATABASE_PATH: databasePath });
    const secondUrl = await waitForUrl(second);
    expect(second.output()).toContain(`"version":"${version}"`);
    // Keys are printed once: the admin key is remembered (as a hash), the demo account exists.
    expect(second.output()).not.toContain("First start");
    expect(second.output()).not.toMatch(/adm_|pak_/);
    const stillAdmin = await fetch(`${secondUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": adminKey! },
      body: JSON.stringify({ query: '{ account(id: "acct_nope") { id } }' }),
    });
    expect(((await stillAdmin.json()) as any).errors).toBeUndefined();
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
  });

  for (const level of ["warn", "silent"]) {
    it(`shows the first start's keys with LOG_LEVEL=${level}, as a banner outside the JSON logs`, async () => {
      const port = await freePort();
      const running = startServer({ DATABASE_PATH: join(directory, `${level}.db`), LOG_LEVEL: level, PORT: String(port) });
      const url = `http://127.0.0.1:${port}`;
      await waitForHealth(running, url);
      await expectUsableBannerKeys(running, url);
      expect(running.output()).not.toContain('"level":"info"');
      running.child.kill("SIGTERM");
      expect(await running.exited).toBe(0);
    });
  }

  it("makes no demo account in production, and says once that LIVE payments are refused without Stripe", async () => {
    const port = await freePort();
    const running = startServer({
      DATABASE_PATH: join(directory, "production.db"),
      NODE_ENV: "production",
      PORT: String(port),
      STRIPE_SECRET_KEY: "",
      STRIPE_WEBHOOK_SECRET: "",
    });
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(running, url);
    const output = running.output();
    expect(output).toContain("Admin API key:");
    expect(output).not.toContain("Demo account");
    expect(output).not.toMatch(/pak_/);
    const warnings = output.split("\n").filter((line) => line.includes('"level":"warn"') && line.includes("no live payment provider"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("PAYMENT_PROVIDER_UNAVAILABLE");
    running.child.kill("SIGTERM");
    expect(await running.exited).toBe(0);
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
    const run = spawn(
      process.execPath,
      ["--import", "tsx", "scripts/account-create.ts", "--name", "Acme", "--mode", "test", "--credits", "250", "--provider", "creatify"],
      {
        cwd: root,
        env: { ...process.env, DATABASE_PATH: databasePath },
      },
    );
    let output = "";
    run.stdout.on("data", (chunk) => (output += chunk));
    run.stderr.on("data", (chunk) => (output += chunk));
    expect(await new Promise((resolve) => run.on("exit", resolve))).toBe(0);
    expect(output).toMatch(/Created TEST account acct_[0-9a-f]{16} \("Acme"\)/);
    const key = output.match(/API key \(shown only now\): (pak_test_\S+)/)![1];

    const server = startServer({ DATABASE_PATH: databasePath });
    const url = await waitForUrl(server);
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key },
      body: JSON.stringify({ query: "{ viewer { name mode balance wallets { provider { id } balance } } }" }),
    });
    expect(((await response.json()) as any).data.viewer).toEqual({
      name: "Acme",
      mode: "TEST",
      balance: "250",
      wallets: [{ provider: { id: "creatify" }, balance: "250" }],
    });
    // The database already had an account, so no demo account was made.
    expect(server.output()).not.toContain("Demo account API key");
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });
});

describe("npm run account:create with bad arguments", () => {
  function run(command: string, args: string[], databasePath: string) {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, DATABASE_PATH: databasePath } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
  }

  function accountCount(databasePath: string): number {
    if (!existsSync(databasePath)) return 0;
    const sqlite = new BetterSqlite3(databasePath, { readonly: true });
    try {
      return (sqlite.prepare("SELECT count(*) AS n FROM accounts").get() as { n: number }).n;
    } finally {
      sqlite.close();
    }
  }

  it("answers `--credits -5` through npm with one line and exit code 1", async () => {
    const databasePath = join(directory, "cli-npm.db");
    const result = await run("npm", ["run", "--silent", "account:create", "--", "--name", "Acme", "--credits", "-5", "--provider", "ugen"], databasePath);
    expect(result).toEqual({ code: 1, stdout: "", stderr: "--credits: Credits must be greater than 0; got -5\n" });
    expect(accountCount(databasePath)).toBe(0);
  });

  const cases: [string[], RegExp][] = [
    [["--name", "Acme", "--credits=-5", "--provider", "ugen"], /^--credits: Credits must be greater than 0; got -5$/],
    [["--name", "Acme", "--credits", "0", "--provider", "ugen"], /^--credits: Credits must be greater than 0; got 0$/],
    [["--name", "Acme", "--credits", "abc", "--provider", "ugen"], /^--credits: "abc" is not a decimal number/],
    [["--name", "Acme", "--credits", "5"], /^--credits needs --provider \(one of samsar, ugen, creatify, hoox, subclip\)/],
    [["--name", "Acme", "--credits", "5", "--provider", "acme"], /^--provider: no provider acme; one of /],
    [["--name", "Acme", "--provider", "ugen"], /^--provider goes with --credits /],
    [["--name", "Acme", "--credits"], /^Option '--credits <value>' argument missing \(usage: /],
    [["--name"], /^Option '--name <value>' argument missing \(usage: /],
    [[], /^--name is required \(usage: /],
    [["--name", "   "], /^--name: An account name must not be empty$/],
    [["--name", "A", "--name", "B"], /^--name is given 2 times; give it once \(usage: /],
    [["--name", "Acme", "--cedits", "5"], /^Unknown option '--cedits' \(usage: /],
    [["--name", "Acme", "extra"], /^Unexpected argument 'extra' \(usage: /],
    [["--name", "Acme", "--mode", "sandbox"], /^--mode: live or test /],
  ];
  it("answers every other bad argument with one line, exit code 1, and no account written", async () => {
    const results = await Promise.all(
      cases.map(([args], index) => {
        const databasePath = join(directory, `cli-bad-${index}.db`);
        return run(process.execPath, ["--import", "tsx", "scripts/account-create.ts", ...args], databasePath).then((result) => ({
          ...result,
          accounts: accountCount(databasePath),
        }));
      }),
    );
    results.forEach((result, index) => {
      const [args, message] = cases[index];
      expect({ args, code: result.code, stdout: result.stdout, accounts: result.accounts }).toEqual({
        args,
        code: 1,
        stdout: "",
        accounts: 0,
      });
      expect(result.stderr.split("\n")).toEqual([expect.stringMatching(message), ""]);
    });
  }, 60_000);
});

describe("configuration", () => {
  it("has working defaults", () => {
    expect(loadConfig({})).toMatchObject({ port: 4000, databasePath: "./data/pricing.db", nodeEnv: "development" });
  });

  it("never moves the server's clock: TEST_CLOCK is refused, pointing at test clocks", () => {
    expect(() => loadConfig({})).not.toThrow();
    for (const value of ["false", "0", "no", "OFF"]) expect(() => loadConfig({ TEST_CLOCK: value })).not.toThrow();
    for (const value of ["true", "1"]) expect(() => loadConfig({ TEST_CLOCK: value })).toThrow(/TEST_CLOCK is gone.*testClockCreate/);
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
