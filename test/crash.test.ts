/**
 * Crash safety: a real server process under a load of job mutations is killed with SIGKILL at
 * random moments, 20 times. After each kill the SQLite file must pass integrity_check, every
 * ledger invariant must hold, and every mutation whose response reached the client must be there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { auditAllAccounts } from "../src/accounts/audit.js";
import { SqliteStore } from "../src/store/sqlite/store.js";
import { nodeAccount, nodeGql, startNode } from "./nodes.js";

const directory = mkdtempSync(join(tmpdir(), "pricing-crash-"));
const databasePath = join(directory, "crash.db");
const ADMIN = "crash-test-admin-key-0123456789";
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const start = () => startNode({ DATABASE_PATH: databasePath, ADMIN_API_KEY: ADMIN });

const gql = nodeGql;

interface Acknowledged {
  created: Map<string, string>; // idempotency key -> job id
  completed: Set<string>; // job ids
}

/** Creates and completes jobs until the server goes away; records what was acknowledged. */
async function worker(url: string, key: string, prefix: string, acknowledged: Acknowledged): Promise<void> {
  for (let n = 0; ; n++) {
    try {
      const idempotencyKey = `${prefix}-${n}`;
      const created = await gql(
        url,
        `mutation ($k: String!) { jobCreate(input: { credits: "1.5", idempotencyKey: $k }) { job { id } userErrors { code } } }`,
        { k: idempotencyKey },
        key,
      );
      const jobId = created.data?.jobCreate?.job?.id;
      if (!jobId) throw new Error(`jobCreate failed: ${JSON.stringify(created)}`);
      acknowledged.created.set(idempotencyKey, jobId);
      if (n % 3 === 2) continue; // leave some jobs open
      const completed = await gql(
        url,
        `mutation ($id: ID!) { jobComplete(input: { jobId: $id, consumedCredits: "1" }) { job { status } userErrors { code } } }`,
        { id: jobId },
        key,
      );
      if (completed.data?.jobComplete?.job?.status !== "COMPLETED") throw new Error(`jobComplete failed: ${JSON.stringify(completed)}`);
      acknowledged.completed.add(jobId);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith("job")) throw error;
      return; // the connection died: the server was killed
    }
  }
}

describe("crash safety", () => {
  it("survives 20 kill -9 under load with every acknowledged mutation intact", async () => {
    let { child, url, exited } = await start();
    const { key: apiKey } = await nodeAccount(url, ADMIN, "Crash", "1000000");

    const acknowledged: Acknowledged = { created: new Map(), completed: new Set() };
    for (let round = 0; round < 20; round++) {
      const workers = Array.from({ length: 6 }, (_, w) => worker(url, apiKey, `r${round}w${w}`, acknowledged));
      await new Promise((resolve) => setTimeout(resolve, 40 + Math.random() * 260));
      child.kill("SIGKILL");
      await Promise.all(workers);
      await exited;

      // The file as the crash left it: WAL recovery on open, then integrity and invariants.
      const database = SqliteStore.open(databasePath);
      try {
        expect(database.sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
        expect(await auditAllAccounts(database.reads)).toEqual([]);
        const jobs = new Map(
          (database.sqlite.prepare("select id, status from jobs").all() as Array<{ id: string; status: string }>).map((j) => [j.id, j.status]),
        );
        for (const jobId of acknowledged.created.values()) expect(jobs.has(jobId), jobId).toBe(true);
        for (const jobId of acknowledged.completed) expect(jobs.get(jobId), jobId).toBe("COMPLETED");
      } finally {
        await database.close();
      }
      ({ child, url, exited } = await start());
    }

    // A retry of an acknowledged jobCreate after the crashes returns the same job.
    const [someKey, someJob] = [...acknowledged.created.entries()][0];
    const retried = await gql(
      url,
      `mutation ($k: String!) { jobCreate(input: { credits: "1.5", idempotencyKey: $k }) { job { id } } }`,
      { k: someKey },
      apiKey,
    );
    expect(retried.data.jobCreate.job.id).toBe(someJob);
    expect(acknowledged.created.size).toBeGreaterThan(100);
    child.kill("SIGTERM");
    await exited;
  }, 180_000);
});
