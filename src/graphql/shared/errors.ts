import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { HeaderMap } from "@apollo/server";
import { ErrorCode } from "../../error-codes.js";
import { DomainError } from "../../errors.js";
import { unavailableCause } from "../../store/unavailable.js";
import { type StoreUnavailableError } from "../../store/store.js";
import type { Logger } from "../../logger.js";
import { relabelLimitError } from "./limit-errors.js";

export { ErrorCode } from "../../error-codes.js";

/**
 * The code a client sees for an error, or undefined for an internal one (masked, logged, counted
 * as INTERNAL_SERVER_ERROR). A code of its own decides; so does an HTTP status of 4xx that Apollo
 * put on an error it raised without a code (a persisted query's hash that does not match the
 * query, an unsupported persisted-query version): that is a client's mistake, a BAD_REQUEST.
 */
export function clientErrorCode(error: unknown): string | undefined {
  if (isStoreUnavailable(error)) return ErrorCode.SERVICE_UNAVAILABLE;
  const refusal = domainRefusal(error);
  if (refusal) return refusal.code;
  const extensions = error instanceof GraphQLError ? error.extensions : undefined;
  const code = extensions?.code;
  if (typeof code === "string") return code === ErrorCode.INTERNAL_SERVER_ERROR ? undefined : code;
  const status = (extensions?.http as { status?: unknown } | undefined)?.status;
  return typeof status === "number" && status >= 400 && status < 500 ? ErrorCode.BAD_REQUEST : undefined;
}

/**
 * Masks anything we did not raise on purpose: the client sees a generic message and the code,
 * never a stack trace or an internal message (the server's plugin logs the original).
 */
export function createErrorFormatter() {
  return (original: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const formatted = relabelLimitError(original);
    const code = formatted.extensions?.code;
    const clientCode = code === ErrorCode.INTERNAL_SERVER_ERROR || code === undefined ? clientErrorCode(error) : code;
    if (clientCode === undefined) {
      return {
        message: "Internal server error",
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
      };
    }
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    if (clientCode === ErrorCode.SERVICE_UNAVAILABLE) {
      const cause = storeUnavailableCause(error)!;
      return { ...formatted, message: cause.message, extensions: { ...extensions, code: clientCode, retryable: true, ...outcome(cause) } };
    }
    const refusal = domainRefusal(error);
    if (refusal?.field) return { ...formatted, extensions: { ...extensions, code: clientCode, field: refusal.field } };
    return { ...formatted, extensions: { ...extensions, code: clientCode } };
  };
}

/** A refusal the domain raised, wherever a resolver let it through: its code and field are the client's to see. */
function domainRefusal(error: unknown): DomainError | undefined {
  const original = error instanceof GraphQLError ? error.originalError : error;
  return original instanceof DomainError ? original : undefined;
}

/**
 * The one place that tells a store failure beneath `error`: the store's own StoreUnavailableError
 * (outcomeUnknown when a commit may have happened), or a driver's connection error that no unit of
 * work wrapped (a read: nothing was committed). Either may be retried as it is.
 */
export function storeUnavailableCause(error: unknown): StoreUnavailableError | undefined {
  return unavailableCause(error);
}

const isStoreUnavailable = (error: unknown) => storeUnavailableCause(error) !== undefined;

/** For errors raised before execution (reading the API key): Apollo answers with the status and header it carries. */
export function serviceUnavailableError(cause: StoreUnavailableError): GraphQLError {
  return new GraphQLError(cause.message, {
    originalError: cause,
    extensions: {
      code: ErrorCode.SERVICE_UNAVAILABLE,
      retryable: true,
      ...outcome(cause),
      http: { status: 503, headers: new HeaderMap([["retry-after", "1"]]) },
    },
  });
}

/** An answer's body when the store failed outside any operation (the fsync an answer waits for). */
export function serviceUnavailableBody(cause: StoreUnavailableError): { errors: GraphQLFormattedError[] } {
  return { errors: [{ message: cause.message, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, retryable: true, ...outcome(cause) } }] };
}

/** Said only when it is so: the change may have been made, so retry with the same idempotency key (or read its state) rather than anew. */
const outcome = (cause: StoreUnavailableError) => (cause.outcomeUnknown ? { outcomeUnknown: true } : {});

/** A syntax error, coded as Apollo codes it over HTTP (for paths Apollo does not serve: graphql-ws). */
export function parseFailedError(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    source: error.source,
    positions: error.positions,
    originalError: error,
    extensions: { ...error.extensions, code: ErrorCode.GRAPHQL_PARSE_FAILED },
  });
}

/** A validation error, coded as Apollo codes it over HTTP; in production without "Did you mean" hints, as Apollo words it there. */
export function validationFailedError(error: GraphQLError, hideSuggestions: boolean): GraphQLError {
  return new GraphQLError(hideSuggestions ? error.message.replace(/ ?Did you mean(.+?)\?$/, "") : error.message, {
    nodes: error.nodes,
    originalError: error.originalError ?? error,
    extensions: { ...error.extensions, code: ErrorCode.GRAPHQL_VALIDATION_FAILED },
  });
}

/**
 * How an error a client was answered with is logged, whatever the transport: a client's mistake
 * at info level with its code, the store unavailable as a warning, anything else (masked for the
 * client) at error level. The logger keeps the lines safe (no query parameters, no secrets).
 */
export function logGraphQLError(logger: Logger, error: GraphQLError, fields: Record<string, unknown>): string | undefined {
  const code = clientErrorCode(error);
  if (code === ErrorCode.SERVICE_UNAVAILABLE) logger.warn("store unavailable", { ...fields, error: storeUnavailableCause(error) });
  else if (code !== undefined) logger.info("client error", { ...fields, code, errorMessage: error.message });
  else logger.error("unexpected error while executing a request", { ...fields, path: error.path, error: error.originalError ?? error });
  return code;
}
