/**
 * Every code this API answers with, defined once: the codes of GraphQL errors (`extensions.code`)
 * and of mutations' `userErrors`, the HTTP statuses of refusals before GraphQL runs, and the
 * WebSocket close codes of live connections. The domain's error type, the GraphQL enum
 * `UserErrorCode`, the HTTP refusals, the live server and the README's table all read it.
 */

interface ErrorCodeDefinition {
  /** What it means for a client, and what to do. */
  description: string;
  /** A refusal the domain raises (a DomainError): in a mutation's userErrors, or a top-level error. */
  domain?: true;
  /** The HTTP status of a refusal made before GraphQL runs, answered with this code. */
  httpStatus?: number;
  /** Raised for us by Apollo Server or graphql-js, as they code it. */
  apollo?: true;
}

export const ERROR_CODES = {
  UNAUTHENTICATED: { description: "No valid API key was sent (missing, malformed, unknown, revoked or expired).", domain: true, httpStatus: 401 },
  FORBIDDEN: { description: "The key may not do this (e.g. an account key on an admin mutation).", domain: true },
  NOT_FOUND: { description: "Nothing with that id, or it belongs to another account; over HTTP, an unknown path.", domain: true, httpStatus: 404 },
  BAD_USER_INPUT: { description: "An input is invalid; `field` names it (the path from the argument).", domain: true, apollo: true },
  INSUFFICIENT_CREDITS: { description: "The wallet's available credits do not cover the job.", domain: true },
  IDEMPOTENCY_KEY_REUSED: { description: "The idempotency key was already used for a different request.", domain: true },
  JOB_ALREADY_RESOLVED: { description: "The job was already completed, failed, cancelled or expired.", domain: true },
  CONTACT_SALES: { description: "The plan is arranged with the provider's sales team, not bought here.", domain: true },
  PAYMENT_DECLINED: { description: "The payment method was declined; nothing was charged.", domain: true },
  PAYMENT_PROVIDER_ERROR: { description: "The payment provider refused or failed the request; nothing was charged.", domain: true },
  PAYMENT_PROVIDER_UNAVAILABLE: {
    description:
      "The account's mode has no provider for this payment: a LIVE account pays only through a real provider (none configured, or PayPal), a TEST account only through the sandbox.",
    domain: true,
  },
  RATE_LIMITED: { description: "Too many requests for the key or the address; wait for `Retry-After` seconds.", httpStatus: 429 },
  OPERATION_LIMIT_EXCEEDED: {
    description:
      "The operation is over a limit (`extensions.limit`: cost, depth, aliases, directives, tokens, mutations, subscriptions) with its `maximum`; nothing ran.",
  },
  SERVICE_UNAVAILABLE: {
    description:
      "The database could not be reached; `retryable` is true, and `outcomeUnknown` is true when a change may have been committed (retry with the same idempotency key).",
    httpStatus: 503,
  },
  BAD_REQUEST: { description: "The request is malformed before any operation runs (body, JSON, parameters).", httpStatus: 400, apollo: true },
  METHOD_NOT_ALLOWED: { description: "The path does not take this HTTP method (`Allow` lists those it takes).", httpStatus: 405 },
  PAYLOAD_TOO_LARGE: { description: "The body is over `MAX_BODY_BYTES`.", httpStatus: 413 },
  GRAPHQL_PARSE_FAILED: { description: "The document is not valid GraphQL syntax.", apollo: true },
  GRAPHQL_VALIDATION_FAILED: { description: "The document does not fit the schema (unknown field, wrong argument type …).", apollo: true },
  OPERATION_RESOLUTION_FAILURE: { description: "No operation by that `operationName`, or several operations and none named.", apollo: true },
  PERSISTED_QUERY_NOT_FOUND: { description: "Automatic persisted queries: the hash is not known yet; send the query with it.", apollo: true },
  PERSISTED_QUERY_NOT_SUPPORTED: { description: "Automatic persisted queries are not supported in this form.", apollo: true },
  INTERNAL_SERVER_ERROR: {
    description: "Something failed on our side; the message is generic and the details are in the server's log.",
    httpStatus: 500,
    apollo: true,
  },
} as const satisfies Record<string, ErrorCodeDefinition>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Each code by its name, for `ErrorCode.NOT_FOUND` at a throw site. */
export const ErrorCode = Object.fromEntries(Object.keys(ERROR_CODES).map((code) => [code, code])) as { readonly [C in ErrorCode]: C };

type DomainCodeOf<C> = C extends ErrorCode ? ((typeof ERROR_CODES)[C] extends { domain: true } ? C : never) : never;
/** The codes the domain's refusals carry: also every code of a mutation's userErrors. */
export type DomainErrorCode = DomainCodeOf<ErrorCode>;
export const DomainErrorCode = Object.fromEntries(
  Object.entries(ERROR_CODES).flatMap(([code, definition]) => ("domain" in definition ? [[code, code]] : [])),
) as { readonly [C in DomainErrorCode]: C };

const HTTP_STATUS_CODES = new Map<number, ErrorCode>(
  Object.entries(ERROR_CODES).flatMap(([code, definition]) => ("httpStatus" in definition ? [[definition.httpStatus, code as ErrorCode] as const] : [])),
);

/** The code of a refusal made with an HTTP status before GraphQL runs. */
export function httpErrorCode(status: number): ErrorCode {
  return HTTP_STATUS_CODES.get(status) ?? (status >= 500 ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.BAD_REQUEST);
}

/** Close codes of live (graphql-ws) connections that this server sends itself. */
export const CLOSE_CODES = {
  goingAway: { code: 1001, description: "The server is shutting down: reconnect (to another node)." },
  policyViolation: { code: 1008, description: "Slow consumer: events were not read fast enough; reconnect and catch up with `viewer.events`." },
  messageTooBig: { code: 1009, description: "A message over `LIVE_MAX_MESSAGE_BYTES`." },
  tryAgainLater: { code: 1013, description: "Too many connections for the key on this node, or the database is unreachable: retry with backoff." },
  unauthorized: { code: 4401, description: "No valid API key in `connectionParams.apiKey`, or the key was revoked (graphql-ws's clients do not retry it)." },
  forbidden: { code: 4403, description: "The admin key has no account: use an account's key." },
} as const;

/** The same, as the numbers `socket.close` takes. */
export const LiveClose = Object.fromEntries(Object.entries(CLOSE_CODES).map(([name, { code }]) => [name, code])) as {
  readonly [K in keyof typeof CLOSE_CODES]: (typeof CLOSE_CODES)[K]["code"];
};

/** The README's table of codes (between its error-codes markers), written from the definitions above. */
export function errorCodesMarkdown(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const where = (definition: ErrorCodeDefinition) =>
    [
      definition.domain ? "userErrors, errors" : "errors",
      definition.httpStatus ? `HTTP ${definition.httpStatus}` : null,
      definition.apollo ? "as Apollo codes it" : null,
    ]
      .filter(Boolean)
      .join("; ");
  const codes = Object.entries(ERROR_CODES as Record<string, ErrorCodeDefinition>).map(
    ([code, definition]) => `| \`${code}\` | ${where(definition)} | ${cell(definition.description)} |`,
  );
  const closes = Object.values(CLOSE_CODES).map(({ code, description }) => `| ${code} | ${cell(description)} |`);
  return [
    "| code | where | meaning |",
    "|---|---|---|",
    ...codes,
    "",
    "Live connections close with:",
    "",
    "| close code | meaning |",
    "|---|---|",
    ...closes,
    "",
    "graphql-ws itself closes with 4400 (a malformed message), 4401 (a subscribe before the connection was acknowledged), 4406 (a subprotocol other than `graphql-transport-ws`), 4408 (no `connection_init` in time), 4409 (a subscription id already in use), 4429 (a second `connection_init`) and 4500 (the server failed handling a message).",
  ].join("\n");
}
