/**
 * Requests refused before GraphQL runs (429, 413, 400 for bodies that are not JSON or not UTF-8,
 * 405, 404) answer in the media type the client accepts, chosen as Apollo chooses it, with the code
 * in `extensions`; a rate-limited caller sees RateLimit-* headers on every answer. A real Apollo
 * Client 4 reads RATE_LIMITED from a 429.
 */
import { ApolloClient, CombinedGraphQLErrors, gql, HttpLink, InMemoryCache } from "@apollo/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, startTestServer, type TestAccount, type TestServer } from "./helpers.js";

/** What Apollo Client 4's HttpLink sends. */
const APOLLO_CLIENT_ACCEPT = "application/graphql-response+json,application/json;q=0.9";
const GRAPHQL_RESPONSE_JSON = "application/graphql-response+json; charset=utf-8";
const APPLICATION_JSON = "application/json; charset=utf-8";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ maxBodyBytes: 4096 });
});
afterAll(() => server.close());

async function send(path: string, init: { method?: string; body?: string | Buffer; accept?: string; headers?: Record<string, string> }) {
  const response = await fetch(`${server.url}${path}`, {
    method: init.method ?? "POST",
    headers: { "content-type": "application/json", ...(init.accept === undefined ? {} : { accept: init.accept }), ...init.headers },
    body: init.body,
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type"), headers: response.headers, json: JSON.parse(text) };
}

const REFUSALS: Array<[string, number, string, (accept?: string) => ReturnType<typeof send>]> = [
  [
    "a body over the limit",
    413,
    "PAYLOAD_TOO_LARGE",
    (accept) => send("/graphql", { accept, body: JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(5000) } }) }),
  ],
  ["invalid JSON", 400, "BAD_REQUEST", (accept) => send("/graphql", { accept, body: "{ not json" })],
  ["invalid UTF-8", 400, "BAD_REQUEST", (accept) => send("/graphql", { accept, body: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) })],
  ["PUT /graphql", 405, "METHOD_NOT_ALLOWED", (accept) => send("/graphql", { accept, method: "PUT", body: "{}" })],
  ["an unknown route", 404, "NOT_FOUND", (accept) => send("/nope", { accept, method: "GET" })],
];

/** The media type Apollo itself answers a GraphQL error in, for this Accept header. */
async function apolloMediaType(accept: string | undefined): Promise<string | null> {
  return (await send("/graphql", { accept, body: JSON.stringify({ query: "{ nope }" }) })).contentType;
}

describe("refusals before GraphQL", () => {
  it.each(REFUSALS)("%s: %i in the media type Apollo Client 4 asks for, with the code in extensions", async (_label, status, code, refuse) => {
    const answer = await refuse(APOLLO_CLIENT_ACCEPT);
    expect(answer.status).toBe(status);
    expect(answer.contentType).toBe(GRAPHQL_RESPONSE_JSON);
    expect(answer.json.errors[0].extensions.code).toBe(code);
    expect(answer.json.errors[0].message).toEqual(expect.any(String));
  });

  it.each([
    [undefined, APPLICATION_JSON],
    ["application/json", APPLICATION_JSON],
    ["application/graphql-response+json", GRAPHQL_RESPONSE_JSON],
    ["application/json, application/graphql-response+json", APPLICATION_JSON],
    ["application/json;q=0.5, application/graphql-response+json", GRAPHQL_RESPONSE_JSON],
    ["*/*", APPLICATION_JSON],
  ])("Accept %s: the media type Apollo negotiates for GraphQL answers (%s)", async (accept, expected) => {
    expect(await apolloMediaType(accept)).toBe(expected);
    for (const [, , , refuse] of REFUSALS) expect((await refuse(accept)).contentType).toBe(expected);
  });

  it("an Accept header that names neither (Apollo: 406) still gets a readable application/json refusal", async () => {
    expect((await send("/graphql", { accept: "text/html", body: "{ not json" })).contentType).toBe(APPLICATION_JSON);
  });

  it("405 says which methods are allowed", async () => {
    const answer = await send("/graphql", { method: "PUT", body: "{}" });
    expect(answer.headers.get("allow")).toBe("GET, POST");
  });
});

describe("rate-limit headers", () => {
  let limited: TestServer;
  let account: TestAccount;
  beforeAll(async () => {
    limited = await startTestServer({ config: { rateLimits: { perKey: { perSecond: 0.5, burst: 3 }, perAddress: { perSecond: 1, burst: 1000 } } } });
    account = await createTestAccount(limited, "Limited");
  });
  afterAll(() => limited.close());

  const viewer = () =>
    fetch(`${limited.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: APOLLO_CLIENT_ACCEPT, ...account.key },
      body: JSON.stringify({ query: "{ viewer { id } }" }),
    });
  const rateHeaders = (response: Response) =>
    ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "retry-after"].map((name) => response.headers.get(name));

  it("are on every answer to a limited caller, the key's bucket before the address's; a 429 adds Retry-After and RATE_LIMITED", async () => {
    const answers = [];
    // Uses 1, 2, 3: compiled on the second, run directly on the third; the headers are on all of them.
    for (let i = 0; i < 4; i++) answers.push(await viewer());
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    // 3 requests per window of 3 / 0.5 = 6 seconds, which starts at the first.
    expect(answers.map(rateHeaders)).toEqual([
      ["3", "2", "6", null],
      ["3", "1", "6", null],
      ["3", "0", "6", null],
      ["3", "0", "6", "6"],
    ]);
    const refused = answers[3];
    expect(refused.headers.get("content-type")).toBe(GRAPHQL_RESPONSE_JSON);
    expect(((await refused.json()) as any).errors[0].extensions.code).toBe("RATE_LIMITED");
  });

  it("without a key, the address's bucket, on answers from the public response cache too", async () => {
    const answers = [];
    for (let i = 0; i < 3; i++)
      answers.push(
        await fetch(`${limited.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "{ providers { id } }" }),
        }),
      );
    expect(answers.map((r) => r.headers.get("ratelimit-limit"))).toEqual(["1000", "1000", "1000"]);
    const remaining = answers.map((r) => Number(r.headers.get("ratelimit-remaining")));
    expect(remaining[1]).toBeLessThan(remaining[0]);
    expect(remaining[2]).toBeLessThan(remaining[1]);
  });

  it("are readable by browsers (CORS exposes them) and absent where no limit applies", async () => {
    const answer = await viewer();
    const exposed = answer.headers.get("access-control-expose-headers")!.split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(["retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"]));
    const health = await fetch(`${limited.url}/health`);
    expect(health.headers.get("ratelimit-limit")).toBeNull();
    const unlimited = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(unlimited.headers.get("ratelimit-limit")).toBeNull();
  });
});

describe("Apollo Client 4", () => {
  it("reads RATE_LIMITED (and PAYLOAD_TOO_LARGE) from the refusal, as a GraphQL error", async () => {
    const limited = await startTestServer({ maxBodyBytes: 4096, config: { rateLimits: { perKey: { perSecond: 0.01, burst: 2 }, perAddress: null } } });
    const { key } = await createTestAccount(limited, "Client");
    const sent: Array<{ accept: string | null; body: any }> = [];
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: new HttpLink({
        uri: `${limited.url}/graphql`,
        headers: key,
        fetch: async (input, init) => {
          sent.push({ accept: new Headers(init?.headers).get("accept"), body: JSON.parse(String(init?.body)) });
          return fetch(input, init);
        },
      }),
    });
    const viewer = gql`
      query Viewer {
        viewer {
          id
        }
      }
    `;
    const errorOf = (run: Promise<unknown>) =>
      run.then(
        () => null,
        (error: unknown) => error,
      );
    try {
      // The key's bucket holds 2 (createTestAccount used the admin's): a refused body, a query, then 429.
      const big = await errorOf(
        client.query({
          query: gql`
            query Big($pad: ID!) {
              provider(id: $pad) {
                id
              }
            }
          `,
          variables: { pad: "x".repeat(5000) },
          fetchPolicy: "network-only",
        }),
      );
      expect(CombinedGraphQLErrors.is(big)).toBe(true);
      expect((big as CombinedGraphQLErrors).errors[0].extensions?.code).toBe("PAYLOAD_TOO_LARGE");

      await client.query({ query: viewer, fetchPolicy: "network-only" });
      const error = await errorOf(client.query({ query: viewer, fetchPolicy: "network-only" }));
      expect(CombinedGraphQLErrors.is(error)).toBe(true);
      expect((error as CombinedGraphQLErrors).errors[0].extensions?.code).toBe("RATE_LIMITED");
      expect((error as CombinedGraphQLErrors).errors[0].message).toMatch(/Too many requests for this API key; retry after \d+ s/);
    } finally {
      client.stop();
      await limited.close();
    }
    // What it sent: the Accept header the refusals are negotiated for, and its clientLibrary.
    expect(sent[0].accept).toBe(APOLLO_CLIENT_ACCEPT);
    expect(sent[0].body.extensions.clientLibrary).toEqual({ name: "@apollo/client", version: expect.stringMatching(/^4\./) });
  });
});
