/** Configuration from environment variables, validated once at start with messages that say what to fix. */
import { randomBytes } from "node:crypto";
import { DEFAULT_RETRY_DAYS, parseRetryDays } from "./billing/dunning.js";
import type { BillingConfig } from "./billing/index.js";
import { defaultWebhookConfig, type WebhookConfig } from "./events/webhooks/index.js";
import { parseOrigins } from "./billing/return-urls.js";
import { DEFAULT_LIMITS, type GraphQLLimits } from "./graphql/limits.js";
import { DEFAULT_LIVE, type LiveSettings } from "./events/live/settings.js";
import { DEFAULT_CORS, parseCorsAllowedHeaders, parseCorsOrigins } from "./http/cors.js";
import { DEFAULT_HTTP, type HttpSettings } from "./http/server.js";
import { LOG_LEVELS, type LogLevel } from "./logger.js";
import type { MetricsAccess } from "./metrics.js";
import type { RateLimitSettings } from "./rate-limit.js";

export interface Config {
  port: number;
  host: string;
  databasePath: string;
  /** DATABASE_URL: the account store on PostgreSQL (several nodes); unset: the SQLite file at databasePath. */
  databaseUrl?: string;
  /** DATABASE_POOL_SIZE: PostgreSQL connections this node keeps at most. */
  databasePoolSize: number;
  nodeEnv: "development" | "production" | "test";
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** How long shutdown waits for in-flight requests before closing connections. */
  shutdownTimeoutMs: number;
  /** HTTP_*: header, request and keep-alive timeouts; open connections per client address; CORS_*: origins and request headers. */
  http: HttpSettings;
  /** CATALOG_CACHE_MAX_AGE_SECONDS: how long browsers and shared caches may keep an anonymous GET query's answer. */
  catalogCacheMaxAgeSeconds: number;
  /** The admin key; when unset, one is generated at first start and printed once. */
  adminApiKey: string | undefined;
  /** Job reservations older than this expire and are released. */
  jobTtlMs: number;
  /** Idempotency keys are kept at least this long. */
  idempotencyTtlMs: number;
  /** Events (and their webhook deliveries and attempts) are kept this long. */
  eventRetentionMs: number;
  /** How often expired reservations and old idempotency keys are swept (0: only at start). */
  sweepIntervalMs: number;
  billing: BillingConfig;
  /** Outgoing webhooks: https only in production; private addresses (WEBHOOK_ALLOW_PRIVATE_URLS) and the timeout. */
  webhooks: WebhookConfig;
  logLevel: LogLevel;
  /** Schema introspection (Apollo Studio, Sandbox); on by default, in production too. */
  introspection: boolean;
  /** Compiled and direct execution of repeated operations (src/graphql/fast-path.ts). */
  fastPath: boolean;
  /** Take the client address from X-Forwarded-For (only behind a proxy you trust). */
  trustProxy: boolean;
  limits: GraphQLLimits;
  rateLimits: { perKey: RateLimitSettings | null; perAddress: RateLimitSettings | null };
  /** REDIS_URL: rate-limit windows shared by every node; unset: each node counts its own. */
  redisUrl?: string;
  /** Where Prometheus metrics are served (METRICS_TOKEN, METRICS_PORT); unset: nowhere. */
  metrics: MetricsAccess;
  /** Live subscriptions' bounds and timings (LIVE_*). */
  live: LiveSettings;
}

export const DEFAULT_DATABASE_PATH = "./data/pricing.db";

export const DEFAULT_CATALOG_CACHE_MAX_AGE_SECONDS = 60;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}; got "${raw}"`);
      return fallback;
    }
    return value;
  };

  const nodeEnv = env.NODE_ENV ?? "development";
  if (!["development", "production", "test"].includes(nodeEnv)) {
    problems.push(`NODE_ENV must be development, production or test; got "${nodeEnv}"`);
  }

  const databasePath = env.DATABASE_PATH ?? DEFAULT_DATABASE_PATH;
  if (databasePath.trim() === "") problems.push("DATABASE_PATH must not be empty (leave it unset for the default)");

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/\S+$/.test(databaseUrl)) {
    problems.push(
      `DATABASE_URL must be a postgres:// URL such as postgres://user:pass@db.internal:5432/pricing; got "${databaseUrl.replace(/:[^:@/]*@/, ":***@")}"`,
    );
  }

  const host = env.HOST ?? "0.0.0.0";
  if (host.trim() === "") problems.push("HOST must not be empty (leave it unset for 0.0.0.0)");

  const adminApiKey = env.ADMIN_API_KEY || undefined;
  if (adminApiKey !== undefined && adminApiKey.length < 24) {
    problems.push("ADMIN_API_KEY must be at least 24 characters (or unset, to have one generated)");
  }

  const publicUrl = env.PUBLIC_URL || undefined;
  if (publicUrl !== undefined && !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(publicUrl)) {
    problems.push(`PUBLIC_URL must be an http(s) URL such as https://api.example.com; got "${publicUrl}"`);
  }
  const stripeSecretKey = env.STRIPE_SECRET_KEY || undefined;
  const stripeWebhookSecret = env.STRIPE_WEBHOOK_SECRET || undefined;
  if ((stripeSecretKey === undefined) !== (stripeWebhookSecret === undefined)) {
    problems.push("STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET go together: set both to use Stripe, or neither");
  }
  const returnOrigins = parseOrigins(env.CHECKOUT_RETURN_ORIGINS ?? "");
  if (typeof returnOrigins === "string") problems.push(returnOrigins);
  const retryDays = env.SUBSCRIPTION_RETRY_DAYS ? parseRetryDays(env.SUBSCRIPTION_RETRY_DAYS) : DEFAULT_RETRY_DAYS;
  if (typeof retryDays === "string") problems.push(retryDays);
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl !== undefined && !/^smtps?:\/\/\S+$/.test(smtpUrl)) {
    problems.push(`SMTP_URL must look like smtp://user:pass@host:587; got "${smtpUrl}"`);
  }

  const redisUrl = (): string | undefined => {
    const raw = env.REDIS_URL;
    if (!raw) return undefined;
    if (!/^rediss?:\/\/[^\s]+$/.test(raw)) problems.push(`REDIS_URL must be a redis:// or rediss:// URL; got "${raw}"`);
    return raw;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    problems.push(`${name} must be true or false; got "${raw}"`);
    return fallback;
  };
  const logLevel = (env.LOG_LEVEL || "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}; got "${logLevel}"`);
  /** A rate of 0 turns that limit off. */
  const rate = (prefix: string, perSecond: number, burst: number): RateLimitSettings | null => {
    const settings = {
      perSecond: integer(`${prefix}_PER_SECOND`, perSecond, 0, 1_000_000),
      burst: integer(`${prefix}_BURST`, burst, 1, 10_000_000),
    };
    return settings.perSecond === 0 ? null : settings;
  };

  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,}$/.test(metricsToken)) {
    problems.push("METRICS_TOKEN must be at least 16 printable characters without spaces (scrapers send it as Authorization: Bearer <token>)");
  }
  const metricsPort = env.METRICS_PORT ? integer("METRICS_PORT", 0, 0, 65535) : undefined;

  const trustProxy = flag("TRUST_PROXY", false);
  const headersTimeoutMs = integer("HTTP_HEADERS_TIMEOUT_MS", DEFAULT_HTTP.headersTimeoutMs, 1000, 600_000);
  const requestTimeoutMs = integer("HTTP_REQUEST_TIMEOUT_MS", DEFAULT_HTTP.requestTimeoutMs, 1000, 3_600_000);
  if (requestTimeoutMs < headersTimeoutMs) {
    problems.push(
      `HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs}) must be at least HTTP_HEADERS_TIMEOUT_MS (${headersTimeoutMs}): the headers are part of the request`,
    );
  }

  const corsOrigins = parseCorsOrigins(env.CORS_ORIGINS);
  if ("problem" in corsOrigins) problems.push(corsOrigins.problem);
  const corsHeaders = parseCorsAllowedHeaders(env.CORS_ALLOWED_HEADERS);
  if (typeof corsHeaders === "string") problems.push(corsHeaders);

  const config: Config = {
    port: integer("PORT", 4000, 0, 65535),
    host,
    databasePath,
    databaseUrl,
    databasePoolSize: integer("DATABASE_POOL_SIZE", 10, 1, 500),
    nodeEnv: nodeEnv as Config["nodeEnv"],
    maxBodyBytes: integer("MAX_BODY_BYTES", 100 * 1024, 1024, 10 * 1024 * 1024),
    shutdownTimeoutMs: integer("SHUTDOWN_TIMEOUT_MS", 10_000, 0, 600_000),
    http: {
      headersTimeoutMs,
      requestTimeoutMs,
      keepAliveTimeoutMs: integer("HTTP_KEEP_ALIVE_TIMEOUT_MS", DEFAULT_HTTP.keepAliveTimeoutMs, 1000, 600_000),
      // Behind a proxy every connection comes from the proxy's address: no cap unless one is set.
      maxConnectionsPerAddress: integer("HTTP_MAX_CONNECTIONS_PER_ADDRESS", trustProxy ? 0 : DEFAULT_HTTP.maxConnectionsPerAddress, 0, 1_000_000),
      cors: {
        origins: "problem" in corsOrigins ? DEFAULT_CORS.origins : corsOrigins.origins,
        extraAllowedHeaders: Array.isArray(corsHeaders) ? corsHeaders : [],
      },
    },
    catalogCacheMaxAgeSeconds: integer("CATALOG_CACHE_MAX_AGE_SECONDS", DEFAULT_CATALOG_CACHE_MAX_AGE_SECONDS, 0, 86_400),
    adminApiKey,
    jobTtlMs: integer("JOB_TTL_SECONDS", 24 * 3600, 60, 365 * 24 * 3600) * 1000,
    idempotencyTtlMs: integer("IDEMPOTENCY_TTL_SECONDS", 24 * 3600, 24 * 3600, 365 * 24 * 3600) * 1000,
    sweepIntervalMs: integer("SWEEP_INTERVAL_SECONDS", 60, 0, 24 * 3600) * 1000,
    // At least the webhooks' 3-day retry window, so retention never ends a delivery's retries.
    eventRetentionMs: integer("EVENT_RETENTION_DAYS", 30, 3, 3650) * 24 * 3600 * 1000,
    webhooks: {
      ...defaultWebhookConfig(nodeEnv),
      allowPrivate: flag("WEBHOOK_ALLOW_PRIVATE_URLS", nodeEnv !== "production"),
      timeoutMs: integer("WEBHOOK_TIMEOUT_SECONDS", 10, 1, 30) * 1000,
    },
    logLevel,
    introspection: flag("INTROSPECTION", true),
    fastPath: flag("FAST_PATH", true),
    redisUrl: redisUrl(),
    trustProxy,
    limits: {
      maxDepth: integer("GRAPHQL_MAX_DEPTH", DEFAULT_LIMITS.maxDepth, 2, 100),
      maxAliases: integer("GRAPHQL_MAX_ALIASES", DEFAULT_LIMITS.maxAliases, 1, 10_000),
      maxTokens: integer("GRAPHQL_MAX_TOKENS", DEFAULT_LIMITS.maxTokens, 100, 1_000_000),
      maxDirectives: integer("GRAPHQL_MAX_DIRECTIVES", DEFAULT_LIMITS.maxDirectives, 1, 10_000),
      maxCost: integer("GRAPHQL_MAX_COST", DEFAULT_LIMITS.maxCost, 100, 100_000_000),
      maxMutations: integer("GRAPHQL_MAX_MUTATIONS", DEFAULT_LIMITS.maxMutations, 1, 1000),
    },
    metrics: { token: metricsToken, port: metricsPort },
    live: {
      maxConnectionsPerKey: integer("LIVE_MAX_CONNECTIONS_PER_KEY", DEFAULT_LIVE.maxConnectionsPerKey, 1, 10_000),
      maxSubscriptionsPerConnection: integer("LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION", DEFAULT_LIVE.maxSubscriptionsPerConnection, 1, 1000),
      maxMessageBytes: integer("LIVE_MAX_MESSAGE_BYTES", DEFAULT_LIVE.maxMessageBytes, 1024, 10 * 1024 * 1024),
      maxBufferedBytes: integer("LIVE_MAX_BUFFERED_BYTES", DEFAULT_LIVE.maxBufferedBytes, 16 * 1024, 1024 * 1024 * 1024),
      maxQueuedEvents: integer("LIVE_MAX_QUEUED_EVENTS", DEFAULT_LIVE.maxQueuedEvents, 1, 1_000_000),
      pollIntervalMs: integer("LIVE_POLL_MS", DEFAULT_LIVE.pollIntervalMs, 10, 60_000),
      authCheckIntervalMs: integer("LIVE_AUTH_CHECK_SECONDS", DEFAULT_LIVE.authCheckIntervalMs / 1000, 1, 3600) * 1000,
    },
    rateLimits: {
      perKey: rate("RATE_LIMIT_KEY", 50, 100),
      perAddress: rate("RATE_LIMIT_ADDRESS", 100, 200),
    },
    billing: {
      publicUrl: publicUrl?.replace(/\/$/, ""),
      // The sandbox signs and verifies its own webhooks, so a per-process secret is enough.
      sandboxWebhookSecret: env.SANDBOX_WEBHOOK_SECRET || randomBytes(32).toString("hex"),
      stripe: stripeSecretKey && stripeWebhookSecret ? { secretKey: stripeSecretKey, webhookSecret: stripeWebhookSecret } : undefined,
      smtpUrl,
      mailFrom: env.MAIL_FROM || "credits@localhost",
      checkoutTtlMs: integer("CHECKOUT_TTL_SECONDS", 24 * 3600, 60, 30 * 24 * 3600) * 1000,
      checkoutReturnOrigins: typeof returnOrigins === "string" ? [] : returnOrigins,
      subscriptionRetryDays: typeof retryDays === "string" ? DEFAULT_RETRY_DAYS : retryDays,
    },
  };
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === config.port) {
    problems.push(`METRICS_PORT must differ from PORT (${config.port}): metrics are kept off the API's port`);
  }
  // The server's clock never moves any more: a stale TEST_CLOCK=true would otherwise be silently ignored.
  if (flag("TEST_CLOCK", false)) {
    problems.push(
      "TEST_CLOCK is gone: the server's clock never moves; make a test clock (testClockCreate) and TEST accounts on it (accountCreate with mode: TEST, testClockId)",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
