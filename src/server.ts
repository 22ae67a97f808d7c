/**
 * The HTTP server: Apollo on plain node:http (no framework in the hot path), plus /health.
 * `createApp` is what main.ts starts and what the tests start on an ephemeral port.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { presentedKey } from "./accounts/keys.js";
import { systemClock, type Clock } from "./clock.js";
import type { Config } from "./config.js";
import { isHealthy, type Database } from "./db/client.js";
import { createContext, createServices, type Context, type Services } from "./graphql/context.js";
import { createErrorFormatter } from "./graphql/errors.js";
import { appSchema } from "./graphql/schema.js";
import type { Logger } from "./logger.js";
import { handleWebhook, sandboxCheckoutAction, sandboxCheckoutPage, type HttpAnswer } from "./billing/http.js";

export interface AppOptions {
  database: Database;
  config: Pick<
    Config,
    "nodeEnv" | "maxBodyBytes" | "shutdownTimeoutMs" | "jobTtlMs" | "idempotencyTtlMs" | "sweepIntervalMs" | "billing"
  >;
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

const CORS_HEADERS = {
  // Keys travel in headers, never cookies, so any origin (Apollo Studio included) may call us.
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers":
    "content-type, authorization, x-api-key, x-request-id, apollo-require-preflight, x-apollo-operation-name, apollographql-client-name, apollographql-client-version",
  "access-control-expose-headers": "x-request-id, retry-after",
  "access-control-max-age": "86400",
};

const HTTP_ERROR_CODES: Record<number, string> = {
  400: "BAD_REQUEST",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
  500: "INTERNAL_SERVER_ERROR",
};

/** A failure before GraphQL runs; answered in the GraphQL error shape so clients parse one format. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
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
  const apollo = new ApolloServer<Context>({
    schema: appSchema(),
    introspection: true,
    // main.ts drains HTTP first, then stops Apollo and closes the database, in that order.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter(logger),
    // We set no cache hints; the plugin would only wrap every resolver.
    plugins: [ApolloServerPluginCacheControlDisabled()],
  });
  await apollo.start();

  let inFlight = 0;
  let closing = false;
  let drained: (() => void) | null = null;

  const httpServer = createServer((req, res) => {
    inFlight++;
    const requestId = requestIdOf(req);
    res.setHeader("x-request-id", requestId);
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    if (closing) res.setHeader("connection", "close");
    res.on("close", () => {
      inFlight--;
      if (closing && inFlight === 0) drained?.();
    });
    route(req, res, requestId).catch((error: unknown) => {
      if (error instanceof HttpError) return sendJson(res, error.status, error.body);
      logger.error("request failed", { requestId, error: error instanceof Error ? error.stack : String(error) });
      sendJson(res, 500, new HttpError(500, "Internal server error").body);
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase();
    if (method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === "/health") {
      if (method !== "GET" && method !== "HEAD") throw new HttpError(405, "Use GET /health");
      const healthy = isHealthy(database);
      sendJson(res, healthy ? 200 : 503, { status: healthy ? "ok" : "unavailable" });
      return;
    }
    const webhook = url.pathname.match(/^\/webhooks\/([a-z]+)$/);
    if (webhook) {
      if (method !== "POST") throw new HttpError(405, "Webhooks are POSTed");
      const body = await readBody(req, config.maxBodyBytes);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]));
      return send(res, handleWebhook(services.billing, webhook[1], body, headers, clock));
    }
    const checkout = url.pathname.match(/^\/sandbox\/checkout\/([\w-]+)$/);
    if (checkout) {
      if (method === "GET") return send(res, sandboxCheckoutPage(services.billing, checkout[1]));
      if (method === "POST") {
        const form = (await readBody(req, config.maxBodyBytes)).toString("utf8");
        return send(res, await sandboxCheckoutAction(services.billing, checkout[1], form));
      }
      throw new HttpError(405, "Use GET or POST");
    }
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
    url: URL,
    method: string,
    requestId: string,
  ): Promise<void> {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const body = method === "POST" ? (await readBody(req, config.maxBodyBytes)).toString("utf8") : "";
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method,
      headers,
      search: url.search,
      body: parseJsonBody(headers.get("content-type"), body),
    };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => createContext(services, requestId, presentedKey(headers)),
    });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === "complete") {
      res.end(response.body.string);
      return;
    }
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

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  res.writeHead(answer.status, { "content-type": answer.contentType }).end(answer.body);
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
