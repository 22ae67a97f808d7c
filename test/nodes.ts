/** API nodes as real processes (`src/main.ts`), for the crash and multi-node tests. */
import { spawn, type ChildProcess } from "node:child_process";

const root = new URL("..", import.meta.url).pathname;

export interface ApiNode {
  child: ChildProcess;
  url: string;
  exited: Promise<unknown>;
  /** What the node printed before it was ready (the first-start keys among it). */
  startupOutput: string;
  /** The last 64 KB the node printed, to tell why a test failed. */
  recentOutput(): string;
}

/** Starts a node with `env` over the test defaults (production, no rate limits, no sweeper); resolves once it listens. */
export async function startNode(env: Record<string, string>): Promise<ApiNode> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      RATE_LIMIT_KEY_PER_SECOND: "0",
      RATE_LIMIT_ADDRESS_PER_SECOND: "0",
      SWEEP_INTERVAL_SECONDS: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let output = "";
  let recent = "";
  let ready = false;
  // Keep reading the pipes (a full pipe would block the server), and only the tail of the request logs.
  const read = (chunk: Buffer) => {
    if (!ready) output += chunk;
    recent = (recent + chunk).slice(-65_536);
  };
  child.stdout!.on("data", read);
  child.stderr!.on("data", read);
  for (let i = 0; i < 600; i++) {
    const match = output.match(/server ready at (http:\/\/\S+)\/graphql/);
    if (match) {
      ready = true;
      return { child, url: match[1], exited, startupOutput: output, recentOutput: () => recent };
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`the node did not start:\n${output}`);
}

/** POSTs a GraphQL operation to a node as `key`; the parsed body, or throws when the connection fails. */
export async function nodeGql(url: string, query: string, variables: Record<string, unknown>, key: string): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as object) };
}

/** A new TEST account made with the admin key on `url`, given `credits` U-Gen credits (granted through `grantUrl`, another node, when given). */
export async function nodeAccount(url: string, adminKey: string, name: string, credits: string, grantUrl = url): Promise<{ id: string; key: string }> {
  // A TEST account: its purchases go through the sandbox, which every node serves.
  const created = await nodeGql(
    url,
    `mutation ($name: String!) { accountCreate(input: { name: $name, mode: TEST }) { account { id } apiKey } }`,
    { name },
    adminKey,
  );
  const { account, apiKey } = created.data.accountCreate;
  if (credits !== "0") {
    const granted = await nodeGql(
      grantUrl,
      `mutation ($id: ID!, $c: Decimal!) { creditsGrant(input: { accountId: $id, provider: "ugen", credits: $c, reason: "test" }) { userErrors { code } } }`,
      { id: account.id, c: credits },
      adminKey,
    );
    if (granted.data?.creditsGrant?.userErrors?.length !== 0) throw new Error(`grant failed: ${JSON.stringify(granted)}`);
  }
  return { id: account.id, key: apiKey };
}

/** Stops a node (SIGTERM, or SIGKILL) and waits for it to exit. */
export async function stopNode(node: ApiNode, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill(signal);
  await node.exited;
}
