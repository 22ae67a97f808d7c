/**
 * A subscription a client got wrong is answered over graphql-ws as the same document is over HTTP:
 * a syntax error is GRAPHQL_PARSE_FAILED, a validation error GRAPHQL_VALIDATION_FAILED, with the
 * same message (in production without "Did you mean" hints) and extensions, logged at info level
 * as a client's mistake, never as an internal error.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import { createTestAccount, startTestServer, type TestAccount, type TestServer } from "./helpers.js";
import { liveClient } from "./live-client.js";

const MISTAKES = {
  "a syntax error": { query: `subscription { walletChanged { balance }`, code: "GRAPHQL_PARSE_FAILED" },
  "an unknown field": { query: `subscription { walletChanged { balanc } }`, code: "GRAPHQL_VALIDATION_FAILED" },
  "an unknown variable type": { query: `subscription ($p: Nope) { walletChanged(provider: $p) { balance } }`, code: "GRAPHQL_VALIDATION_FAILED" },
};

describe.each(["test", "production"] as const)("a subscription a client got wrong (NODE_ENV=%s)", (nodeEnv) => {
  let server: TestServer;
  let buyer: TestAccount;
  const lines: string[] = [];
  beforeAll(async () => {
    const destination = new Writable({ write: (chunk, _encoding, done) => (lines.push(...String(chunk).split("\n").filter(Boolean)), done()) });
    server = await startTestServer({ logger: createLogger("info", destination), config: { nodeEnv } });
    buyer = await createTestAccount(server, "Mistaken", "0");
  });
  afterAll(() => server?.close());

  it.each(Object.entries(MISTAKES))("is answered over graphql-ws as over HTTP: %s", async (_name, { query, code }) => {
    const overHttp = await server.gql(query, undefined, buyer.key);
    expect(overHttp.status).toBe(400);
    const live = liveClient(server, { apiKey: buyer.apiKey });
    try {
      const subscription = live.subscribe(query);
      await subscription.completed;
      expect(subscription.errors).toHaveLength(1);
      const [overWs] = subscription.errors as Array<{ message: string; extensions: Record<string, unknown> }>;
      expect(overWs.extensions.code).toBe(code);
      if (nodeEnv === "production") expect(overWs.message).not.toMatch(/Did you mean/);
      // Over HTTP, a subscription also hears it must use graphql-ws: the same error is among them.
      expect(overHttp.body.errors).toContainEqual(overWs);
    } finally {
      await live.dispose();
    }
    const logged = lines.map((line) => JSON.parse(line)).filter((entry) => entry.transport === "graphql-ws");
    expect(logged.at(-1)).toMatchObject({ level: "info", message: "client error", code });
    expect(lines.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });
});
