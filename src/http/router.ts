/**
 * HTTP routing: /health, /metrics (when served here), payment webhooks, the billing pages and
 * /graphql, with rate limits on everything but webhooks. CORS preflights never get here (server.ts).
 */
import { webhookEventsJsonSchema } from "../events/definitions.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AmbiguousApiKeyError, presentedKey, sha256 } from "../accounts/keys.js";
import { billingPage, handleWebhook, type HttpAnswer } from "../billing/http.js";
import type { Clock } from "../clock.js";
import type { GraphQLHandler } from "../graphql/handler.js";
import { serveMetrics, type Metrics, type MetricsAccess } from "../metrics.js";
import type { RateLimits } from "../rate-limit.js";
import type { Services } from "../services.js";
import { readBody } from "./body.js";
import { HttpError, sendJson } from "./errors.js";
import { browserPage, EXPLORER_ASSETS_PATH, serveBrowserPage, serveExplorerAsset } from "./explorer.js";
import { clientAddress, headerValue, ifNoneMatch, versioned, type Target } from "./request.js";
import { respond } from "./respond.js";

/** The JSON Schema of webhook bodies, one branch per event type. */
export const WEBHOOK_EVENTS_SCHEMA_PATH = "/schemas/webhook-events.json";

export interface RouterOptions {
  services: Services;
  graphql: GraphQLHandler;
  metrics: Metrics;
  metricsAccess: MetricsAccess;
  rateLimits: RateLimits;
  clock: Clock;
  maxBodyBytes: number;
  trustProxy: boolean;
}

export type Route = (req: IncomingMessage, res: ServerResponse, target: Target, method: string, requestId: string) => Promise<void>;

export function createRouter(options: RouterOptions): Route {
  const { services, metrics } = options;
  const send = (res: ServerResponse, answer: HttpAnswer) => respond(res, answer.status, { "content-type": answer.contentType, ...answer.headers }, answer.body);

  /**
   * Counts the request against its key's and its address's limits; refuses it (429, Retry-After) when
   * one is spent. A caller a limit applies to sees it on every answer (the IETF draft's RateLimit-*
   * headers, of the limit with fewer requests left).
   */
  async function applyRateLimits(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { rateLimits } = options;
    let key: string | null = null;
    if (rateLimits.keyLimited) {
      try {
        key = presentedKey({ get: (name) => headerValue(req, name) });
      } catch (error) {
        // Two different keys: refused by the GraphQL handler; the address's limit still counts it.
        if (!(error instanceof AmbiguousApiKeyError)) throw error;
      }
    }
    const address = rateLimits.addressLimited ? clientAddress(req, options.trustProxy) : null;
    const decision = await rateLimits.take(key === null ? null : sha256(key), address);
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

  let webhookEventsSchema: { body: string; etag: string } | undefined;

  return async (req, res, target, method, requestId) => {
    // On the API port only with a token; with METRICS_PORT, only there.
    const { metricsAccess } = options;
    if (target.pathname === "/metrics" && metricsAccess.token !== undefined && metricsAccess.port === undefined) {
      return serveMetrics(req, res, metrics, metricsAccess.token);
    }
    if (target.pathname === "/health") {
      if (method !== "GET" && method !== "HEAD") throw new HttpError(405, "Use GET /health");
      const healthy = await services.store.healthy();
      // Which catalog this node serves, so that a rolling deploy can be seen converging.
      return sendJson(res, healthy ? 200 : 503, { status: healthy ? "ok" : "unavailable", catalogVersion: services.catalog.version() });
    }
    if (target.pathname === WEBHOOK_EVENTS_SCHEMA_PATH) {
      if (method !== "GET" && method !== "HEAD") throw new HttpError(405, `Use GET ${WEBHOOK_EVENTS_SCHEMA_PATH}`);
      // The same for every node of a build: made once, from the event types' declared shapes.
      webhookEventsSchema ??= versioned(JSON.stringify(webhookEventsJsonSchema()));
      const headers = { "content-type": "application/schema+json", "cache-control": "public, max-age=3600", etag: webhookEventsSchema.etag };
      if (ifNoneMatch(headerValue(req, "if-none-match"), webhookEventsSchema.etag)) return respond(res, 304, headers, "");
      return respond(res, 200, headers, webhookEventsSchema.body);
    }
    const webhook = target.pathname.match(/^\/webhooks\/([a-z]+)$/);
    if (webhook) {
      // Exempt from rate limits: webhooks are signed, and refusing them only delays credits.
      if (method !== "POST") throw new HttpError(405, "Webhooks are POSTed");
      const body = await readBody(req, options.maxBodyBytes);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : v]));
      const answer = await handleWebhook(services.billing, webhook[1], body, headers, options.clock);
      if (answer.webhookOutcome) metrics.paymentWebhooks.inc({ provider: webhook[1], outcome: answer.webhookOutcome });
      return send(res, answer);
    }
    if (options.rateLimits.keyLimited || options.rateLimits.addressLimited) await applyRateLimits(req, res);
    const page = await billingPage(services.billing, {
      method,
      pathname: target.pathname,
      search: target.search,
      header: (name) => headerValue(req, name),
      readForm: async () => (await readBody(req, options.maxBodyBytes)).toString("utf8"),
      isAdminKey: async (token) => (await services.accountService.authenticate(token)).kind === "admin",
    });
    if (page) return send(res, page);
    if (target.pathname === "/graphql") {
      if (method !== "GET" && method !== "POST") throw new HttpError(405, "Use GET or POST /graphql", { allow: "GET, POST" });
      // A browser's visit gets the explorer (src/http/explorer.ts); GraphQL requests go on to the handler.
      const view = browserPage(method, headerValue(req, "accept"), target.search);
      if (view) return serveBrowserPage(res, view);
      return options.graphql.handle(req, res, target, method, requestId);
    }
    if (target.pathname.startsWith(EXPLORER_ASSETS_PATH)) return serveExplorerAsset(req, res, method, target.pathname);
    throw new HttpError(404, `No route for ${method} ${target.pathname}`);
  };
}
