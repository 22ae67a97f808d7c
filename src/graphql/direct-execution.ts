/**
 * Direct execution: the hot path for operations a client sends again and again.
 *
 * Apollo's request pipeline costs more than running a compiled estimate: per request it hashes the
 * query (SHA-256), looks the document up, negotiates the response's media type, runs plugin hooks
 * and builds its request context. What it decides about an operation, though, depends only on
 * the operation's text, the Accept header and the schema: that the document parses and passes
 * validation (every limit), and which headers a successful answer carries. So once Apollo has
 * answered an operation successfully through the compiled executor, the same text with the same
 * Accept header runs straight through that compiled function, and the answer is written exactly
 * as Apollo writes it.
 *
 * Only queries qualify: when a direct run reports any error, the request goes to Apollo, which
 * runs it again and words, masks, counts and logs the errors as for any request (a query has no
 * effect to repeat). Only POSTed JSON bodies of `query`, `variables` and `operationName`, and the
 * `extensions: { clientLibrary }` Apollo Client 4 adds to every request, which Apollo Server does
 * not read (anything else, persisted queries included, is Apollo's to judge), only operations of
 * at most 8 KiB of text, and at most 500 of them, the least recently used forgotten first.
 */
import type { CompiledOperation } from "./executor.js";
import { LRUCache } from "lru-cache";

export interface DirectRequest {
  query: string;
  operationName: string | null;
  variables: Record<string, unknown>;
}

export interface DirectOperation {
  run: CompiledOperation;
  /** The headers of Apollo's successful answer (the media type it negotiated from Accept). */
  headers: Array<[string, string]>;
}

const MAX_QUERY_LENGTH = 8 * 1024;
const MAX_OPERATIONS = 500;
const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

/** The request, when it is a JSON body Apollo would take as it is, with nothing but an operation. */
export function directRequestOf(contentType: string | undefined, body: unknown): DirectRequest | null {
  if (!contentType || !JSON_MEDIA_TYPE.test(contentType)) return null;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return null;
  const request: DirectRequest = { query: "", operationName: null, variables: {} };
  for (const [name, value] of Object.entries(body)) {
    if (name === "query" && typeof value === "string" && value.length <= MAX_QUERY_LENGTH) request.query = value;
    else if (name === "operationName" && (value === null || typeof value === "string")) request.operationName = value;
    else if (name === "variables" && typeof value === "object" && !Array.isArray(value)) request.variables = value ?? {};
    else if (name !== "extensions" || !onlyClientLibrary(value)) return null;
  }
  return request.query ? request : null;
}

/** `{ clientLibrary: { name, version } }`, as Apollo Client 4 sends it, and nothing else. */
function onlyClientLibrary(extensions: unknown): boolean {
  if (typeof extensions !== "object" || extensions === null) return false;
  const keys = Object.keys(extensions);
  return keys.length === 1 && keys[0] === "clientLibrary";
}

export class DirectOperations {
  private readonly operations = new LRUCache<string, DirectOperation>({ max: MAX_OPERATIONS });

  /** Accept (a header value never has a newline), then the operation name length-prefixed, then the text. */
  key(accept: string, request: DirectRequest): string {
    const name = request.operationName ?? "";
    return `${accept}\n${name.length}:${name}${request.query}`;
  }

  get(key: string): DirectOperation | undefined {
    return this.operations.get(key);
  }

  remember(key: string, operation: DirectOperation): void {
    this.operations.set(key, operation);
  }
}
