/**
 * Requests refused before GraphQL runs (rate limit, body size, malformed body, unknown route …):
 * answered in the GraphQL error shape, in the media type the client accepts, chosen as Apollo
 * chooses it for GraphQL answers, so that a client reads them as it reads any other error.
 */
import type { ServerResponse } from "node:http";
import Negotiator from "negotiator";
import { httpErrorCode } from "../error-codes.js";
import { respond } from "./respond.js";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get body() {
    return { errors: [{ message: this.message, extensions: { code: httpErrorCode(this.status) } }] };
  }
}

/** Apollo's two media types, each with the charset it writes. */
const APPLICATION_JSON = "application/json; charset=utf-8";
const GRAPHQL_RESPONSE_JSON = "application/graphql-response+json; charset=utf-8";

/**
 * Apollo's choice (runHttpQuery's chooseContentTypeForSingleResultResponse, with the same
 * negotiator): application/graphql-response+json when Accept prefers it, application/json
 * otherwise. Where Apollo would answer 406 (Accept names neither), a refusal is still worth
 * reading: it is sent as application/json.
 */
export function errorMediaType(accept: string | undefined): string {
  if (!accept) return APPLICATION_JSON;
  return new Negotiator({ headers: { accept } }).mediaType([APPLICATION_JSON, GRAPHQL_RESPONSE_JSON]) ?? APPLICATION_JSON;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  respond(res, status, { "content-type": APPLICATION_JSON, ...headers }, JSON.stringify(body));
}

/** Answers a refusal in the negotiated media type; headers already set on `res` (rate limits, CORS) stay. */
export function sendHttpError(res: ServerResponse, error: HttpError, accept: string | undefined): void {
  sendJson(res, error.status, error.body, { "content-type": errorMediaType(accept), ...error.headers });
}
