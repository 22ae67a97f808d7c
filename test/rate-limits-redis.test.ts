/**
 * Rate limits across nodes: with REDIS_URL, two servers count one window, so a client spreading
 * its requests over both is limited as by one; when Redis does not answer, each server still
 * answers, counting on its own. Needs the Redis of the project's machines (127.0.0.1:6379, or
 * TEST_REDIS_URL); skipped, with one line saying so, where there is none.
 */
import { randomBytes } from "node:crypto";
import { createConnection } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

async function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) }, () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const available = await reachable(REDIS_URL);
if (!available) console.log(`rate-limits-redis: skipped, no Redis at ${REDIS_URL} (set TEST_REDIS_URL)`);

// Five requests per five seconds per client address, whichever node they reach.
const rateLimits = { perKey: null, perAddress: { perSecond: 1, burst: 5 } };
const servers: TestServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
});

const status = async (server: TestServer) => (await server.gql(`{ __typename }`)).status;

describe.skipIf(!available)("rate limits with REDIS_URL", () => {
  it("are one limit across nodes", async () => {
    const namespace = `test-${randomBytes(6).toString("hex")}`;
    const [a, b] = await Promise.all([0, 1].map(() => startTestServer({ config: { rateLimits, redisUrl: REDIS_URL }, redisNamespace: namespace })));
    servers.push(a, b);
    // Shared from the first request: the window is counted in Redis.
    const first = await a.gql(`{ __typename }`);
    expect(first.headers.get("ratelimit-remaining")).toBe("4");
    expect([await status(a), await status(a), await status(b), await status(b)]).toEqual([200, 200, 200, 200]);
    const refused = await b.gql(`{ __typename }`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^[1-5]$/);
    expect(await status(a)).toBe(429);
  });

  it("count per node, and keep answering, while Redis does not answer", async () => {
    const down = { config: { rateLimits, redisUrl: "redis://127.0.0.1:1" }, redisNamespace: "unreachable" };
    const [a, b] = await Promise.all([startTestServer(down), startTestServer(down)]);
    servers.push(a, b);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await status(a), await status(b));
    expect(answers).toEqual(Array(10).fill(200));
    expect(await status(a)).toBe(429);
  });
});
