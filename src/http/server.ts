/**
 * The node:http server around the router: request ids, CORS, the request log line and metrics,
 * refusals in the GraphQL error shape, timeouts and a per-address connection cap against slow or
 * greedy clients, and a graceful shutdown that lets in-flight requests finish.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import { capConnectionsPerAddress } from "./connections.js";
import { corsHandler, DEFAULT_CORS, type CorsSettings } from "./cors.js";
import { HttpError, sendHttpError } from "./errors.js";
import { headerValue, requestIdOf, routeLabel, targetOf } from "./request.js";
import type { Route } from "./router.js";

/** The HTTP_* settings: how long a client may take, and how many connections one address may hold; and CORS_*. */
export interface HttpSettings {
  /** A request's headers must all arrive within this (slowloris); then 408 and the connection closes. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this. */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Open connections per TCP peer address; more are closed at once (0: no cap). */
  maxConnectionsPerAddress: number;
  /** Which origins may read answers, and which request headers browsers may send (CORS_ORIGINS, CORS_ALLOWED_HEADERS). */
  cors: CorsSettings;
}

export const DEFAULT_HTTP: HttpSettings = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  maxConnectionsPerAddress: 256,
  cors: DEFAULT_CORS,
};

export interface HttpServer {
  server: Server;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting connections and waits for in-flight requests, at most `timeoutMs`. */
  close(timeoutMs: number): Promise<void>;
}

export function createHttpServer(route: Route, logger: Logger, metrics: Metrics, settings: HttpSettings = DEFAULT_HTTP): HttpServer {
  let inFlight = 0;
  let closing = false;
  let drained: (() => void) | null = null;
  const cors = corsHandler(settings.cors);

  const options = {
    headersTimeout: settings.headersTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    // Node looks for requests past their timeouts only this often (30 s by default): a fraction of the header timeout keeps it close to exact.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(settings.headersTimeoutMs / 4))),
  };
  const server = createServer(options, (req, res) => {
    inFlight++;
    const started = performance.now();
    const requestId = requestIdOf(req);
    const target = targetOf(req.url);
    const method = (req.method ?? "GET").toUpperCase();
    res.setHeader("x-request-id", requestId);
    if (closing) res.setHeader("connection", "close");
    res.on("close", () => {
      inFlight--;
      if (closing && inFlight === 0) drained?.();
      const seconds = (performance.now() - started) / 1000;
      metrics.observe(routeLabel(target.pathname), method, res.statusCode, seconds);
      // A field rather than a child logger: building a child per request cost more than the line.
      logger.info("request", { requestId, method, path: target.pathname, status: res.statusCode, durationMs: Math.round(seconds * 10_000) / 10 });
    });
    // A preflight (OPTIONS) is answered here, 204; every other request goes on to its route.
    cors(req, res, () => {
      route(req, res, target, method, requestId).catch((error: unknown) => {
        const accept = headerValue(req, "accept");
        if (error instanceof HttpError) return sendHttpError(res, error, accept);
        logger.error("request failed", { requestId, error });
        sendHttpError(res, new HttpError(500, "Internal server error"), accept);
      });
    });
  });

  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  if (settings.maxConnectionsPerAddress > 0) capConnectionsPerAddress(server, settings.maxConnectionsPerAddress, () => metrics.connectionsRefused.inc());

  return {
    server,
    listen: (port, host) => listenOn(server, port, host),
    async close(timeoutMs) {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([new Promise<void>((resolve) => (drained = resolve)), new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())]);
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
