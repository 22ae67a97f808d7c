/**
 * HTTP caching of GET /graphql: an anonymous query (no key header at all) can only read the
 * catalog and estimates, which depend on nothing but the catalog. Its answer, when it has no
 * errors, is public for CATALOG_CACHE_MAX_AGE_SECONDS and carries an ETag of the catalog's version
 * and the request, so a client or a shared cache revalidates it with If-None-Match and gets a 304.
 * Everything else (a key, POST, errors, anything but a query) is never stored.
 */
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { getOperationAST, parse } from "graphql";
import Negotiator from "negotiator";
import { buildId } from "../build-id.js";

export const NO_STORE = "no-store";
/** A keyed answer is the key holder's alone. */
export const PRIVATE_NO_STORE = "private, no-store";

/** What a shared cache must key a GET answer on: the key headers (a keyed request must never get the public answer) and the media type. */
const GET_VARY = ["Accept", "X-API-Key", "Authorization"];

/** The media types Apollo chooses among for a GET (ApolloServer.prefersHTML and runHttpQuery); only JSON answers are cached. */
const JSON_TYPES = ["application/json", "application/graphql-response+json"];
const GET_TYPES = [...JSON_TYPES, "multipart/mixed", "text/html"];

/** Apollo's CSRF prevention lets a GET through only with one of these, or a content-type a form cannot send. */
const PREFLIGHT_HEADERS = ["x-apollo-operation-name", "apollo-require-preflight"];
const SIMPLE_CONTENT_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];

/** The parameters of a GraphQL-over-HTTP GET that decide its answer. */
const REQUEST_PARAMETERS = ["query", "variables", "operationName", "extensions"] as const;

export interface GetRequest {
  search: string;
  header(name: string): string | undefined;
}

/** A GET whose answer may be public: its ETag, and its query text when it came with one. */
export interface PublicGet {
  etag: string;
  query: string | null;
  operationName: string | null;
}

/** Whether any key header came (even an invalid or empty one): such a request is never public. */
export function presentsKey(header: (name: string) => string | undefined): boolean {
  return header("x-api-key") !== undefined || header("authorization") !== undefined;
}

/** What a public answer depends on besides its request: the catalog, and the code that answered (a deploy changes every tag). */
export const publicVersion = (catalogVersion: string) => `${catalogVersion}\0${buildId()}`;

/**
 * The ETag a GET's answer gets when it turns out public: a hash of `version` (the catalog's and
 * the build's), the media type answered in and the request's parameters as sent. Null for a request whose answer is
 * never public (a key header, an answer in HTML or not in JSON, no GraphQL parameters at all).
 */
export function publicGet(request: GetRequest, version: string): PublicGet | null {
  if (presentsKey(request.header)) return null;
  const accept = request.header("accept");
  const mediaType = accept ? new Negotiator({ headers: { accept } }).mediaType(GET_TYPES) : JSON_TYPES[0];
  if (!mediaType || !JSON_TYPES.includes(mediaType)) return null;
  const parameters = new URLSearchParams(request.search);
  if (!parameters.has("query") && !parameters.has("extensions")) return null;
  const hash = createHash("sha256").update(version).update("\0").update(mediaType);
  // Each parameter's presence and value, so that no two different requests hash alike.
  for (const name of REQUEST_PARAMETERS) {
    const value = parameters.get(name);
    hash.update(value === null ? "\0-" : `\0+${value.length}:${value}`);
  }
  return { etag: `"${hash.digest("base64url")}"`, query: parameters.get("query"), operationName: parameters.get("operationName") };
}

/**
 * Whether a GET may be answered 304 before it runs: only one that would be answered with this tag
 * had it run (a matching tag means the client was given it for the same catalog and request), so
 * one Apollo would refuse (CSRF prevention) or whose document is not a single query is run instead.
 * Its errors, if any, were known when the tag was given: the same request on the same catalog
 * answers the same.
 */
export function answerableUnchanged(request: GetRequest, get: PublicGet): boolean {
  if (!passesCsrfPrevention(request.header) || get.query === null) return false;
  try {
    return getOperationAST(parse(get.query), get.operationName)?.operation === "query";
  } catch {
    return false;
  }
}

function passesCsrfPrevention(header: (name: string) => string | undefined): boolean {
  const contentType = header("content-type")?.split(";")[0].trim().toLowerCase();
  if (contentType && !SIMPLE_CONTENT_TYPES.includes(contentType)) return true;
  return PREFLIGHT_HEADERS.some((name) => (header(name) ?? "") !== "");
}

/** The public answer's caching headers (on the 200 and on the 304). */
export function publicHeaders(etag: string, maxAgeSeconds: number): Record<string, string> {
  return { etag, "cache-control": `public, max-age=${maxAgeSeconds}` };
}

/** Adds the GET answer's Vary fields to those already set (CORS's Origin, when origins are listed). */
export function varyGet(res: ServerResponse): void {
  const current = res.getHeader("vary");
  const fields =
    current === undefined
      ? []
      : String(current)
          .split(",")
          .map((field) => field.trim())
          .filter(Boolean);
  const known = new Set(fields.map((field) => field.toLowerCase()));
  res.setHeader("vary", [...fields, ...GET_VARY.filter((field) => !known.has(field.toLowerCase()))].join(", "));
}
