/**
 * CORS, with the `cors` package: which origins may read our answers (CORS_ORIGINS) and which
 * request headers a browser may send (a default list that covers API keys, Apollo's and tracing
 * headers, plus CORS_ALLOWED_HEADERS). Keys travel in headers, never cookies, so no credentials.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import cors from "cors";

export interface CorsSettings {
  /** "*" (any origin) or the origins allowed to read answers, e.g. https://app.example.com. */
  origins: "*" | string[];
  /** Request headers allowed besides DEFAULT_CORS_ALLOWED_HEADERS, lower case. */
  extraAllowedHeaders: string[];
}

/** What browsers' fetches to this API carry: keys, ids, Apollo's headers, tracing (W3C, Sentry), conditional GETs. */
export const DEFAULT_CORS_ALLOWED_HEADERS = [
  "content-type",
  "authorization",
  "x-api-key",
  "x-request-id",
  "idempotency-key",
  "traceparent",
  "tracestate",
  "baggage",
  "sentry-trace",
  "apollo-require-preflight",
  "x-apollo-operation-name",
  "apollographql-client-name",
  "apollographql-client-version",
  "if-none-match",
] as const;

const EXPOSED_HEADERS = ["x-request-id", "retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "etag"];

/** Browsers cap it lower (Chrome: 2 hours); a day lets each use its own cap. */
const PREFLIGHT_MAX_AGE_SECONDS = 86_400;

export const DEFAULT_CORS: CorsSettings = { origins: "*", extraAllowedHeaders: [] };

export type CorsHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Sets the CORS headers on every answer; answers a preflight (OPTIONS) itself, 204, without calling `next`. */
export function corsHandler(settings: CorsSettings): CorsHandler {
  const allowedHeaders = [...new Set([...DEFAULT_CORS_ALLOWED_HEADERS, ...settings.extraAllowedHeaders])];
  const middleware = cors({
    // A list: an allowed origin is echoed (with Vary: Origin), any other gets no Access-Control-Allow-Origin.
    origin: settings.origins === "*" ? "*" : settings.origins,
    methods: ["GET", "POST", "OPTIONS"],
    allowedHeaders,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    credentials: false,
    optionsSuccessStatus: 204,
  });
  return (req, res, next) => middleware(req, res, () => next());
}

/** CORS_ORIGINS: "*" or comma-separated http(s) origins; a problem naming the bad part otherwise. */
export function parseCorsOrigins(raw: string | undefined): { origins: CorsSettings["origins"] } | { problem: string } {
  const parts = (raw ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "*")) return { origins: "*" };
  const origins: string[] = [];
  for (const part of parts) {
    let url: URL | null = null;
    try {
      url = new URL(part);
    } catch {
      // reported below
    }
    const originOnly = url && url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password && !part.endsWith("#") && !part.endsWith("?");
    if (!url || !originOnly || (url.protocol !== "https:" && url.protocol !== "http:") || part.includes("*")) {
      return {
        problem: `CORS_ORIGINS must be * or comma-separated origins such as https://app.example.com,http://localhost:3000 (scheme, host and port; no path, no *); got "${part}"`,
      };
    }
    origins.push(url.origin);
  }
  return { origins: [...new Set(origins)] };
}

/** RFC 9110's token: what a header's name may be made of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** CORS_ALLOWED_HEADERS: comma-separated header names, added to the default list. */
export function parseCorsAllowedHeaders(raw: string | undefined): string[] | string {
  const names = (raw ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  const bad = names.find((name) => !HEADER_NAME.test(name));
  if (bad !== undefined) return `CORS_ALLOWED_HEADERS must be comma-separated header names such as x-tenant-id,x-client-version; got "${bad}"`;
  return [...new Set(names.map((name) => name.toLowerCase()))];
}
