// node scripts/ensure-build.mjs dist/src/main.js
// Run before `npm start`, `npm run migrate` and `npm run audit`. Plain JavaScript, Node's own
// modules only: it must run where the dev dependencies were left out (`npm ci --omit=dev`).
// - TypeScript installed: `tsc -b` compiles what changed since the last build (nothing when dist/
//   is up to date). Builds started together in one tree take turns (a lock file in dist/), so
//   one never rewrites files another process is already running.
// - TypeScript not installed: the existing build is used as it is; without one (the file named
//   on the command line is missing), one line on stderr and exit code 1.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = process.argv[2] ?? "dist/src/main.js";

function typescriptCompiler() {
  try {
    return createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
  } catch {
    return null;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/** Takes dist/.build.lock (waiting while a live process holds it; a dead one's is taken over). */
function lock() {
  const path = join(root, "dist", ".build.lock");
  mkdirSync(dirname(path), { recursive: true });
  const waitUntil = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(path, "utf8"));
    } catch {
      // Released meanwhile: try again.
    }
    // An empty file is one being written this instant: only a pid that is gone frees the lock.
    if (holder > 0 && !isAlive(holder)) rmSync(path, { force: true });
    else if (Date.now() > waitUntil) throw new Error(`${path} held for 10 minutes by process ${holder}; remove it if no build is running`);
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
}

const tsc = typescriptCompiler();
if (tsc) {
  const release = lock();
  let result;
  try {
    result = spawnSync(process.execPath, [tsc, "-b", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
  } finally {
    release();
  }
  process.exit(result.status ?? 1);
}
if (!existsSync(join(root, entry))) {
  process.stderr.write(
    `No build to run (${entry} is missing) and no TypeScript to make one: run \`npm run build\` with the dev dependencies installed, then \`npm ci --omit=dev\`.\n`,
  );
  process.exit(1);
}
