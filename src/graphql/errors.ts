import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { HeaderMap } from "@apollo/server";
import { ApolloServerErrorCode } from "@apollo/server/errors";
import { unavailableCause } from "../store/unavailable.js";
import { StoreUnavailableError } from "../store/store.js";
import type { Logger } from "../logger.js";
import { relabelLimitError } from "./limit-errors.js";

/**
 * Error codes clients can branch on. The contract fixes the first seven and the amendments the next
 * two; Apollo adds its own (GRAPHQL_VALIDATION_FAILED, OPERATION_RESOLUTION_FAILURE …).
 */
export const ErrorCode = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  INSUFFICIENT_CREDITS: "INSUFFICIENT_CREDITS",
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  JOB_ALREADY_RESOLVED: "JOB_ALREADY_RESOLVED",
  /** The contract's amendments: too many requests, and requests malformed before execution. */
  RATE_LIMITED: "RATE_LIMITED",
  BAD_REQUEST: ApolloServerErrorCode.BAD_REQUEST,
  /** The database could not be reached or kept aborting the change: nothing was done, retrying later may succeed. */
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL_SERVER_ERROR: ApolloServerErrorCode.INTERNAL_SERVER_ERROR,
} as const;

/**
 * The code a client sees for an error, or undefined for an internal one (masked, logged, counted
 * as INTERNAL_SERVER_ERROR). A code of its own decides; so does an HTTP status of 4xx that Apollo
 * put on an error it raised without a code (a persisted query's hash that does not match the
 * query, an unsupported persisted-query version): that is a client's mistake, a BAD_REQUEST.
 */
export function clientErrorCode(error: unknown): string | undefined {
  if (isStoreUnavailable(error)) return ErrorCode.SERVICE_UNAVAILABLE;
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
    return { ...formatted, extensions: { ...extensions, code: clientCode } };
  };
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
    extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, retryable: true, ...outcome(cause), http: { status: 503, headers: new HeaderMap([["retry-after", "1"]]) } },
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
    extensions: { ...error.extensions, code: ApolloServerErrorCode.GRAPHQL_PARSE_FAILED },
  });
}

/** A validation error, coded as Apollo codes it over HTTP; in production without "Did you mean" hints, as Apollo words it there. */
export function validationFailedError(error: GraphQLError, hideSuggestions: boolean): GraphQLError {
  return new GraphQLError(hideSuggestions ? error.message.replace(/ ?Did you mean(.+?)\?$/, "") : error.message, {
    nodes: error.nodes,
    originalError: error.originalError ?? error,
    extensions: { ...error.extensions, code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED },
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

/** A request the domain refused; `field` is the path of the input at fault, for forms to highlight. */
export function userInputError(message: string, field?: string[]): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...(field ? { field } : {}) } });
}
