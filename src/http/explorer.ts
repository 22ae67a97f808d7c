/**
 * The API explorer a browser gets on GET /graphql: GraphiQL, served whole by this server so that it
 * works without the internet (no CDN, no fonts from elsewhere). Its files are the prebuilt browser
 * bundles that runtime dependencies ship (graphiql's, React 18's and graphql-ws's UMD builds) plus
 * this API's settings (./explorer-client.ts); each is served under a path naming its content's
 * hash, cached for a year. `?sandbox=apollo` gives Apollo Sandbox instead, for those online.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import Negotiator from "negotiator";
import { apolloSandboxPage } from "./apollo-sandbox.js";
import { EXPLORER_SCRIPT, EXPLORER_STYLE } from "./explorer-client.js";
import { HttpError } from "./errors.js";
import { headerValue } from "./request.js";
import { respond } from "./respond.js";

/** Where the explorer's files are served: /graphql/explorer/<content hash>/<file>. */
export const EXPLORER_ASSETS_PATH = "/graphql/explorer/";

/**
 * Only this server: scripts, styles and fetches (WebSocket connections to this host included:
 * CSP 3's 'self' matches ws: and wss: of the page's own host). GraphiQL's stylesheet carries its
 * fonts and a few images as data: URLs. The one style element GraphiQL makes itself (its dialogs'
 * scroll lock, through get-nonce's __webpack_nonce__) carries the page's nonce; no inline script
 * runs at all.
 */
export function explorerContentSecurityPolicy(styleNonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${styleNonce}'`,
    "connect-src 'self'",
    "font-src 'self' data:",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join("; ");
}

const JAVASCRIPT = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

interface AssetSource {
  name: string;
  contentType: string;
  /** A file of a runtime dependency ([package, path inside it]), or text of our own. */
  from: readonly [string, string] | string;
}

/** In the order the page loads them: React before GraphiQL, GraphiQL before our script. */
const STYLES: AssetSource[] = [
  { name: "graphiql.min.css", contentType: CSS, from: ["graphiql", "graphiql.min.css"] },
  { name: "explorer.css", contentType: CSS, from: EXPLORER_STYLE },
];
const SCRIPTS: AssetSource[] = [
  { name: "react.production.min.js", contentType: JAVASCRIPT, from: ["react", "umd/react.production.min.js"] },
  { name: "react-dom.production.min.js", contentType: JAVASCRIPT, from: ["react-dom", "umd/react-dom.production.min.js"] },
  { name: "graphql-ws.min.js", contentType: JAVASCRIPT, from: ["graphql-ws", "umd/graphql-ws.min.js"] },
  { name: "graphiql.min.js", contentType: JAVASCRIPT, from: ["graphiql", "graphiql.min.js"] },
  { name: "explorer.js", contentType: JAVASCRIPT, from: EXPLORER_SCRIPT },
];

interface Asset {
  url: string;
  contentType: string;
  body: Buffer;
  gzipped: Buffer;
}

interface Explorer {
  page: (styleNonce: string) => string;
  assets: Map<string, Asset>;
}

const require = createRequire(import.meta.url);
const gzipped = promisify(gzip);

async function loadAsset(source: AssetSource): Promise<Asset> {
  const body =
    typeof source.from === "string"
      ? Buffer.from(source.from, "utf8")
      : await readFile(join(dirname(require.resolve(`${source.from[0]}/package.json`)), source.from[1]));
  const hash = createHash("sha256").update(body).digest("hex").slice(0, 16);
  return { url: `${EXPLORER_ASSETS_PATH}${hash}/${source.name}`, contentType: source.contentType, body, gzipped: await gzipped(body) };
}

function explorerPage(styles: Asset[], scripts: Asset[], styleNonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphQL explorer</title>
<link rel="icon" href="data:,">
${styles.map((style) => `<link rel="stylesheet" href="${style.url}">`).join("\n")}
</head>
<body>
<div id="graphiql" data-style-nonce="${styleNonce}"><p class="explorer-loading">Loading the GraphQL explorer…</p></div>
${scripts.map((script) => `<script src="${script.url}"></script>`).join("\n")}
</body>
</html>
`;
}

let explorer: Promise<Explorer> | undefined;

/** Read once per process, on the first browser's visit: the files never change while it runs. */
function loadExplorer(): Promise<Explorer> {
  explorer ??= (async () => {
    const styles = await Promise.all(STYLES.map(loadAsset));
    const scripts = await Promise.all(SCRIPTS.map(loadAsset));
    return {
      page: (styleNonce: string) => explorerPage(styles, scripts, styleNonce),
      assets: new Map([...styles, ...scripts].map((asset) => [asset.url, asset])),
    };
  })().catch((error: unknown) => {
    explorer = undefined;
    throw error;
  });
  return explorer;
}

/** The media types Apollo chooses among for a GET (its prefersHTML), so a GraphQL client's Accept never gets a page. */
const GRAPHQL_MEDIA_TYPES = [
  "application/json",
  "application/graphql-response+json",
  "multipart/mixed; deferSpec=20220824",
  "multipart/mixed; incrementalSpec=v0.2",
  "multipart/mixed",
];

export type BrowserPage = "explorer" | "apollo-sandbox";

/**
 * The page a browser's GET /graphql gets: when its Accept prefers text/html and it is not a GraphQL
 * GET request (no `query` or `extensions` parameter, e.g. a persisted query's hash: those run as
 * GraphQL, whatever the Accept). Null otherwise.
 */
export function browserPage(method: string, accept: string | undefined, search: string): BrowserPage | null {
  if (method !== "GET" || !accept) return null;
  if (new Negotiator({ headers: { accept } }).mediaType([...GRAPHQL_MEDIA_TYPES, "text/html"]) !== "text/html") return null;
  const parameters = new URLSearchParams(search);
  if (parameters.has("query") || parameters.has("extensions")) return null;
  return parameters.get("sandbox") === "apollo" ? "apollo-sandbox" : "explorer";
}

export async function serveBrowserPage(res: ServerResponse, page: BrowserPage): Promise<void> {
  // Each answer has a nonce of its own: never stored. Its files' paths change with their content.
  const html = { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" };
  if (page === "apollo-sandbox") return respond(res, 200, html, await apolloSandboxPage());
  const explorer = await loadExplorer();
  const styleNonce = randomBytes(16).toString("base64");
  respond(
    res,
    200,
    { ...html, "content-security-policy": explorerContentSecurityPolicy(styleNonce), "referrer-policy": "no-referrer" },
    explorer.page(styleNonce),
  );
}

/** GET /graphql/explorer/<hash>/<file>: the file of this build, gzipped for a client that takes it. */
export async function serveExplorerAsset(req: IncomingMessage, res: ServerResponse, method: string, pathname: string): Promise<void> {
  if (method !== "GET" && method !== "HEAD") throw new HttpError(405, "Use GET for the explorer's files", { allow: "GET, HEAD" });
  const asset = (await loadExplorer()).assets.get(pathname);
  // Another build's file (a page loaded before a deploy): the page is to be reloaded.
  if (!asset) throw new HttpError(404, `No explorer file ${pathname}: reload /graphql`);
  const takesGzip = new Negotiator({ headers: { "accept-encoding": headerValue(req, "accept-encoding") ?? "" } }).encoding(["gzip", "identity"]) === "gzip";
  respond(
    res,
    200,
    {
      "content-type": asset.contentType,
      "cache-control": "public, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
      vary: "accept-encoding",
      ...(takesGzip ? { "content-encoding": "gzip" } : {}),
    },
    takesGzip ? asset.gzipped : asset.body,
  );
}
