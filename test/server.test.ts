import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.js";
import type { SqliteStore } from "../src/store/sqlite/store.js";
import { freshCatalog, freshStore, startTestServer, type TestServer } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ maxBodyBytes: 4096 });
});
afterAll(() => server.close());

describe("HTTP surface", () => {
  it("answers GET /health with 200 while the database is reachable", async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", catalogVersion: server.app.services.catalog.version() });
  });

  it("answers 503 on /health once the database is gone", async () => {
    const other = await startTestServer({ store: freshStore() });
    (other.store as SqliteStore).sqlite.close();
    const response = await fetch(`${other.url}/health`);
    expect(response.status).toBe(503);
    await other.app.close();
  });

  it("serves the offline explorer (GraphiQL) to a browser on GET /graphql, Apollo Sandbox on ?sandbox=apollo", async () => {
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const page = await response.text();
    expect(page).toMatch(/<script src="\/graphql\/explorer\/[0-9a-f]+\/graphiql\.min\.js">/);
    expect(page).not.toContain("apollographql.com");
    // The rest (its files, CSP, in a real browser): test/explorer.test.ts.
    const sandbox = await fetch(`${server.url}/graphql?sandbox=apollo`, { headers: { accept: "text/html" } });
    expect(await sandbox.text()).toContain("apollographql.com");
  });

  it("lets Apollo Studio in: CORS preflight and headers on responses", async () => {
    const preflight = await fetch(`${server.url}/graphql`, {
      method: "OPTIONS",
      headers: {
        origin: "https://studio.apollographql.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, x-api-key",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("x-api-key");
    const { headers } = await server.gql(`{ providers { id } }`, undefined, { origin: "https://studio.apollographql.com" });
    expect(headers.get("access-control-allow-origin")).toBe("*");
  });

  it("supports introspection", async () => {
    const { body } = await server.gql(`{ __schema { queryType { fields { name } } } }`);
    const names = body.data.__schema.queryType.fields.map((f: any) => f.name);
    expect(names).toEqual(expect.arrayContaining(["providers", "provider", "product", "model", "creditPacks", "subscriptionPlans", "node"]));
  });

  it("echoes a request id, or makes one", async () => {
    const given = await server.gql(`{ providers { id } }`, undefined, { "x-request-id": "abc-123" });
    expect(given.headers.get("x-request-id")).toBe("abc-123");
    const made = await server.gql(`{ providers { id } }`);
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("bad requests", () => {
  it("rejects malformed arguments with a 400 GraphQL validation error", async () => {
    for (const query of [
      `{ provider { id } }`,
      `{ provider(id: {a: 1}) { id } }`,
      `{ providers { id nope } }`,
      `{ creditPacks(provider: [1, 2]) { id } }`,
      `{ providers { id `,
    ]) {
      const { status, body } = await server.gql(query);
      expect(status, query).toBe(400);
      expect(body.data).toBeUndefined();
      expect(["GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"]).toContain(body.errors![0].extensions!.code);
    }
  });

  it("rejects variables of the wrong type with a 400", async () => {
    const { status, body } = await server.gql(`query ($id: ID!) { provider(id: $id) { id } }`, { id: { x: 1 } });
    expect(status).toBe(400);
    expect(body.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
  });

  it("rejects invalid JSON with a 400 in the GraphQL error shape", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{ not json",
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.errors[0].extensions.code).toBe("BAD_REQUEST");
  });

  it("refuses a body over the configured limit with 413", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ providers { id } }`, variables: { pad: "x".repeat(5000) } }),
    });
    expect(response.status).toBe(413);
  });

  it("keeps CSRF prevention on: a simple form-like POST is refused", async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ query: `{ providers { id } }` }),
    });
    expect(response.status).toBe(400);
  });

  it("answers unknown routes with 404", async () => {
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});

describe("unexpected failures", () => {
  it("are masked: no stack trace, no internal message, and the log keeps the cause", async () => {
    // The server's own logger, writing its JSON lines here: what an operator's log would keep.
    const logged: string[] = [];
    const logger = createLogger("error", { write: (line: string) => void logged.push(line) });
    const catalog = freshCatalog();
    const broken = await startTestServer({ catalog, logger });
    catalog.sqlite.exec("DROP TABLE subscription_plans");
    const { status, body } = await broken.gql(`{ subscriptionPlans { id } }`);
    await broken.close();

    expect(status).toBe(200);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toEqual({
      message: "Internal server error",
      path: ["subscriptionPlans"],
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
    expect(JSON.stringify(body)).not.toMatch(/sqlite|subscription_plans|at .*\.ts/i);
    expect(logged.join("\n")).toContain("no such table: subscription_plans");
  });
});
