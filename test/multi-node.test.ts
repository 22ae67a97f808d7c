/**
 * Three API processes over one PostgreSQL database, as behind a load balancer: whatever lands on
 * which node at the same moment, credits are spent once, jobs resolve once, a payment is credited
 * once; a node killed with SIGKILL loses nothing it acknowledged and the others keep serving.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { auditAllAccounts } from "../src/accounts/audit.js";
import { signSandboxPayload } from "../src/billing/sandbox-provider.js";
import { PgStore } from "../src/store/postgres/store.js";
import { nodeAccount, nodeGql, startNode, stopNode, type ApiNode } from "./nodes.js";
import { createTestDatabase, describePostgres, postgresAvailable, rawRow, rawRows, type TestDatabase } from "./stores.js";

const ADMIN = "multi-node-admin-key-0123456789";
const SANDBOX_SECRET = "multi-node-sandbox-secret";
let database: TestDatabase;
let nodes: ApiNode[] = [];
/** This test's own view of the database, to check what the nodes wrote. */
let store: PgStore;

const env = () => ({ DATABASE_URL: database.url, ADMIN_API_KEY: ADMIN, SANDBOX_WEBHOOK_SECRET: SANDBOX_SECRET });

beforeAll(async () => {
  if (!postgresAvailable) return;
  database = await createTestDatabase();
  // Started together: each runs the migrations and the first-start setup at the same moment.
  nodes = await Promise.all([0, 1, 2].map(() => startNode(env())));
  store = await PgStore.open(database.url, { max: 3 });
}, 60_000);
afterAll(async () => {
  await Promise.all(nodes.map((node) => stopNode(node)));
  await store?.close();
  await database?.drop();
});

const gql = (node: ApiNode, query: string, variables: Record<string, unknown> = {}, key = ADMIN) => nodeGql(node.url, query, variables, key);

/** Made on one node, funded through another. */
const account = (name: string, credits: string) => nodeAccount(nodes[0].url, ADMIN, name, credits, nodes[1].url);

const JOB_CREATE = `mutation ($credits: Decimal!, $k: String) { jobCreate(input: { credits: $credits, idempotencyKey: $k }) { job { id } userErrors { code } } }`;
const JOB_COMPLETE = `mutation ($id: ID!) { jobComplete(input: { jobId: $id, consumedCredits: "1" }) { job { status } userErrors { code } } }`;

describePostgres("three nodes over one PostgreSQL database", () => {
  it("started together, migrate once and, being production nodes, make no demo account", async () => {
    const journal = JSON.parse(readFileSync(new URL("../drizzle/pg/meta/_journal.json", import.meta.url), "utf8")) as { entries: unknown[] };
    expect(Number((await rawRow<{ n: string }>(store, 'select count(*) as n from "__drizzle_migrations"'))!.n)).toBe(journal.entries.length);
    // (Nodes started together outside production make one: two-processes.test.ts.)
    expect(Number((await rawRow<{ n: string }>(store, "select count(*) as n from accounts"))!.n)).toBe(0);
    expect(nodes.filter((node) => node.startupOutput.includes("Demo account"))).toHaveLength(0);
    for (const node of nodes) expect((await fetch(`${node.url}/health`)).status).toBe(200);
  });

  it("say which catalog version each serves, and record it on the jobs they price", async () => {
    const versions = await Promise.all(
      nodes.map(async (node) => ((await (await fetch(`${node.url}/health`)).json()) as { catalogVersion: string }).catalogVersion),
    );
    expect(versions[0]).toMatch(/^[0-9a-f]{16,}$/);
    expect(new Set(versions)).toEqual(new Set([versions[0]]));
    expect((await gql(nodes[1], `{ catalogVersion }`)).data.catalogVersion).toBe(versions[0]);
    const { key } = await account("Versioned", "100");
    const created = await gql(
      nodes[2],
      `mutation { jobCreate(input: { estimate: { productId: "ugen/video-generation", modelId: "veo3_fast" } }) { job { id catalogVersion } userErrors { code message } } }`,
      {},
      key,
    );
    expect(created.data.jobCreate.userErrors).toEqual([]);
    expect(created.data.jobCreate.job.catalogVersion).toBe(versions[0]);
    const plain = await gql(nodes[0], `mutation { jobCreate(input: { credits: "1" }) { job { catalogVersion } } }`, {}, key);
    expect(plain.data.jobCreate.job.catalogVersion).toBeNull();
  });

  it("spend 100 credits once: exactly 10 of 50 simultaneous 10-credit jobs spread over the nodes succeed", async () => {
    const { key } = await account("Race", "100");
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => gql(nodes[i % 3], JOB_CREATE, { credits: "10" }, key)));
    const created = outcomes.filter((o) => o.data.jobCreate.job);
    expect(created).toHaveLength(10);
    expect(outcomes.filter((o) => o.data.jobCreate.userErrors[0]?.code === "INSUFFICIENT_CREDITS")).toHaveLength(40);
    const viewer = await gql(nodes[2], `{ viewer { balance reserved available } }`, {}, key);
    expect(viewer.data.viewer).toEqual({ balance: "100", reserved: "100", available: "0" });
    expect(await auditAllAccounts(store.reads)).toEqual([]);
  });

  it("complete a job once when every node is asked to at the same moment; the others answer JOB_ALREADY_RESOLVED", async () => {
    const { key } = await account("Completer", "100");
    for (let round = 0; round < 10; round++) {
      const created = await gql(nodes[round % 3], JOB_CREATE, { credits: "5" }, key);
      const jobId = created.data.jobCreate.job.id;
      const answers = await Promise.all(nodes.flatMap((node) => [node, node]).map((node) => gql(node, JOB_COMPLETE, { id: jobId }, key)));
      const payloads = answers.map((a) => a.data.jobComplete);
      expect(payloads.filter((p) => p.job?.status === "COMPLETED" && p.userErrors.length === 0)).toHaveLength(1);
      expect(payloads.filter((p) => p.userErrors[0]?.code === "JOB_ALREADY_RESOLVED")).toHaveLength(5);
    }
    const viewer = await gql(nodes[0], `{ viewer { balance reserved } }`, {}, key);
    expect(viewer.data.viewer).toEqual({ balance: "90", reserved: "0" });
    expect(await auditAllAccounts(store.reads)).toEqual([]);
  });

  it("credit a payment once when its webhook reaches every node at the same moment", async () => {
    const { id, key } = await account("Buyer", "0");
    for (let round = 0; round < 5; round++) {
      const opened = await gql(
        nodes[round % 3],
        `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/creator", paymentType: CARD }) { checkoutSession { id price { amount currency } } userErrors { code } } }`,
        {},
        key,
      );
      const session = opened.data.checkoutSessionCreate.checkoutSession;
      const timestamp = Math.floor(Date.now() / 1000);
      const payload = JSON.stringify({
        id: `evt_${randomBytes(6).toString("hex")}`,
        type: "checkout.completed",
        created: timestamp,
        data: { session_id: session.id, amount: session.price.amount, currency: session.price.currency },
      });
      const headers = { "content-type": "application/json", "sandbox-signature": signSandboxPayload(SANDBOX_SECRET, payload, timestamp) };
      const answers = await Promise.all(
        nodes.flatMap((node) => [node, node]).map((node) => fetch(`${node.url}/webhooks/sandbox`, { method: "POST", headers, body: payload })),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    }
    const purchases = await rawRows(store, "select id from ledger_entries where account_id = ? and type = 'PURCHASE'", id);
    expect(purchases).toHaveLength(5);
    const sessions = await gql(nodes[1], `{ viewer { wallet(provider: "ugen") { balance } checkoutSessions { nodes { status credits } } } }`, {}, key);
    const nodesOf = sessions.data.viewer.checkoutSessions.nodes as Array<{ status: string; credits: string }>;
    expect(nodesOf.map((s) => s.status)).toEqual(Array(5).fill("COMPLETED"));
    expect(sessions.data.viewer.wallet.balance).toBe(String(5 * Number(nodesOf[0].credits)));
    expect(await auditAllAccounts(store.reads)).toEqual([]);
  });

  it("lose nothing acknowledged when a node is killed with SIGKILL at random moments (10 times), while the others keep serving", async () => {
    const { key } = await account("Load", "1000000");
    const created = new Map<string, string>();
    const completed = new Set<string>();
    /** Creates and completes jobs on one node until it goes away; failures on a node that was not killed are kept. */
    const worker = async (node: ApiNode, prefix: string, failures: string[]) => {
      for (let n = 0; ; n++) {
        const k = `${prefix}-${n}`;
        let jobId: string | undefined;
        try {
          const answer = await gql(node, JOB_CREATE, { credits: "1.5", k }, key);
          jobId = answer.data?.jobCreate?.job?.id;
          if (!jobId) return void failures.push(`${node.url} jobCreate: ${JSON.stringify(answer)}`);
          created.set(k, jobId);
          if (n % 3 === 2) continue;
          const done = await gql(node, JOB_COMPLETE, { id: jobId }, key);
          if (done.data?.jobComplete?.job?.status !== "COMPLETED") return void failures.push(`${node.url} jobComplete: ${JSON.stringify(done)}`);
          completed.add(jobId);
        } catch (error) {
          if (!killed.has(node)) failures.push(`${node.url}: ${String(error)}`);
          return;
        }
        if (stopping) return;
      }
    };
    let stopping = false;
    const killed = new Set<ApiNode>();
    for (let round = 0; round < 10; round++) {
      stopping = false;
      const victim = Math.floor(Math.random() * 3);
      const failures: string[] = [];
      const before = created.size;
      const workers = nodes.flatMap((node, i) => [0, 1].map((w) => worker(node, `r${round}n${i}w${w}`, failures)));
      // Killed under load: once this round has made some jobs (however slow the machine), then at a random moment.
      while (created.size < before + 12 && failures.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 300));
      killed.add(nodes[victim]);
      await stopNode(nodes[victim], "SIGKILL");
      // The survivors keep serving while the victim is down.
      await new Promise((resolve) => setTimeout(resolve, 100));
      stopping = true;
      await Promise.all(workers);
      expect(failures).toEqual([]);
      nodes[victim] = await startNode(env());
    }
    const jobs = new Map((await rawRows<{ id: string; status: string }>(store, "select id, status from jobs")).map((j) => [j.id, j.status]));
    for (const jobId of created.values()) expect(jobs.has(jobId), jobId).toBe(true);
    for (const jobId of completed) expect(jobs.get(jobId), jobId).toBe("COMPLETED");
    expect(await auditAllAccounts(store.reads)).toEqual([]);
    expect(created.size).toBeGreaterThan(100);
    // A retry of an acknowledged jobCreate, on another node, answers with the same job.
    const [someKey, someJob] = [...created.entries()][0];
    const retried = await gql(nodes[2], JOB_CREATE, { credits: "1.5", k: someKey }, key);
    expect(retried.data.jobCreate.job.id).toBe(someJob);
  }, 180_000);
});
