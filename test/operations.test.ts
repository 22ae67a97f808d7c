/** Rate limits, structured logs with request ids, Prometheus metrics, production switches. */
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import { RateLimits } from "../src/rate-limit.js";
import { createTestAccount, freshCatalog, readMetrics, startTestServer, TEST_ADMIN_KEY, TEST_METRICS_TOKEN } from "./helpers.js";

describe("rate limits", () => {
  it("allow a burst per window of burst / perSecond seconds, then refuse until the window starts again", async () => {
    const limits = new RateLimits({ perKey: { perSecond: 2, burst: 3 }, perAddress: null });
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limits.take("a", null));
    expect(decisions.map((d) => d!.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3]).toEqual({ allowed: false, limit: 3, remaining: 0, resetSeconds: 2, retryAfterSeconds: 2, scope: "key" });
    expect((await limits.take("b", null))!.allowed).toBe(true);
    expect(await limits.take(null, "10.0.0.1")).toBeNull();
  });

  it("spend none of the address's requests on a request its key's limit refuses", async () => {
    const limits = new RateLimits({ perKey: { perSecond: 1, burst: 1 }, perAddress: { perSecond: 1, burst: 5 } });
    expect((await limits.take("k", "a"))!).toMatchObject({ allowed: true, scope: "key", remaining: 0 });
    expect((await limits.take("k", "a"))!).toMatchObject({ allowed: false, scope: "key" });
    expect((await limits.take(null, "a"))!).toMatchObject({ allowed: true, scope: "address", remaining: 3 });
  });
});

describe("rate limiting over HTTP", () => {
  it("answers 429 with Retry-After per API key, and per client address", async () => {
    const server = await startTestServer({
      config: { rateLimits: { perKey: { perSecond: 0.5, burst: 3 }, perAddress: { perSecond: 0.5, burst: 8 } } },
    });
    const created = await server.gql(`mutation { accountCreate(input: { name: "Busy" }) { apiKey } }`, undefined, { "x-api-key": TEST_ADMIN_KEY });
    const key = { "x-api-key": created.body.data.accountCreate.apiKey };
    // The admin call above used 1 of the address's 8 and 1 of the admin key's 3.
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await server.gql(`{ viewer { id } }`, undefined, key)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...key },
      body: JSON.stringify({ query: "{ viewer { id } }" }),
    });
    // 3 requests per window of 3 / 0.5 = 6 seconds.
    expect(limited.headers.get("retry-after")).toBe("6");
    expect(((await limited.json()) as any).errors[0].extensions.code).toBe("RATE_LIMITED");

    // Without a key only the address limit applies; it runs out too.
    const anonymous = [];
    for (let i = 0; i < 8; i++) anonymous.push((await server.gql(`{ providers { id } }`)).status);
    expect(anonymous.filter((s) => s === 429).length).toBeGreaterThan(0);
    // Health, metrics and payment webhooks are not limited.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const metrics = await readMetrics(server);
    expect(metrics).toMatch(/rate_limited_requests_total\{scope="key"\} [1-9]/);
    await server.close();
  });
});

describe("logs", () => {
  it("are JSON lines, and every line of a request carries its request id", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    const catalog = freshCatalog();
    const server = await startTestServer({ catalog, logger: createLogger("info", sink) });
    catalog.sqlite.exec("DROP TABLE subscription_plans");
    await server.gql(`{ providers { id } }`, undefined, { "x-request-id": "req-ok-1" });
    await server.gql(`{ subscriptionPlans { id } }`, undefined, { "x-request-id": "req-broken-2" });
    await server.close();

    const entries = lines.map((line) => JSON.parse(line));
    const ok = entries.filter((e) => e.requestId === "req-ok-1");
    expect(ok).toEqual([expect.objectContaining({ level: "info", message: "request", method: "POST", path: "/graphql", status: 200 })]);
    const broken = entries.filter((e) => e.requestId === "req-broken-2");
    expect(broken.map((e) => e.message)).toEqual(["unexpected error while executing a request", "request"]);
    // The error as its class, code, message and causes (and stack, at error level): never a query's parameters.
    expect(broken[0].error).toMatchObject({ class: expect.any(String), code: "SQLITE_ERROR", stack: expect.any(String) });
    expect(broken[0].error.message).toContain("no such table: subscription_plans");
    for (const entry of entries) expect(entry.time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
  it("have one message key: a client error's line says the error's message as errorMessage", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    const server = await startTestServer({ logger: createLogger("info", sink) });
    await server.gql(`{ providers { id nope } }`, undefined, { "x-request-id": "req-invalid-3" });
    await server.close();

    const line = lines.find((raw) => raw.includes('"req-invalid-3"') && raw.includes('"client error"'))!;
    // A JSON parser keeps the last of two equal keys: the raw line must have just one.
    expect(line.match(/"message":/g)).toHaveLength(1);
    expect(JSON.parse(line)).toMatchObject({
      level: "info",
      message: "client error",
      code: "GRAPHQL_VALIDATION_FAILED",
      errorMessage: expect.stringContaining('Cannot query field "nope"'),
    });
  });

  it("rename a field named like one of the line's own keys, so none appears twice", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk).trim());
        done();
      },
    });
    const logger = createLogger("info", sink);
    logger.info("the line", { message: "a field", level: "a field", time: 1 });
    logger.child({ requestId: "bound" }).info("a child's line", { requestId: "given", message: "a field" });
    for (const line of lines) {
      for (const key of ["message", "level", "time", "requestId"]) expect(line.split(`"${key}":`).length, line).toBeLessThanOrEqual(2);
    }
    expect(JSON.parse(lines[0])).toMatchObject({ message: "the line", level: "info", contextMessage: "a field", contextLevel: "a field", contextTime: 1 });
    expect(JSON.parse(lines[1])).toMatchObject({ message: "a child's line", requestId: "bound", contextRequestId: "given", contextMessage: "a field" });
  });
});

describe("metrics", () => {
  it("count requests, latencies, errors by code and ledger operations", async () => {
    const server = await startTestServer();
    const { apiKey } = await createTestAccount(server, "Metered", "10");
    await server.gql(`mutation { jobCreate(input: { credits: "4" }) { job { id } } }`, undefined, { "x-api-key": apiKey });
    await server.gql(`{ estimate(input: { productId: "nope/nope" }) { totalCredits } }`);
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toMatch(/http_requests_total\{route="\/graphql",method="POST",status="200"\} [4-9]/);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0\.1",route="\/graphql"\} \d+/);
    expect(text).toMatch(/graphql_errors_total\{code="BAD_USER_INPUT"\} 1/);
    expect(text).toMatch(/ledger_entries_total\{type="BONUS"\} 1/);
    expect(text).toMatch(/ledger_entries_total\{type="RESERVE"\} 1/);
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
    await server.close();
  });
});

describe("production switches", () => {
  it("hides field suggestions in production but keeps introspection on, unless switched off", async () => {
    const development = await startTestServer();
    const hint = await development.gql(`{ providerz { id } }`);
    expect(hint.body.errors![0].message).toMatch(/Did you mean "providers?"/);
    await development.close();

    const production = await startTestServer({ config: { nodeEnv: "production" } });
    const noHint = await production.gql(`{ providerz { id } }`);
    expect(noHint.body.errors![0].message).not.toMatch(/Did you mean/);
    expect((await production.gql(`{ __schema { queryType { name } } }`)).body.data.__schema.queryType.name).toBe("Query");
    await production.close();

    const closed = await startTestServer({ config: { nodeEnv: "production", introspection: false } });
    const refused = await closed.gql(`{ __schema { queryType { name } } }`);
    expect(refused.status).toBe(400);
    await closed.close();
  });
});
