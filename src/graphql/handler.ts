/**
 * POST and GET /graphql: the public response cache (anonymous reads while the catalog is
 * unchanged), the fast path's direct runs, and Apollo for everything else. Every answer waits for
 * the store's pending fsync: what a request read may come from a commit not yet on disk. An
 * anonymous GET query's answer is public, with an ETag (http-caching.ts); every other is no-store.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer } from "@apollo/server";
import { decodeUtf8, parseJsonBody, readBody } from "../http/body.js";
import { errorMediaType, sendJson } from "../http/errors.js";
import { respond } from "../http/respond.js";
import { headerValue, ifNoneMatch, keyOf, type Target } from "../http/request.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { Services } from "../services.js";
import { createContext, type Context } from "./shared/context.js";
import { serviceUnavailableBody, storeUnavailableCause } from "./shared/errors.js";
import type { StoreUnavailableError } from "../store/store.js";
import type { FastPath } from "./fast-path.js";
import {
  answerableUnchanged,
  NO_STORE,
  PRIVATE_NO_STORE,
  presentsKey,
  publicGet,
  publicHeaders,
  publicVersion,
  varyGet,
  type PublicGet,
} from "./http-caching.js";
import { hasControlCharacter } from "./shared/input-text.js";
import { PublicResponseCache } from "./response-cache.js";

export class GraphQLHandler {
  private readonly responseCache = new PublicResponseCache();

  constructor(
    private readonly apollo: ApolloServer<Context>,
    private readonly fastPath: FastPath | null,
    private readonly services: Services,
    private readonly metrics: Metrics,
    private readonly maxBodyBytes: number,
    private readonly logger: Logger,
    /** CATALOG_CACHE_MAX_AGE_SECONDS. */
    private readonly publicMaxAgeSeconds: number,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, target: Target, method: string, requestId: string): Promise<void> {
    const header = (name: string) => headerValue(req, name);
    const contentType = header("content-type");
    const accept = header("accept") ?? "";
    // Stays on every answer but a public one (an error thrown below included).
    res.setHeader("cache-control", presentsKey(header) ? PRIVATE_NO_STORE : NO_STORE);
    let get: PublicGet | null = null;
    if (method === "GET") {
      varyGet(res);
      get = publicGet({ search: target.search, header }, publicVersion(this.services.catalog.version()));
      // The client holds this very answer: no need to run it again.
      if (get && ifNoneMatch(header("if-none-match"), get.etag) && answerableUnchanged({ search: target.search, header }, get)) {
        return respond(res, 304, publicHeaders(get.etag, this.publicMaxAgeSeconds), "");
      }
    }
    const body = method === "POST" ? decodeUtf8(await readBody(req, this.maxBodyBytes)) : "";
    const parsed = parseJsonBody(contentType, body);
    const apiKey = keyOf(header);
    // Without a key only public data can be read: an identical request gets the stored answer.
    const cacheKey =
      method === "POST" && !apiKey && parsed && typeof parsed === "object" && !Array.isArray(parsed) ? this.responseCache.key(accept, body) : null;
    const version = cacheKey ? this.services.catalog.version() : "";
    const hit = cacheKey ? this.responseCache.get(cacheKey, version) : undefined;
    if (hit) return respond(res, 200, hit.headers, hit.body);

    const candidate = method === "POST" ? (this.fastPath?.candidate(contentType, parsed, accept) ?? null) : null;
    // Variables with a refused character, or a context that cannot be made (the store is down), are Apollo's to answer, as errors.
    const direct = candidate?.operation && !hasControlCharacter(candidate.request.variables) ? candidate.operation : undefined;
    const directContext = direct ? await createContext(this.services, requestId, apiKey).catch(() => null) : null;
    if (candidate && direct && directContext) {
      const result = await direct.run(directContext, candidate.request.variables);
      // With errors, Apollo answers instead (see direct-execution.ts).
      if (!result.errors) {
        this.metrics.directExecutions.inc();
        const text = JSON.stringify({ data: result.data, extensions: result.extensions }) + "\n";
        const unsynced = await this.syncFailure();
        if (unsynced) return this.unavailable(res, accept, requestId, unsynced);
        if (cacheKey) this.responseCache.set(cacheKey, version, direct.headers, text);
        return respond(res, 200, direct.headers, text);
      }
    }

    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    let context: Context | undefined;
    const response = await this.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search: target.search, body: parsed },
      context: async () => (context = await createContext(this.services, requestId, apiKey)),
    });
    // Apollo's own answer of a failed store says more (whether a change may have been made).
    const unsynced = await this.syncFailure();
    if (unsynced && !context?.operation.storeUnavailable) return this.unavailable(res, accept, requestId, unsynced);
    const status = response.status ?? 200;
    if (response.body.kind === "complete") {
      const succeeded = status === 200 && context?.operation.isQuery && !context.operation.hadErrors;
      if (succeeded && cacheKey) this.responseCache.set(cacheKey, version, [...response.headers], response.body.string);
      if (succeeded && candidate && context) this.fastPath!.remember(candidate, context, [...response.headers]);
      if (succeeded && get) {
        // A persisted query sent by its hash alone is known to be a query only now.
        const headers = publicHeaders(get.etag, this.publicMaxAgeSeconds);
        if (ifNoneMatch(header("if-none-match"), get.etag)) return respond(res, 304, headers, "");
        return respond(res, status, [...response.headers, ...Object.entries(headers)], response.body.string);
      }
      return respond(res, status, response.headers, response.body.string);
    }
    // Incremental delivery (@defer): written as Apollo streams it.
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = status;
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  /** Waits for the store's pending fsync: null once it is done, the failure when it failed (what the request read or wrote may not be on disk). */
  private async syncFailure(): Promise<StoreUnavailableError | null> {
    try {
      await this.services.store.durable();
      return null;
    } catch (error) {
      const cause = storeUnavailableCause(error);
      if (!cause) throw error;
      return cause;
    }
  }

  private unavailable(res: ServerResponse, accept: string, requestId: string, cause: StoreUnavailableError): void {
    this.logger.warn("store unavailable", { requestId, error: cause });
    this.metrics.graphqlErrors.inc({ code: "SERVICE_UNAVAILABLE" });
    sendJson(res, 503, serviceUnavailableBody(cause), { "content-type": errorMediaType(accept), "retry-after": "1" });
  }
}
