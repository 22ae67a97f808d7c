/**
 * The node:http server around the router: request ids, CORS, the request log line and metrics,
 * refusals in the GraphQL error shape, and a graceful shutdown that lets in-flight requests finish.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { HttpError, sendHttpError } from "./errors.js";
import { headerValue, requestIdOf, routeLabel, targetOf } from "./request.js";
import type { Route } from "./router.js";

// Keys travel in headers, never cookies, so any origin (Apollo Studio included) may call us.
const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "x-request-id, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset",
};

export interface HttpServer {
  server: Server;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting connections and waits for in-flight requests, at most `timeoutMs`. */
  close(timeoutMs: number): Promise<void>;
}

export function createHttpServer(route: Route, logger: Logger, metrics: Metrics): HttpServer {
  let inFlight = 0;
  let closing = false;
  let drained: (() => void) | null = null;

  const server = createServer((req, res) => {
    inFlight++;
    const started = performance.now();
    const requestId = requestIdOf(req);
    const target = targetOf(req.url);
    const method = (req.method ?? "GET").toUpperCase();
    res.setHeader("x-request-id", requestId);
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
    if (closing) res.setHeader("connection", "close");
    res.on("close", () => {
      inFlight--;
      if (closing && inFlight === 0) drained?.();
      const seconds = (performance.now() - started) / 1000;
      metrics.observe(routeLabel(target.pathname), method, res.statusCode, seconds);
      // A field rather than a child logger: building a child per request cost more than the line.
      logger.info("request", { requestId, method, path: target.pathname, status: res.statusCode, durationMs: Math.round(seconds * 10_000) / 10 });
    });
    route(req, res, target, method, requestId).catch((error: unknown) => {
      const accept = headerValue(req, "accept");
      if (error instanceof HttpError) return sendHttpError(res, error, accept);
      logger.error("request failed", { requestId, error });
      sendHttpError(res, new HttpError(500, "Internal server error"), accept);
    });
  });

  return {
    server,
    listen: (port, host) => listenOn(server, port, host),
    async close(timeoutMs) {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
        ]);
      }
      server.closeAllConnections();
      await stopped;
    },
  };
}

export function listenOn(server: Server, port: number, host: string | undefined): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}
