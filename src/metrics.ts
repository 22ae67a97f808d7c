/** Prometheus metrics (prom-client), one registry per app so tests and servers do not share counters. */
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import type { LedgerObserver } from "./accounts/ledger.js";

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
  const rateLimited = new Counter({
    name: "rate_limited_requests_total",
    help: "Requests refused with 429, by the limit that refused them",
    labelNames: ["scope"] as const,
    registers: [registry],
  });

  // Routes are a fixed set (server.ts routeLabel), methods and statuses nearly so: these stay small.
  const requestCounters = new Map<string, ReturnType<typeof requests.labels>>();
  const durationHistograms = new Map<string, ReturnType<typeof duration.labels>>();

  const ledgerObserver: LedgerObserver = {
    afterCommit(_accountId, types) {
      for (const type of types) ledgerEntries.inc({ type });
    },
  };

  return {
    registry,
    graphqlErrors,
    directExecutions,
    ledgerObserver,
    rateLimited,
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
