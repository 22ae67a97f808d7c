/**
 * The API explorer (GET /graphql in a browser) works without the internet: its page and every file
 * it loads come from this server, under a Content-Security-Policy of 'self'. Over HTTP: what a
 * browser gets, what GraphQL clients still get, the files' headers. In a real browser (Debian's
 * chromium, driven by playwright-core): a query typed into GraphiQL shows the catalog, the docs and
 * the headers editor work, a subscription run from it with the key in its headers editor shows a
 * wallet's push; every request the page makes goes to this server, and nothing breaks the CSP.
 * Without /usr/bin/chromium the browser suites are skipped, except in CI (which installs it).
 */
import { existsSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPLORER_SCRIPT } from "../src/http/explorer-client.js";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, type TestServer, SEEDED_PROVIDERS } from "./helpers.js";

const CHROMIUM = "/usr/bin/chromium";
const BROWSER_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  // Offline, as on a network without internet: no name resolves (the test server is an address).
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];
/** What a browser's address bar sends. */
const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const getGraphql = (search: string, headers: Record<string, string>) => fetch(`${server.url}/graphql${search}`, { headers });

describe("GET /graphql from a browser", () => {
  it("is the explorer's page, whose files are all this server's, under a CSP of 'self' and nosniff", async () => {
    const response = await getGraphql("", { accept: BROWSER_ACCEPT });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toMatch(/^default-src 'none'; script-src 'self'; style-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'; connect-src 'self';/);
    const html = await response.text();
    const files = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]).filter((url) => url !== "data:,");
    expect(files.length).toBe(7);
    for (const file of files) {
      expect(file).toMatch(/^\/graphql\/explorer\/[0-9a-f]{16}\/[\w.-]+\.(js|css)$/);
      const plain = await fetch(`${server.url}${file}`, { headers: { "accept-encoding": "identity" } });
      expect(plain.status, file).toBe(200);
      expect(plain.headers.get("content-type")).toBe(file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
      expect(plain.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(plain.headers.get("x-content-type-options")).toBe("nosniff");
      const body = Buffer.from(await plain.arrayBuffer());
      expect(body.length).toBeGreaterThan(100);
      // No file of the page names another host to load from (GraphiQL's fonts are data: URLs in its CSS).
      expect(body.toString("utf8")).not.toMatch(/(?:src|href)=["']?https?:|url\(["']?(?:https?:)?\/\//);
    }
    // The largest file, gzipped for a client that takes it: the same bytes once unzipped.
    const graphiql = files.find((file) => file.endsWith("/graphiql.min.js"))!;
    const { request } = await import("node:http");
    const zipped = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) =>
      request(`${server.url}${graphiql}`, { headers: { "accept-encoding": "gzip, deflate, br" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ encoding: res.headers["content-encoding"], body: Buffer.concat(chunks) }));
      })
        .on("error", reject)
        .end(),
    );
    expect(zipped.encoding).toBe("gzip");
    const original = Buffer.from(await (await fetch(`${server.url}${graphiql}`, { headers: { "accept-encoding": "identity" } })).arrayBuffer());
    expect(zipped.body.length).toBeLessThan(original.length / 2);
    expect(gunzipSync(zipped.body).equals(original)).toBe(true);
    // Another build's file (a page loaded before a deploy) is not found.
    expect((await fetch(`${server.url}/graphql/explorer/0000000000000000/graphiql.min.js`)).status).toBe(404);
  });

  it("is Apollo Sandbox with ?sandbox=apollo, for those online", async () => {
    const response = await getGraphql("?sandbox=apollo", { accept: BROWSER_ACCEPT });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toContain("https://embeddable-sandbox.cdn.apollographql.com");
  });

  it("leaves GraphQL over GET as it was: a request with a query is run, whatever the Accept; JSON clients get no page", async () => {
    const run = await getGraphql("?query=%7Bproviders%7Bid%7D%7D", { accept: BROWSER_ACCEPT, "apollo-require-preflight": "true" });
    expect(run.status).toBe(200);
    expect(((await run.json()) as { data: { providers: unknown[] } }).data.providers).toHaveLength(SEEDED_PROVIDERS);
    // Apollo's CSRF prevention still applies to a GET without a preflight header: an error, not a page.
    const simple = await getGraphql("?query=%7Bproviders%7Bid%7D%7D", { accept: BROWSER_ACCEPT });
    expect(simple.status).toBe(400);
    expect(await simple.text()).toContain("Cross-Site Request Forgery");
    // A persisted query sent by its hash alone is GraphQL too: Apollo answers it, not the explorer.
    const persisted = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } }));
    const byHash = await getGraphql(`?extensions=${persisted}`, { accept: BROWSER_ACCEPT, "apollo-require-preflight": "true" });
    expect(byHash.headers.get("content-type")).not.toContain("text/html");
    expect(await byHash.text()).toContain("PERSISTED_QUERY_NOT_FOUND");
    for (const accept of ["application/json", "application/graphql-response+json", "*/*"]) {
      const missing = await getGraphql("", { accept });
      expect(missing.status, accept).toBe(400);
      expect(missing.headers.get("content-type"), accept).not.toContain("text/html");
    }
  });
});

describe("which operation the explorer sends over WebSocket", () => {
  // The browser script's own reader of a document (GraphiQL's parsed one trails the editor), run here as the page runs it.
  const code = EXPLORER_SCRIPT.slice(EXPLORER_SCRIPT.indexOf("  function operationsOf("), EXPLORER_SCRIPT.indexOf("  function socketClient("));
  const isSubscription = new Function(`${code}; return isSubscription;`)() as (query: string, operationName?: string) => boolean;
  const TWO = `query A { f(s: "subscription {") } subscription B { walletChanged { balance } }`;

  it.each([
    ["subscription { walletChanged { balance } }", undefined, true],
    ["{ providers { id } }", undefined, false],
    ["# subscription {\n{ providers { id } }", undefined, false],
    [TWO, "B", true],
    [TWO, "A", false],
    [TWO, undefined, false],
    [`fragment F on WalletChange { balance } subscription W($p: ID = "x") @live { walletChanged(provider: $p) { ...F } }`, undefined, true],
    [`query Q { f(s: """ a "quoted" subscription { """, t: "\\" subscription {") }`, undefined, false],
    ["mutation M { f }", "M", false],
  ])("%j (operation %s): %s", (query, operationName, expected) => {
    expect(isSubscription(query, operationName)).toBe(expected);
  });
});

const browserMissing = !existsSync(CHROMIUM) && !process.env.CI;
if (browserMissing) console.warn(`test/explorer.test.ts: ${CHROMIUM} is missing, the browser tests are skipped (apt-get install chromium)`);

describe.skipIf(browserMissing)("the explorer in a real browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
  }, 60_000);
  afterAll(() => browser?.close());

  interface Explorer {
    page: Page;
    /** Every URL the page asked for, WebSockets included (data: URLs left out: they are no request). */
    requests: string[];
    /** Requests to /graphql: method and x-api-key header. */
    graphqlRequests: Array<{ method: string; apiKey: string | undefined }>;
    /** What broke: page errors, console errors, CSP violations. */
    problems: () => Promise<string[]>;
  }

  async function openExplorer(): Promise<Explorer> {
    const context = await browser.newContext();
    // A request to another host is recorded (below), then refused here: nothing leaves this machine.
    const host = new URL(server.url).host;
    await context.route(
      (url) => url.host !== host,
      (route) => route.abort("internetdisconnected"),
    );
    const page = await context.newPage();
    const requests: string[] = [];
    const graphqlRequests: Explorer["graphqlRequests"] = [];
    const problems: string[] = [];
    context.on("request", (request) => {
      if (!request.url().startsWith("data:")) requests.push(request.url());
      if (new URL(request.url()).pathname === "/graphql" && request.method() === "POST") {
        graphqlRequests.push({ method: request.method(), apiKey: request.headers()["x-api-key"] });
      }
    });
    page.on("websocket", (socket) => requests.push(socket.url()));
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => message.type() === "error" && problems.push(`console error: ${message.text()}`));
    await page.addInitScript(`window.cspViolations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));`);
    await page.goto(`${server.url}/graphql`);
    // The schema has loaded once the docs can be opened.
    await page.locator('button[aria-label="Show Documentation Explorer"]').waitFor({ timeout: 30_000 });
    return {
      page,
      requests,
      graphqlRequests,
      problems: async () => [...problems, ...(await page.evaluate<string[]>("window.cspViolations")).map((v) => `CSP violation: ${v}`)],
    };
  }

  /** The text of a CodeMirror 5 editor (GraphiQL 4's), as its API reads it: the view draws only what is on screen. */
  const editorText = (page: Page, selector: string) =>
    page
      .locator(selector)
      .filter({ visible: true })
      .evaluate((element: any) => element.CodeMirror.getValue() as string);

  /** Types into an editor as a person would: click, select all, type (GraphiQL closes brackets; typing over them keeps the text). */
  async function typeInto(page: Page, selector: string, text: string) {
    await page.locator(selector).filter({ visible: true }).click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.type(text);
    await page.keyboard.press("Escape");
    expect(await editorText(page, selector)).toBe(text);
  }

  const QUERY_EDITOR = ".graphiql-query-editor .CodeMirror";
  const HEADERS_EDITOR = ".graphiql-editor-tool .CodeMirror";
  const RESULT = ".graphiql-response .CodeMirror";

  /** Polls the result pane until `accept` holds (at most 15 s). */
  async function resultUntil(page: Page, accept: (text: string) => boolean): Promise<string> {
    let text = "";
    for (let i = 0; i < 150; i++) {
      text = await editorText(page, RESULT);
      if (accept(text)) return text;
      await page.waitForTimeout(100);
    }
    throw new Error(`the result pane never showed what was expected; it shows:\n${text}`);
  }

  /** Every request went to this server: its page, files, fetches and WebSockets alike. */
  function expectOnlyThisServer(requests: string[]) {
    const host = new URL(server.url).host;
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => new URL(url).host !== host)).toEqual([]);
  }

  it("runs a query typed into GraphiQL and shows the catalog; docs and headers editor work; nothing from another host", async () => {
    const { page, requests, graphqlRequests, problems } = await openExplorer();
    // The headers editor holds the key's template; the default query reads the catalog.
    expect(await editorText(page, HEADERS_EDITOR)).toBe('{"X-API-Key": ""}');
    expect(await editorText(page, QUERY_EDITOR)).toContain("providers {");

    await typeInto(page, QUERY_EDITOR, "{ providers { id name } }");
    await page.keyboard.press("Control+Enter");
    const shown = JSON.parse(await resultUntil(page, (text) => text.includes('"providers"')));
    const expected = await server.gql(`{ providers { id name } }`);
    expect(shown).toEqual({ data: expected.body.data });
    expect(shown.data.providers.map((provider: { name: string }) => provider.name)).toContain("U-Gen");
    // The empty key of the template is not sent: the catalog is read anonymously.
    expect(graphqlRequests.length).toBeGreaterThanOrEqual(2);
    expect(graphqlRequests.every((request) => request.apiKey === undefined)).toBe(true);

    // The docs: the root types, and a type's fields.
    await page.locator('button[aria-label="Show Documentation Explorer"]').click();
    await page
      .locator(".graphiql-doc-explorer-type-name", { hasText: /^Query$/ })
      .first()
      .click();
    await page.locator(".graphiql-doc-explorer-field-name", { hasText: /^providers$/ }).waitFor();
    expect(await page.locator(".graphiql-doc-explorer-title").textContent()).toBe("Query");
    // A dialog: GraphiQL adds a style element of its own, admitted by the page's nonce.
    await page.locator('button[aria-label="Open settings dialog"]').click();
    await page.getByText("Clear storage").waitFor();
    await page.keyboard.press("Escape");

    expectOnlyThisServer(requests);
    expect(requests.some((url) => url.endsWith("/graphiql.min.js"))).toBe(true);
    expect(await problems()).toEqual([]);
  }, 90_000);

  it("runs a subscription with the key from its headers editor and shows the wallet's pushes", async () => {
    const account = await createTestAccount(server, "Explorer user", "10");
    const { page, requests, problems } = await openExplorer();
    await typeInto(page, HEADERS_EDITOR, `{"X-API-Key": "${account.apiKey}"}`);
    await typeInto(page, QUERY_EDITOR, `subscription { walletChanged(provider: "ugen") { provider balance event { type } } }`);
    const following = server.app.live.follower.subscribers;
    await page.locator(".graphiql-execute-button").click();
    // Pushes are of changes after the subscription starts: change the wallet once the server has it.
    for (let i = 0; i < 200 && server.app.live.follower.subscribers === following; i++) await page.waitForTimeout(50);
    expect(server.app.live.follower.subscribers).toBe(following + 1);
    const granted = await server.gql(
      `mutation ($id: ID!) { creditsGrant(input: { accountId: $id, provider: "ugen", credits: "5", reason: "explorer" }) { userErrors { code } } }`,
      { id: account.accountId },
      { "x-api-key": TEST_ADMIN_KEY },
    );
    expect(granted.body.data.creditsGrant.userErrors).toEqual([]);
    const pushed = JSON.parse(await resultUntil(page, (text) => text.includes("walletChanged")));
    expect(pushed).toEqual({ data: { walletChanged: { provider: "ugen", balance: "15", event: { type: "wallet.credits_added" } } } });
    await page.locator(".graphiql-execute-button").click(); // stops it

    expectOnlyThisServer(requests);
    expect(requests.filter((url) => url.startsWith("ws:"))).toEqual([`${server.url.replace("http:", "ws:")}/graphql`]);
    expect(await problems()).toEqual([]);
  }, 90_000);

  it("says a subscription needs a key rather than connecting without one", async () => {
    const { page, requests, problems } = await openExplorer();
    await typeInto(page, QUERY_EDITOR, `subscription { walletChanged { balance } }`);
    await page.locator(".graphiql-execute-button").click();
    const shown = JSON.parse(await resultUntil(page, (text) => text.includes("errors")));
    expect(shown.errors[0].message).toMatch(/^Subscriptions need your API key: put it in Headers/);
    expect(requests.filter((url) => url.startsWith("ws:"))).toEqual([]);
    expect(await problems()).toEqual([]);
  }, 90_000);
});
