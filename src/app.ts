/**
 * The app: services over one account store and one catalog, Apollo, the HTTP server and the
 * sweeper, started and stopped in order. `createApp` is what main.ts starts and what the tests
 * start on an ephemeral port.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { systemClock, type Clock } from "./clock.js";
import { DEFAULT_CATALOG_CACHE_MAX_AGE_SECONDS, type Config } from "./config.js";
import { createLiveServer, type LiveServer } from "./graphql/events/live/server.js";
import { DEFAULT_LIVE } from "./events/live/settings.js";
import { createApollo } from "./graphql/apollo.js";
import { DEFAULT_LIMITS, graphqlProtections } from "./graphql/limits.js";
import { appSchema } from "./graphql/schema.js";
import { GraphQLHandler } from "./graphql/handler.js";
import { clientAddress } from "./http/request.js";
import { createRouter } from "./http/router.js";
import { createHttpServer, DEFAULT_HTTP, listenOn } from "./http/server.js";
import type { Logger } from "./logger.js";
import { createMetrics, createMetricsServer, type MetricsAccess } from "./metrics.js";
import { RateLimits } from "./rate-limit.js";
import { createServices, type Services } from "./services.js";
import type { CatalogDatabase } from "./store/catalog/client.js";
import type { Store } from "./store/store.js";
import { backfillWallets } from "./accounts/wallet-backfill.js";
import { redisRateLimits } from "./store/redis/rate-limits.js";
import { Sweeper } from "./sweeper.js";
import { defaultWebhookConfig } from "./events/webhooks/index.js";

/** The settings an app takes or defaults: main.ts passes them from the environment, tests some of them. */
export type AppSettings = Partial<
  Pick<
    Config,
    | "introspection"
    | "trustProxy"
    | "limits"
    | "rateLimits"
    | "metrics"
    | "fastPath"
    | "redisUrl"
    | "webhooks"
    | "eventRetentionMs"
    | "catalogCacheMaxAgeSeconds"
  >
> & {
  live?: Partial<Config["live"]>;
  http?: Partial<Config["http"]>;
};

export interface AppOptions {
  store: Store;
  catalog: CatalogDatabase;
  config: Pick<Config, "nodeEnv" | "maxBodyBytes" | "shutdownTimeoutMs" | "jobTtlMs" | "idempotencyTtlMs" | "sweepIntervalMs" | "billing"> & AppSettings;
  logger: Logger;
  clock?: Clock;
  /** The admin key (ADMIN_API_KEY); when absent, the one stored at an earlier start, or a new one. */
  adminApiKey?: string;
  /** Keeps this deployment's rate-limit windows apart from others in a shared Redis. */
  redisNamespace?: string;
}

export interface App {
  services: Services;
  sweeper: Sweeper;
  /** Set when this start generated the admin key: print it once. */
  generatedAdminKey: string | null;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting connections, lets in-flight requests finish (up to the timeout), stops Apollo and the sweeper. */
  close(): Promise<void>;
  httpServer: Server;
  /** The listener of METRICS_PORT, when set (listening once `listen` resolved). */
  metricsServer: Server | null;
  /** GraphQL subscriptions over WebSocket on /graphql. */
  live: LiveServer;
}

export async function createApp({ store, catalog, config, logger, clock = systemClock, adminApiKey, redisNamespace }: AppOptions): Promise<App> {
  let selfUrl = "";
  const metrics = createMetrics();
  const services = createServices({
    store,
    catalog,
    clock,
    jobTtlMs: config.jobTtlMs,
    idempotencyTtlMs: config.idempotencyTtlMs,
    eventRetentionMs: config.eventRetentionMs,
    logger,
    billing: config.billing,
    webhooks: config.webhooks ?? defaultWebhookConfig(config.nodeEnv),
    selfUrl: () => selfUrl,
    ledgerHooks: [metrics.ledgerHooks],
    onWebhookAttempt: (succeeded) => metrics.webhookAttempts.inc({ outcome: succeeded ? "succeeded" : "failed" }),
  });
  metrics.watchUnappliedPayments(() => services.billing.unappliedPayments.openCount());
  const { generated: generatedAdminKey } = await services.accountService.initAdminKey(adminApiKey);
  const migrated = await backfillWallets(store, services.credits.book, () => clock.now());
  if (migrated > 0) logger.info("credits from before wallets moved to their providers' wallets", { grants: migrated });
  const sweeper = new Sweeper(services, logger);
  const { apollo, fastPath } = createApollo({
    production: config.nodeEnv === "production",
    introspection: config.introspection,
    limits: config.limits,
    fastPath: config.fastPath ?? true,
    catalog: services.catalog,
    logger,
    metrics,
  });
  await apollo.start();
  const metricsAccess: MetricsAccess = config.metrics ?? {};
  // With REDIS_URL every node counts the same windows; without it, each node its own.
  const sharedLimits = config.redisUrl ? redisRateLimits(config.redisUrl, logger, redisNamespace) : null;
  await sharedLimits?.ready;
  const rateLimits = new RateLimits(config.rateLimits, sharedLimits?.factory);
  const trustProxy = config.trustProxy ?? false;
  const route = createRouter({
    services,
    graphql: new GraphQLHandler(
      apollo,
      fastPath,
      services,
      metrics,
      config.maxBodyBytes,
      logger,
      config.catalogCacheMaxAgeSeconds ?? DEFAULT_CATALOG_CACHE_MAX_AGE_SECONDS,
    ),
    metrics,
    metricsAccess,
    rateLimits,
    clock,
    maxBodyBytes: config.maxBodyBytes,
    trustProxy,
  });
  const http = createHttpServer(route, logger, metrics, { ...DEFAULT_HTTP, ...config.http });
  const protections = graphqlProtections(config.limits ?? DEFAULT_LIMITS, services.catalog);
  const live = createLiveServer({
    httpServer: http.server,
    services,
    schema: appSchema(),
    validationRules: protections.validationRules,
    parseOptions: protections.parseOptions,
    settings: { ...DEFAULT_LIVE, ...config.live },
    logger,
    production: config.nodeEnv === "production",
    admitUpgrade: async (req) => {
      if (!rateLimits.addressLimited) return null;
      const decision = await rateLimits.take(null, clientAddress(req, trustProxy));
      if (!decision || decision.allowed) return null;
      metrics.rateLimited.inc({ scope: "address" });
      return { retryAfterSeconds: decision.retryAfterSeconds };
    },
  });
  metrics.watchLive(live);
  metrics.watchWebhooks(() => store.reads.webhooks.backlog());
  const metricsServer = metricsAccess.port === undefined ? null : createMetricsServer(metrics, metricsAccess.token);

  return {
    services,
    sweeper,
    generatedAdminKey,
    httpServer: http.server,
    metricsServer,
    live,
    async listen(port, host) {
      if (metricsServer) {
        const { port: metricsPort } = await listenOn(metricsServer, metricsAccess.port ?? 0, host);
        logger.info("metrics served on their own port", { port: metricsPort, path: "/metrics" });
      }
      const address = await http.listen(port, host);
      const local = !host || host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
      selfUrl = `http://${local.includes(":") ? `[${local}]` : local}:${address.port}`;
      // The first sweep once the server can receive the sandbox's webhooks, then on schedule.
      void sweeper.sweep();
      sweeper.start(config.sweepIntervalMs);
      return address;
    },
    async close() {
      // WebSocket first: an upgraded socket would keep the HTTP server from closing.
      await live.close();
      await http.close(config.shutdownTimeoutMs);
      if (metricsServer?.listening) await new Promise((resolve) => metricsServer.close(resolve));
      await services.webhooks.close();
      await sweeper.stop();
      // Top-ups, emails and retries started by the last commits finish before the store closes.
      await services.background.drain();
      await apollo.stop();
      await sharedLimits?.close();
      services.billing.mailer.close();
    },
  };
}
