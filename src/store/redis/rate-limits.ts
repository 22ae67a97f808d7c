/**
 * Rate-limit windows kept in Redis (REDIS_URL), so that every node counts the same requests: one
 * limit across all of them. When Redis does not answer, each node falls back to its own memory
 * (rate-limiter-flexible's insurance limiter) rather than refusing or waiting: limits loosen to
 * per node for that time, requests keep being served.
 */
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";
import type { Logger } from "../../logger.js";
import type { LimiterFactory } from "../../rate-limit.js";

export interface RedisRateLimits {
  factory: LimiterFactory;
  /** Resolves once Redis answers, or after a second without it (the node starts counting on its own). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** `namespace` separates deployments (or test runs) sharing one Redis. */
export function redisRateLimits(url: string, logger: Logger, namespace = "pricing-api"): RedisRateLimits {
  const client = new Redis(url, {
    // A limit decided late is worse than one decided per node: fail fast, reconnect in the background.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    lazyConnect: false,
  });
  let reported = false;
  client.on("error", (error: Error) => {
    if (!reported) logger.warn("rate limits: Redis unavailable, counting per node until it is back", { error: error.message });
    reported = true;
  });
  client.on("ready", () => {
    if (reported) logger.info("rate limits: Redis is back, counting across nodes again");
    reported = false;
  });
  const factory: LimiterFactory = (_scope, options) =>
    new RateLimiterRedis({
      storeClient: client,
      ...options,
      keyPrefix: `${namespace}:${options.keyPrefix}`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  const ready = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1000).unref();
    client.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    factory,
    ready,
    async close() {
      client.disconnect();
    },
  };
}
