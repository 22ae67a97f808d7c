/**
 * Prometheus metrics (prom-client), one registry per app so tests and servers do not share counters.
 * They show business volume, so they are not public (see serveMetrics).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { LedgerHooks } from "./accounts/ledger.js";
import { sameSecret } from "./secrets.js";

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests by route, method and status",
    labelNames: ["route", "method", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency by route",
    labelNames: ["route"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const graphqlErrors = new Counter({
    name: "graphql_errors_total",
    help: "GraphQL errors returned, by error code",
    labelNames: ["code"] as const,
    registers: [registry],
  });
  const directExecutions = new Counter({
    name: "graphql_direct_executions_total",
    help: "GraphQL queries answered by their compiled function without Apollo's request pipeline (graphql/direct-execution.ts)",
    registers: [registry],
  });
  const ledgerEntries = new Counter({
    name: "ledger_entries_total",
    help: "Credit ledger entries written, by transaction type",
    labelNames: ["type"] as const,
    registers: [registry],
  });
  const userErrors = new Counter({
    name: "graphql_user_errors_total",
    help: 'userErrors returned by mutations, by code ("unselected" when the client did not select the code)',
    labelNames: ["code"] as const,
    registers: [registry],
  });
  const paymentWebhooks = new Counter({
    name: "payment_webhooks_total",
    help: "Payment webhooks received, by provider and outcome: applied, unapplied (paid, kept for an operator), duplicate, ignored, rejected, refused (not trusted: bad signature or stale)",
    labelNames: ["provider", "outcome"] as const,
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: "rate_limited_requests_total",
    help: "Requests refused with 429, by the limit that refused them",
    labelNames: ["scope"] as const,
    registers: [registry],
  });
  const connectionsRefused = new Counter({
    name: "http_connections_refused_total",
    help: "TCP connections closed on arrival because their address already held HTTP_MAX_CONNECTIONS_PER_ADDRESS open",
    registers: [registry],
  });

  const webhookAttempts = new Counter({
    name: "webhook_delivery_attempts_total",
    help: "Outgoing webhook delivery attempts made by this node, by outcome (succeeded: a 2xx within the timeout)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });

  // Routes are a fixed set (routeLabel in src/http/request.ts), methods and statuses nearly so: these stay small.
  const requestCounters = new Map<string, ReturnType<typeof requests.labels>>();
  const durationHistograms = new Map<string, ReturnType<typeof duration.labels>>();

  const ledgerHooks: LedgerHooks = {
    afterCommit(_accountId, _providerId, types) {
      for (const type of types) ledgerEntries.inc({ type });
    },
  };

  return {
    registry,
    graphqlErrors,
    directExecutions,
    ledgerHooks,
    /** Shows how many confirmed payments wait for an operator (read when /metrics is scraped). */
    watchUnappliedPayments(openCount: () => Promise<number>) {
      new Gauge({
        name: "payments_unapplied_open",
        help: "Payments the provider confirmed whose credits could not be added, not yet resolved by an operator (admin: unappliedPayments)",
        registers: [registry],
        async collect() {
          this.set(await openCount());
        },
      });
    },
    /** Live connections and subscriptions on this node (read when /metrics is scraped). */
    watchLive(live: { readonly connections: number; follower: { readonly subscribers: number } }) {
      new Gauge({
        name: "live_connections",
        help: "Authenticated graphql-ws connections open on this node",
        registers: [registry],
        collect() {
          this.set(live.connections);
        },
      });
      new Gauge({
        name: "live_subscriptions",
        help: "Live subscriptions following the event log on this node",
        registers: [registry],
        collect() {
          this.set(live.follower.subscribers);
        },
      });
    },
    /** The outgoing webhooks' backlog, over every node (read from the store when /metrics is scraped). */
    watchWebhooks(backlog: () => Promise<{ pending: number; oldestQueuedAt: string | null }>) {
      let last: Promise<{ pending: number; oldestQueuedAt: string | null }> | null = null;
      // One read per scrape for both gauges.
      const read = () => (last ??= backlog().finally(() => setTimeout(() => (last = null), 0)));
      new Gauge({
        name: "webhook_deliveries_pending",
        help: "Webhook deliveries not yet answered with a 2xx, of enabled endpoints",
        registers: [registry],
        async collect() {
          this.set((await read()).pending);
        },
      });
      new Gauge({
        name: "webhook_oldest_pending_seconds",
        help: "How long the oldest pending webhook delivery has waited (0 when none waits)",
        registers: [registry],
        async collect() {
          const { oldestQueuedAt } = await read();
          this.set(oldestQueuedAt ? Math.max(0, (Date.now() - new Date(oldestQueuedAt).getTime()) / 1000) : 0);
        },
      });
    },
    webhookAttempts,
    rateLimited,
    connectionsRefused,
    userErrors,
    paymentWebhooks,
    /** Records one finished HTTP request. */
    observe(route: string, method: string, status: number, seconds: number) {
      // Labelled children are looked up once per label set: prom-client hashes labels on every call.
      const requestKey = `${route} ${method} ${status}`;
      let counter = requestCounters.get(requestKey);
      if (!counter) requestCounters.set(requestKey, (counter = requests.labels({ route, method, status: String(status) })));
      counter.inc();
      let histogram = durationHistograms.get(route);
      if (!histogram) durationHistograms.set(route, (histogram = duration.labels({ route })));
      histogram.observe(seconds);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Where /metrics is served (METRICS_TOKEN, METRICS_PORT). With a port, on that port only; without
 * one, on the API port, and only with the token. With neither, nowhere.
 */
export interface MetricsAccess {
  /** Scrapers must send `Authorization: Bearer <token>`. */
  token?: string;
  /** Serve them on a listener of their own on this port (0: any free port). */
  port?: number;
}

/** Whether the request carries `Authorization: Bearer <token>`, compared in constant time. */
function authorized(req: IncomingMessage, token: string): boolean {
  const given = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return given !== undefined && sameSecret(given, token);
}

/** GET /metrics: 405 for other methods, 401 (WWW-Authenticate: Bearer) without the token when one is set. */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, metrics: Metrics, token: string | undefined): Promise<void> {
  const method = req.method ?? "GET";
  if (method !== "GET" && method !== "HEAD") {
    res.writeHead(405, { allow: "GET", "content-type": "text/plain; charset=utf-8" }).end("Use GET /metrics\n");
    return;
  }
  if (token !== undefined && !authorized(req, token)) {
    res
      .writeHead(401, { "www-authenticate": 'Bearer realm="metrics"', "content-type": "text/plain; charset=utf-8" })
      .end("Metrics need Authorization: Bearer <METRICS_TOKEN>\n");
    return;
  }
  const text = await metrics.registry.metrics();
  res.writeHead(200, { "content-type": metrics.registry.contentType }).end(method === "HEAD" ? undefined : text);
}

/** METRICS_PORT's listener: /metrics and nothing else. */
export function createMetricsServer(metrics: Metrics, token: string | undefined): Server {
  return createServer((req, res) => {
    if (new URL(req.url ?? "/", "http://localhost").pathname !== "/metrics") return void res.writeHead(404).end();
    serveMetrics(req, res, metrics, token).catch(() => res.writeHead(500).end());
  });
}
