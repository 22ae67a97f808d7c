/**
 * CORS as a browser meets it: the preflight (OPTIONS with Origin and Access-Control-Request-Headers)
 * must allow every header a browser app's fetch sends, tracing headers included, or the browser
 * reports "Failed to fetch" and never sends the request. CORS_ORIGINS narrows who may read answers;
 * CORS_ALLOWED_HEADERS adds request headers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { DEFAULT_CORS_ALLOWED_HEADERS } from "../src/http/cors.js";
import { startTestServer, type TestServer } from "./helpers.js";

/** What a browser app instrumented with OpenTelemetry and Sentry, using idempotency keys, sends. */
const BROWSER_HEADERS = ["content-type", "x-api-key", "idempotency-key", "traceparent", "tracestate", "baggage", "sentry-trace"];

/** A browser's preflight: whether it would then send the request (the origin and every requested header allowed). */
async function preflight(url: string, origin: string, headers: string[]) {
  const response = await fetch(`${url}/graphql`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": headers.join(",") },
  });
  const allowOrigin = response.headers.get("access-control-allow-origin");
  const allowed = (response.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(/\s*,\s*/);
  return {
    status: response.status,
    body: await response.text(),
    allowOrigin,
    maxAge: response.headers.get("access-control-max-age"),
    vary: response.headers.get("vary"),
    passes: (allowOrigin === "*" || allowOrigin === origin) && headers.every((header) => allowed.includes(header)),
  };
}

describe("CORS by default (CORS_ORIGINS unset: any origin)", () => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer()));
  afterAll(() => server.close());

  it("passes the preflight of a fetch carrying tracing, Sentry and idempotency headers", async () => {
    const answer = await preflight(server.url, "https://app.example.com", BROWSER_HEADERS);
    expect(answer).toMatchObject({ status: 204, body: "", allowOrigin: "*", maxAge: "86400", passes: true });
    // Every header of the default list, each on its own.
    for (const header of DEFAULT_CORS_ALLOWED_HEADERS) expect((await preflight(server.url, "https://app.example.com", [header])).passes, header).toBe(true);
    // A header nobody allowed is not.
    expect((await preflight(server.url, "https://app.example.com", ["x-tenant-id"])).passes).toBe(false);
  });

  it("lets any origin read answers and the headers it needs (request id, rate limits, ETag)", async () => {
    const { headers } = await server.gql(`{ providers { id } }`, undefined, { origin: "https://app.example.com" });
    expect(headers.get("access-control-allow-origin")).toBe("*");
    const exposed = headers.get("access-control-expose-headers")!.split(/\s*,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(["x-request-id", "retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "etag"]));
  });
});

describe("CORS_ORIGINS and CORS_ALLOWED_HEADERS", () => {
  let server: TestServer;
  beforeAll(async () => {
    const { http } = loadConfig({ CORS_ORIGINS: "https://app.example.com, http://localhost:3000", CORS_ALLOWED_HEADERS: "X-Tenant-Id,x-client-build" });
    server = await startTestServer({ config: { http: { cors: http.cors } } });
  });
  afterAll(() => server.close());

  it("allow a listed origin and not another, saying Vary: Origin", async () => {
    const listed = await preflight(server.url, "https://app.example.com", BROWSER_HEADERS);
    expect(listed).toMatchObject({ status: 204, allowOrigin: "https://app.example.com", passes: true });
    expect(listed.vary).toMatch(/\bOrigin\b/);
    expect((await preflight(server.url, "http://localhost:3000", ["content-type"])).allowOrigin).toBe("http://localhost:3000");

    const other = await preflight(server.url, "https://evil.example.net", BROWSER_HEADERS);
    expect(other).toMatchObject({ allowOrigin: null, passes: false });
    expect(other.vary).toMatch(/\bOrigin\b/);

    // The request itself is answered (CORS is the browser's to enforce), but not readable from that origin.
    const refused = await server.gql(`{ providers { id } }`, undefined, { origin: "https://evil.example.net" });
    expect(refused.status).toBe(200);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    const read = await server.gql(`{ providers { id } }`, undefined, { origin: "https://app.example.com" });
    expect(read.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(read.headers.get("vary")).toMatch(/\bOrigin\b/);
  });

  it("add headers to the default list", async () => {
    const answer = await preflight(server.url, "https://app.example.com", [...BROWSER_HEADERS, "x-tenant-id", "x-client-build"]);
    expect(answer.passes).toBe(true);
  });

  it("keep Vary: Origin beside a GET's own Vary", async () => {
    const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent("{ providers { id } }")}`, {
      headers: { origin: "https://app.example.com", "apollo-require-preflight": "true" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("vary")!.split(/\s*,\s*/)).toEqual(expect.arrayContaining(["Origin", "Accept", "X-API-Key", "Authorization"]));
  });

  it("stop the server at start when malformed, naming the variable", () => {
    for (const [name, value] of [
      ["CORS_ORIGINS", "https://app.example.com/path"],
      ["CORS_ORIGINS", "app.example.com"],
      ["CORS_ORIGINS", "https://*.example.com"],
      ["CORS_ORIGINS", "*, https://app.example.com"],
      ["CORS_ALLOWED_HEADERS", "x-tenant id"],
      ["CORS_ALLOWED_HEADERS", "x-a;x-b"],
    ]) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name} must be`));
    }
    expect(loadConfig({}).http.cors).toEqual({ origins: "*", extraAllowedHeaders: [] });
    expect(loadConfig({ CORS_ORIGINS: " * " }).http.cors.origins).toBe("*");
    expect(loadConfig({ CORS_ORIGINS: "https://App.Example.com/" }).http.cors.origins).toEqual(["https://app.example.com"]);
  });
});
