/**
 * PostgreSQL goes away under load and comes back (a server of the test's own, ./pg-cluster.ts):
 * while it is down every request fails with a clear, retryable SERVICE_UNAVAILABLE and /health is
 * 503; once it is back the node serves again by itself, and nothing it acknowledged is lost.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { auditAllAccounts } from "../src/accounts/audit.js";
import { PgStore } from "../src/store/postgres/store.js";
import { nodeAccount, nodeGql, startNode, stopNode, type ApiNode } from "./nodes.js";
import { startPrivateCluster, type PrivateCluster } from "./pg-cluster.js";
import { describePostgres, postgresAvailable, rawRows } from "./stores.js";

const ADMIN = "pg-restart-admin-key-0123456789";
let cluster: PrivateCluster;
let node: ApiNode;

beforeAll(async () => {
  if (!postgresAvailable) return;
  cluster = await startPrivateCluster();
  node = await startNode({ DATABASE_URL: cluster.url, ADMIN_API_KEY: ADMIN });
}, 60_000);
afterAll(async () => {
  if (node) await stopNode(node);
  cluster?.destroy();
});

const JOB_CREATE = `mutation ($k: String!) { jobCreate(input: { credits: "1", idempotencyKey: $k }) { job { id } userErrors { code } } }`;
const health = async () => (await fetch(`${node.url}/health`)).status;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describePostgres("PostgreSQL restarted under load", () => {
  it.each(["fast", "immediate"] as const)(
    "answers SERVICE_UNAVAILABLE while it is down (%s stop), resumes by itself and loses nothing acknowledged",
    async (mode) => {
      const { id: accountId, key: apiKey } = await nodeAccount(node.url, ADMIN, "Restart", "100000");

      const acknowledged = new Map<string, string>();
      const refusals: Array<{ status: number; codes: unknown[]; retryable: unknown[] }> = [];
      const refusedKeys = new Set<string>();
      let running = true;
      // As a client would: a refused request is sent again with its key until it is answered.
      const worker = async (w: number) => {
        for (let n = 0; running || refusedKeys.has(`${mode}-w${w}-${n}`);) {
          const k = `${mode}-w${w}-${n}`;
          const answer = await nodeGql(node.url, JOB_CREATE, { k }, apiKey);
          const jobId = answer.data?.jobCreate?.job?.id;
          if (jobId) {
            acknowledged.set(k, jobId);
            n++;
            continue;
          }
          refusedKeys.add(k);
          refusals.push({
            status: answer.status,
            codes: (answer.errors ?? []).map((e: any) => e.extensions?.code),
            retryable: (answer.errors ?? []).map((e: any) => e.extensions?.retryable),
          });
          await sleep(20);
        }
      };
      const workers = [0, 1, 2, 3].map(worker);
      await sleep(300);
      const beforeStop = acknowledged.size;
      cluster.stop(mode);
      await until(async () => (await health()) === 503, "/health to say 503");
      await sleep(1_000);
      const duringOutage = refusals.length;
      cluster.start();
      await until(async () => (await health()) === 200, "/health to say 200 again");
      const afterRestart = acknowledged.size;
      await until(async () => acknowledged.size > afterRestart + 20, "mutations to succeed again");
      running = false;
      await Promise.all(workers);

      expect(beforeStop).toBeGreaterThan(0);
      expect(duringOutage).toBeGreaterThan(0);
      // Every refusal is the clear, retryable one: no masked internal error, no hang.
      if (refusals.some((r) => r.codes[0] !== "SERVICE_UNAVAILABLE"))
        console.log(
          node
            .recentOutput()
            .split("\n")
            .filter((line) => line.includes('"level":"error"'))
            .slice(-3)
            .join("\n"),
        );
      for (const refusal of refusals) expect(refusal).toEqual({ status: 503, codes: ["SERVICE_UNAVAILABLE"], retryable: [true] });

      const store = await PgStore.open(cluster.url, { max: 2 });
      try {
        const jobs = new Set((await rawRows<{ id: string }>(store, "select id from jobs where account_id = ?", accountId)).map((j) => j.id));
        for (const [k, jobId] of acknowledged) expect(jobs.has(jobId), k).toBe(true);
        // Each refused key, sent again, was made once: one job per key, none left over.
        expect(refusedKeys.size).toBeGreaterThan(0);
        for (const k of refusedKeys) expect(acknowledged.has(k), k).toBe(true);
        expect(jobs.size).toBe(acknowledged.size);
        expect(await auditAllAccounts(store.reads)).toEqual([]);
      } finally {
        await store.close();
      }
    },
    90_000,
  );
});
