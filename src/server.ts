/**
 * The HTTP server: Apollo on plain node:http (no framework in the hot path), plus /health, /metrics
 * (see metrics.ts for where), payment webhooks and the billing pages.
 * `createApp` is what main.ts starts and what the tests start on an ephemeral port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, HeaderMap, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { AmbiguousApiKeyError, presentedKey, sha256 } from "./accounts/keys.js";
import { systemClock, type Clock } from "./clock.js";
import type { Config } from "./config.js";
import { isHealthy, type Database } from "./db/client.js";
import { createContext, createServices, type Context, type Services } from "./graphql/context.js";
import { DirectOperations, directRequestOf } from "./graphql/direct-execution.js";
import { createErrorFormatter } from "./graphql/errors.js";
import { jitGateway } from "./graphql/executor.js";
import { DEFAULT_LIMITS, graphqlProtections } from "./graphql/limits.js";
import { PublicResponseCache } from "./graphql/response-cache.js";
import { requestObserver } from "./graphql/request-observer.js";
import { introspectionDisabledRule, knownOperationTypesRule } from "./graphql/validation-rules.js";
import { decodeUtf8, parseJsonBody, readBody } from "./http/body.js";
import { HttpError, sendHttpError, sendJson } from "./http/errors.js";
import { clientAddress, headerValue, keyOf, requestIdOf, routeLabel, targetOf, type Target } from "./http/request.js";
import { createMetrics, createMetricsServer, serveMetrics, type MetricsAccess } from "./metrics.js";
import { RateLimits } from "./rate-limit.js";
import { appSchema } from "./graphql/schema.js";
import type { Logger } from "./logger.js";
import { billingPage, handleWebhook, type HttpAnswer } from "./billing/http.js";

export interface AppOptions {
  database: Database;
  config: Pick<
    Config,
    "nodeEnv" | "maxBodyBytes" | "shutdownTimeoutMs" | "jobTtlMs" | "idempotencyTtlMs" | "sweepIntervalMs" | "billing"
  > &
    Partial<Pick<Config, "introspection" | "trustProxy" | "limits" | "rateLimits" | "metrics">>;
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
  /** The listener of METRICS_PORT, when set (listening once `listen` resolved). */
  metricsServer: Server | null;
}

// Keys travel in headers, never cookies, so any origin (Apollo Studio included) may call us.
const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "x-request-id, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset",
};
/** What a browser asks for in a preflight (OPTIONS) only. */
const CORS_PREFLIGHT_HEADERS = {
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers":
    "content-type, authorization, x-api-key, x-request-id, apollo-require-preflight, x-apollo-operation-name, apollographql-client-name, apollographql-client-version",
  "access-control-max-age": "86400",
};

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
  const rateLimits = new RateLimits(config.rateLimits);
  const metricsAccess: MetricsAccess = config.metrics ?? {};
  const apollo = new ApolloServer<Context>({
    // Apollo runs the pipeline; execution is compiled (graphql/executor.ts).
    gateway: jitGateway(appSchema()),
    // Switched off by our own rule (INTROSPECTION=false), whose message names the variable.
    introspection: true,
    // main.ts drains HTTP first, then stops Apollo and closes the database, in that order.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production,
    allowBatchedHttpRequests: false,
    formatError: createErrorFormatter(),
    validationRules: [
      knownOperationTypesRule,
      ...(config.introspection === false ? [introspectionDisabledRule] : []),
      ...protections.validationRules,
    ],
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
      const accept = headerValue(req, "accept");
      if (error instanceof HttpError) return sendHttpError(res, error, accept);
      logger.error("request failed", { requestId, error: error instanceof Error ? error.stack : String(error) });
      sendHttpError(res, new HttpError(500, "Internal server error"), accept);
    });
  });

  /**
   * Takes the request from its key's and its address's buckets; refuses it (429, Retry-After) when
   * one is empty. A caller a limit applies to sees it on every answer (the IETF draft's RateLimit-*
   * headers, of the bucket with fewer requests left).
   */
  function applyRateLimits(req: IncomingMessage, res: ServerResponse): void {
    let key: string | null = null;
    if (rateLimits.keyLimited) {
      try {
        key = presentedKey({ get: (name) => headerValue(req, name) });
      } catch (error) {
        // Two different keys: refused in handleGraphQL; the address's limit still counts it.
        if (!(error instanceof AmbiguousApiKeyError)) throw error;
      }
    }
    const address = rateLimits.addressLimited ? clientAddress(req, config.trustProxy ?? false) : null;
    const decision = rateLimits.take(key === null ? null : sha256(key), address);
    if (!decision) return;
    res.setHeader("ratelimit-limit", String(decision.limit));
    res.setHeader("ratelimit-remaining", String(decision.remaining));
    res.setHeader("ratelimit-reset", String(decision.resetSeconds));
    if (decision.allowed) return;
    metrics.rateLimited.inc({ scope: decision.scope });
    const who = decision.scope === "key" ? "API key" : "client address";
    throw new HttpError(429, `Too many requests for this ${who}; retry after ${decision.retryAfterSeconds} s`, {
      "retry-after": String(decision.retryAfterSeconds),
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: Target, method: string, requestId: string): Promise<void> {
    if (method === "OPTIONS") {
      res.writeHead(204, CORS_PREFLIGHT_HEADERS).end();
      return;
    }
    // On the API port only with a token; with METRICS_PORT, only there.
    if (url.pathname === "/metrics" && metricsAccess.token !== undefined && metricsAccess.port === undefined) {
      return serveMetrics(req, res, metrics, metricsAccess.token);
    }
    if (url.pathname === "/health") {
      if (method !== "GET" && method !== "HEAD") throw new HttpError(405, "Use GET /health");
      const healthy = isHealthy(database);
      sendJson(res, healthy ? 200 : 503, { status: healthy ? "ok" : "unavailable" });
      return;
    }
    const webhook = url.pathname.match(/^\/webhooks\/([a-z]+)$/);
    // Payment providers' webhooks are exempt: they are signed, and refusing them only delays credits.
    if (!webhook) applyRateLimits(req, res);
    if (webhook) {
      if (method !== "POST") throw new HttpError(405, "Webhooks are POSTed");
      const body = await readBody(req, config.maxBodyBytes);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]));
      const answer = handleWebhook(services.billing, webhook[1], body, headers, clock);
      if (answer.webhookOutcome) metrics.paymentWebhooks.inc({ provider: webhook[1], outcome: answer.webhookOutcome });
      return send(res, answer);
    }
    const page = await billingPage(services.billing, method, url.pathname, async () => (await readBody(req, config.maxBodyBytes)).toString("utf8"));
    if (page) return send(res, page);
    if (url.pathname === "/graphql") {
      if (method !== "GET" && method !== "POST") throw new HttpError(405, "Use GET or POST /graphql", { allow: "GET, POST" });
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
    const apiKey = keyOf(header);
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

  const metricsServer = metricsAccess.port === undefined ? null : createMetricsServer(metrics, metricsAccess.token);

  return {
    services,
    generatedAdminKey,
    httpServer,
    metricsServer,
    async listen(port, host) {
      if (metricsServer) {
        await listenOn(metricsServer, metricsAccess.port ?? 0, host);
        logger.info("metrics served on their own port", { port: (metricsServer.address() as AddressInfo).port, path: "/metrics" });
      }
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
      if (metricsServer?.listening) await new Promise((resolve) => metricsServer.close(resolve));
      await apollo.stop();
      services.billing.mailer.close();
    },
  };
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

function listenOn(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
}
