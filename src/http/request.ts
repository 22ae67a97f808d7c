/** What the routes read from a request: its target, id, headers, client address and API key. */
import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { AmbiguousApiKeyError, presentedKey } from "../accounts/keys.js";
import { HttpError } from "./errors.js";

/** The parts of a request's URL the routes read. */
export interface Target {
  pathname: string;
  search: string;
}

const GRAPHQL_TARGET: Target = { pathname: "/graphql", search: "" };

/** Parsing a URL is a few microseconds per request; the common POST /graphql needs none. */
export function targetOf(url = "/"): Target {
  if (url === GRAPHQL_TARGET.pathname) return GRAPHQL_TARGET;
  const { pathname, search } = new URL(url, "http://localhost");
  return { pathname, search };
}

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

export function clientAddress(req: IncomingMessage, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = headerValue(req, "x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  return req.socket.remoteAddress ?? null;
}

/** A small fixed set of route labels, so metrics cannot grow with arbitrary paths. */
export function routeLabel(path: string): string {
  if (path === "/graphql" || path === "/health" || path === "/metrics") return path;
  if (path.startsWith("/webhooks/")) return "/webhooks";
  if (path.startsWith("/sandbox/")) return "/sandbox";
  if (path.startsWith("/checkout/")) return "/checkout";
  return "other";
}

/** The request's API key; two different ones are a malformed request (400). */
export function keyOf(header: (name: string) => string | undefined): string | null {
  try {
    return presentedKey({ get: header });
  } catch (error) {
    if (error instanceof AmbiguousApiKeyError) throw new HttpError(400, error.message);
    throw error;
  }
}

/** If-None-Match names `etag` (compared weakly, as RFC 9110 says for If-None-Match). */
export function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/** A body with its strong validator (a hash of its bytes), for answers that never change within a build. */
export function versioned(body: string): { body: string; etag: string } {
  return { body, etag: `"${createHash("sha256").update(body).digest("base64url")}"` };
}
