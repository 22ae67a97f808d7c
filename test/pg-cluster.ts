/**
 * A PostgreSQL server of a test's own (initdb in a temporary folder, on a free port), for tests that
 * stop and restart the database: the shared server at TEST_DATABASE_URL serves every other suite
 * and must never go down. Uses the binaries of the machine's PostgreSQL (pg_config --bindir, or
 * PG_BINDIR); as root it runs them as the `postgres` user, since PostgreSQL refuses to run as root.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

function binDir(): string {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  return execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface PrivateCluster {
  url: string;
  /** Stops the server; "immediate" is a crash (no checkpoint, recovery from the WAL at the next start). */
  stop(mode?: "fast" | "immediate"): void;
  start(): void;
  destroy(): void;
}

export async function startPrivateCluster(): Promise<PrivateCluster> {
  const bin = binDir();
  const folder = mkdtempSync(join(tmpdir(), "pg-cluster-"));
  chmodSync(folder, 0o777);
  const data = join(folder, "data");
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) => {
    const [command, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", join(bin, tool), ...args]] : [join(bin, tool), args];
    const result = spawnSync(command, argv, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${tool} failed (${result.status}): ${result.stderr || result.stdout}`);
  };
  const port = await freePort();
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c max_connections=100`;
  const start = () => run("pg_ctl", ["-D", data, "-o", options, "-l", join(folder, "log"), "-w", "start"]);
  start();
  let running = true;
  const stop = (mode: "fast" | "immediate" = "fast") => {
    run("pg_ctl", ["-D", data, "-m", mode, "-w", "stop"]);
    running = false;
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start() {
      start();
      running = true;
    },
    destroy() {
      if (running) stop("immediate");
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
