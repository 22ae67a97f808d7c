/**
 * The HTTP server: Apollo on plain node:http (no framework in the hot path), plus /health.
 * `createApp` is what main.ts starts and what the tests start on an ephemeral port.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type GraphQLRequestListener } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { presentedKey, sha256 } from "./accounts/keys.js";
import { systemClock, type Clock } from "./clock.js";
import type { Config } from "./config.js";
import { isHealthy, type Database } from "./db/client.js";
import { createContext, createServices, type Context, type Services } from "./graphql/context.js";
import { DirectOperations, directRequestOf } from "./graphql/direct-execution.js";
import { createErrorFormatter, ErrorCode } from "./graphql/errors.js";
import { jitGateway } from "./graphql/executor.js";
import { DEFAULT_LIMITS, graphqlProtections } from "./graphql/limits.js";
import { PublicResponseCache } from "./graphql/response-cache.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { TokenBucketLimiter } from "./rate-limit.js";
import { appSchema } from "./graphql/schema.js";
import type { Logger } from "./logger.js";
import { billingPage, handleWebhook, type HttpAnswer } from "./billing/http.js";

export interface AppOptions {
  database: Database;
  config: Pick<
    Config,
    "nodeEnv" | "maxBodyBytes" | "shutdownTimeoutMs" | "jobTtlMs" | "idempotencyTtlMs" | "sweepIntervalMs" | "billing"
  > &
    Partial<Pick<Config, "introspection" | "trustProxy" | "limits" | "rateLimits">>;
  logger: Logger;
  clock?: Clock;
  /** The admin key (ADMIN_API_KEY); when absent, the one stored at an earlier start, or a new one. */
  adminApiKey?: string;
}

export interface App {
  services: Services;
  /** Set when this start generated the admin key: print it once. */
  generatedAdminKey: string | null;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting connections, lets in-flight requests finish (up to the timeout), stops Apollo. */
  close(): Promise<void>;
  httpServer: Server;
}

// Keys travel in headers, never cookies, so any origin (Apollo Studio included) may call us.
const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "x-request-id, retry-after",
};
/** What a browser asks for in a preflight (OPTIONS) only. */
const CORS_PREFLIGHT_HEADERS = {
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers":
    "content-type, authorization, x-api-key, x-request-id, apollo-require-preflight, x-apollo-operation-name, apollographql-client-name, apollographql-client-version",
  "access-control-max-age": "86400",
};

const HTTP_ERROR_CODES: Record<number, string> = {
  400: "BAD_REQUEST",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITED",
  500: "INTERNAL_SERVER_ERROR",
};

/** A failure before GraphQL runs; answered in the GraphQL error shape so clients parse one format. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get body() {
    return { errors: [{ message: this.message, extensions: { code: HTTP_ERROR_CODES[this.status] } }] };
  }
}

export async function createApp({ database, config, logger, clock = systemClock, adminApiKey }: AppOptions): Promise<App> {
  let selfUrl = "";
  const services = createServices(database, {
    clock,
    jobTtlMs: config.jobTtlMs,
    idempotencyTtlMs: config.idempotencyTtlMs,
    logger,
    billing: config.billing,
    selfUrl: () => selfUrl,
  });
  const { generated: generatedAdminKey } = services.accountService.initAdminKey(adminApiKey);
  const sweep = async () => {
    try {
      const expiredJobs = services.ledger.expireDueJobs();
      const purgedIdempotencyKeys = services.ledger.purgeIdempotencyKeys();
      const billing = await services.billing.sweep();
      const counts = { expiredJobs, purgedIdempotencyKeys, ...billing };
      if (Object.values(counts).some((n) => n > 0)) logger.info("swept", counts);
    } catch (error) {
      logger.error("sweep failed", { error: error instanceof Error ? error.stack : String(error) });
    }
  };
  const sweeper = config.sweepIntervalMs > 0 ? setInterval(() => void sweep(), config.sweepIntervalMs).unref() : null;
  const production = config.nodeEnv === "production";
  const metrics = createMetrics();
  services.ledger.observe(metrics.ledgerObserver);
  const protections = graphqlProtections(config.limits ?? DEFAULT_LIMITS, services.catalog);
  const keyLimiter = config.rateLimits?.perKey ? new TokenBucketLimiter(config.rateLimits.perKey) : null;
  const addressLimiter = config.rateLimits?.perAddress ? new TokenBucketLimiter(config.rateLimits.perAddress) : null;
  const apollo = new ApolloServer<Context>({
    // Apollo runs the pipeline; execution is compiled (graphql/executor.ts).
    gateway: jitGateway(appSchema()),
    introspection: config.introspection ?? true,
    // main.ts drains HTTP first, then stops Apollo and closes the database, in that order.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production,
    allowBatchedHttpRequests: false,
    formatError: createErrorFormatter(),
    validationRules: protections.validationRules,
    parseOptions: protections.parseOptions,
    plugins: [
      // We set no cache hints; the plugin would only wrap every resolver.
      ApolloServerPluginCacheControlDisabled(),
      // graphql-armor is typed against the CommonJS build of @apollo/server; the objects are the same.
      ...(protections.plugins as unknown as ApolloServerPlugin<Context>[]),
      requestObserver(logger, metrics),
    ],
  });
  const responseCache = new PublicResponseCache();
  const directOperations = new DirectOperations();
  await apollo.start();

  let inFlight = 0;
  let closing = false;
  let drained: (() => void) | null = null;

  const httpServer = createServer((req, res) => {
    inFlight++;
    const started = performance.now();
    const requestId = requestIdOf(req);
    const url = targetOf(req.url);
    const method = (req.method ?? "GET").toUpperCase();
    res.setHeader("x-request-id", requestId);
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    if (closing) res.setHeader("connection", "close");
    res.on("close", () => {
      inFlight--;
      if (closing && inFlight === 0) drained?.();
      const seconds = (performance.now() - started) / 1000;
      metrics.observe(routeLabel(url.pathname), method, res.statusCode, seconds);
      // A field rather than a child logger: building a child per request cost more than the line.
      logger.info("request", { requestId, method, path: url.pathname, status: res.statusCode, durationMs: Math.round(seconds * 10_000) / 10 });
    });
    route(req, res, url, method, requestId).catch((error: unknown) => {
      if (error instanceof HttpError) return sendJson(res, error.status, error.body, error.headers);
      logger.error("request failed", { requestId, error: error instanceof Error ? error.stack : String(error) });
      sendJson(res, 500, new HttpError(500, "Internal server error").body);
    });
  });

  /** Refuses (429) a request over its key's or its address's rate; the key's is checked first. */
  function enforceRateLimits(req: IncomingMessage): void {
    if (keyLimiter) {
      const key = presentedKey({ get: (name) => headerValue(req, name) });
      if (key) take(keyLimiter, sha256(key), "key");
    }
    if (addressLimiter) {
      const address = clientAddress(req, config.trustProxy ?? false);
      if (address) take(addressLimiter, address, "address");
    }
  }

  function take(limiter: TokenBucketLimiter, identity: string, scope: "key" | "address"): void {
    const decision = limiter.take(identity);
    if (decision.allowed) return;
    metrics.rateLimited.inc({ scope });
    throw new HttpError(429, `Too many requests for this ${scope === "key" ? "API key" : "client address"}; retry after ${decision.retryAfterSeconds} s`, {
      "retry-after": String(decision.retryAfterSeconds),
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: Target, method: string, requestId: string): Promise<void> {
    if (method === "OPTIONS") {
      res.writeHead(204, CORS_PREFLIGHT_HEADERS).end();
      return;
    }
    if (url.pathname === "/metrics") {
      if (method !== "GET") throw new HttpError(405, "Use GET /metrics");
      res.writeHead(200, { "content-type": metrics.registry.contentType }).end(await metrics.registry.metrics());
      return;
    }
    if (url.pathname === "/health") {
      if (method !== "GET" && method !== "HEAD") throw new HttpError(405, "Use GET /health");
      const healthy = isHealthy(database);
      sendJson(res, healthy ? 200 : 503, { status: healthy ? "ok" : "unavailable" });
      return;
    }
    const webhook = url.pathname.match(/^\/webhooks\/([a-z]+)$/);
    // Payment providers' webhooks are exempt: they are signed, and refusing them only delays credits.
    if (!webhook) enforceRateLimits(req);
    if (webhook) {
      if (method !== "POST") throw new HttpError(405, "Webhooks are POSTed");
      const body = await readBody(req, config.maxBodyBytes);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]));
      return send(res, handleWebhook(services.billing, webhook[1], body, headers, clock));
    }
    const page = await billingPage(services.billing, method, url.pathname, async () => (await readBody(req, config.maxBodyBytes)).toString("utf8"));
    if (page) return send(res, page);
    if (url.pathname === "/graphql") {
      if (method !== "GET" && method !== "POST") throw new HttpError(405, "Use GET or POST /graphql");
      await handleGraphQL(req, res, url, method, requestId);
      return;
    }
    throw new HttpError(404, `No route for ${method} ${url.pathname}`);
  }

  async function handleGraphQL(
    req: IncomingMessage,
    res: ServerResponse,
    url: Target,
    method: string,
    requestId: string,
  ): Promise<void> {
    const header = (name: string) => headerValue(req, name);
    const contentType = header("content-type");
    const accept = header("accept") ?? "";
    const body = method === "POST" ? decodeUtf8(await readBody(req, config.maxBodyBytes)) : "";
    const parsed = parseJsonBody(contentType, body);
    const apiKey = presentedKey({ get: header });
    // Without a key only public data can be read: an identical request gets the stored answer.
    const cacheKey =
      method === "POST" && !apiKey && parsed && typeof parsed === "object" && !Array.isArray(parsed)
        ? responseCache.key(accept, body)
        : null;
    const version = cacheKey ? services.catalog.version() : "";
    const hit = cacheKey ? responseCache.get(cacheKey, version) : undefined;
    if (hit) return answer(res, 200, hit.headers, hit.body);

    const direct = method === "POST" ? directRequestOf(contentType, parsed) : null;
    const directKey = direct ? directOperations.key(accept, direct) : null;
    const operation = directKey ? directOperations.get(directKey) : undefined;
    if (direct && operation) {
      const result = await operation.run(createContext(services, requestId, apiKey), direct.variables);
      // With errors, Apollo answers instead (see direct-execution.ts).
      if (!result.errors) {
        metrics.directExecutions.inc();
        const text = JSON.stringify({ data: result.data, extensions: result.extensions }) + "\n";
        await database.durable();
        if (cacheKey) responseCache.set(cacheKey, version, operation.headers, text);
        return answer(res, 200, operation.headers, text);
      }
    }

    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    let context: Context | undefined;
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search: url.search, body: parsed },
      context: async () => (context = createContext(services, requestId, apiKey)),
    });
    // What this request read may come from a group commit whose fsync is still running: answer
    // only once it is on disk, so no client sees credits a power cut could take back.
    await database.durable();
    const status = response.status ?? 200;
    if (response.body.kind === "complete") {
      const succeeded = status === 200 && context?.operation.isQuery && !context.operation.hadErrors;
      if (succeeded && cacheKey) responseCache.set(cacheKey, version, [...response.headers], response.body.string);
      if (succeeded && directKey && context?.operation.compiled) {
        directOperations.remember(directKey, { run: context.operation.compiled, headers: [...response.headers] });
      }
      return answer(res, status, response.headers, response.body.string);
    }
    head(res, status, response.headers);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  return {
    services,
    generatedAdminKey,
    httpServer,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          const address = httpServer.address() as AddressInfo;
          const local = !host || host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
          selfUrl = `http://${local.includes(":") ? `[${local}]` : local}:${address.port}`;
          // First sweep once the server can receive the sandbox's webhooks.
          void sweep();
          resolve(address);
        });
      });
    },
    async close() {
      closing = true;
      if (sweeper) clearInterval(sweeper);
      const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs).unref()),
        ]);
      }
      httpServer.closeAllConnections();
      await stopped;
      await apollo.stop();
      services.billing.mailer.close();
    },
  };
}

/** The parts of a request's URL the routes read. */
interface Target {
  pathname: string;
  search: string;
}

const GRAPHQL_TARGET: Target = { pathname: "/graphql", search: "" };

/** Parsing a URL is a few microseconds per request; the common POST /graphql needs none. */
function targetOf(url = "/"): Target {
  if (url === GRAPHQL_TARGET.pathname) return GRAPHQL_TARGET;
  const { pathname, search } = new URL(url, "http://localhost");
  return { pathname, search };
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(body));
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

function clientAddress(req: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = headerValue(req, "x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  return req.socket.remoteAddress ?? null;
}

/** A small fixed set of route labels, so metrics cannot grow with arbitrary paths. */
function routeLabel(path: string): string {
  if (path === "/graphql" || path === "/health" || path === "/metrics") return path;
  if (path.startsWith("/webhooks/")) return "/webhooks";
  if (path.startsWith("/sandbox/")) return "/sandbox";
  if (path.startsWith("/checkout/")) return "/checkout";
  return "other";
}

/**
 * One plugin for what the server needs to know of each operation: whether it is a query and
 * whether it failed (for the response cache), errors by code (metrics), and errors we did not raise
 * on purpose, logged with the request id (the client only sees them masked).
 */
function requestObserver(logger: Logger, metrics: Metrics): ApolloServerPlugin<Context> {
  const listener: GraphQLRequestListener<Context> = {
    async didResolveOperation({ operation, contextValue }) {
      contextValue.operation.isQuery = operation?.operation === "query";
    },
    async didEncounterErrors({ errors, contextValue }) {
      if (contextValue) contextValue.operation.hadErrors = true;
      for (const error of errors) {
        const code = error.extensions?.code;
        metrics.graphqlErrors.inc({ code: String(code ?? ErrorCode.INTERNAL_SERVER_ERROR) });
        if (code !== undefined && code !== ErrorCode.INTERNAL_SERVER_ERROR) continue;
        const original = error.originalError ?? error;
        logger.error("unexpected error while executing a request", {
          requestId: contextValue?.requestId,
          path: error.path,
          error: original.stack ?? original.message,
        });
      }
    },
  };
  return { requestDidStart: async () => listener };
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A body with bytes that are not UTF-8 is refused, not silently repaired into U+FFFD. */
function decodeUtf8(body: Buffer): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw new HttpError(400, "Request body is not valid UTF-8");
  }
}

function head(res: ServerResponse, status: number, headers: Iterable<[string, string]>): void {
  for (const [name, value] of headers) res.setHeader(name, value);
  res.statusCode = status;
}

function answer(res: ServerResponse, status: number, headers: Iterable<[string, string]>, body: string): void {
  head(res, status, headers);
  res.end(body);
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  res.writeHead(answer.status, { "content-type": answer.contentType, ...answer.headers }).end(answer.body);
}

/** Reads the raw body, refusing (413) as soon as it passes the limit rather than buffering it all. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new HttpError(413, `Request body is larger than ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `Request body is larger than ${limit} bytes`));
        req.removeAllListeners("data");
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Apollo takes the parsed JSON body; other content types reach it as text, which it refuses with a 400. */
function parseJsonBody(contentType: string | undefined, body: string): unknown {
  const mediaType = contentType?.split(";")[0].trim().toLowerCase();
  if (mediaType !== "application/json" && mediaType !== "application/graphql-response+json") return body;
  if (body.trim() === "") return undefined;
  try {
    return JSON.parse(body);
  } catch {
    throw new HttpError(400, "Request body is not valid JSON");
  }
}
