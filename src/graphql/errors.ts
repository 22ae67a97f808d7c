import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { ApolloServerErrorCode } from "@apollo/server/errors";
import { relabelLimitError } from "./limit-errors.js";

/**
 * Error codes clients can branch on. The contract fixes the first seven; the rest are Apollo's own.
 */
export const ErrorCode = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  INSUFFICIENT_CREDITS: "INSUFFICIENT_CREDITS",
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  JOB_ALREADY_RESOLVED: "JOB_ALREADY_RESOLVED",
  INTERNAL_SERVER_ERROR: ApolloServerErrorCode.INTERNAL_SERVER_ERROR,
} as const;

/**
 * Masks anything we did not raise on purpose: the client sees a generic message and the code,
 * never a stack trace or an internal message (the server's plugin logs the original).
 */
export function createErrorFormatter() {
  return (original: GraphQLFormattedError): GraphQLFormattedError => {
    const formatted = relabelLimitError(original);
    const code = formatted.extensions?.code;
    if (code === ErrorCode.INTERNAL_SERVER_ERROR || code === undefined) {
      return {
        message: "Internal server error",
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
      };
    }
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  };
}

/** A request the domain refused; `field` is the path of the input at fault, for forms to highlight. */
export function userInputError(message: string, field?: string[]): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...(field ? { field } : {}) } });
}
