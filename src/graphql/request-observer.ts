/**
 * One Apollo plugin for what the server needs to know of each operation: whether it is a query and
 * whether it failed (for the response cache), errors by code and mutations' userErrors by code
 * (metrics), and the errors we did not raise on purpose, logged with the request id (the client
 * only sees them masked). A client's mistake is logged at info level and counted under its code.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from "@apollo/server";
import { GraphQLError } from "graphql";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { Context } from "./shared/context.js";
import { ErrorCode, logGraphQLError } from "./shared/errors.js";

export function requestObserver(logger: Logger, metrics: Metrics): ApolloServerPlugin<Context> {
  const listener: GraphQLRequestListener<Context> = {
    async didResolveOperation({ operation, contextValue }) {
      contextValue.operation.isQuery = operation?.operation === "query";
    },
    async didEncounterErrors({ errors, contextValue }) {
      if (contextValue) contextValue.operation.hadErrors = true;
      for (const error of errors) {
        const code = logGraphQLError(logger, error, { requestId: contextValue?.requestId });
        metrics.graphqlErrors.inc({ code: code ?? ErrorCode.INTERNAL_SERVER_ERROR });
        if (code === ErrorCode.SERVICE_UNAVAILABLE && contextValue) contextValue.operation.storeUnavailable = true;
      }
    },
    async willSendResponse({ operation, response, contextValue }) {
      // A load balancer or a client's retry policy reads the status: 503 with a hint of when to retry.
      if (contextValue?.operation.storeUnavailable) {
        response.http.status = 503;
        response.http.headers.set("retry-after", "1");
      }
      if (operation?.operation !== "mutation" || response.body.kind !== "single") return;
      // Each root field's payload (under its alias) may carry userErrors { code … }.
      for (const payload of Object.values(response.body.singleResult.data ?? {})) {
        const userErrors = (payload as { userErrors?: unknown } | null)?.userErrors;
        if (!Array.isArray(userErrors)) continue;
        for (const userError of userErrors) {
          const code = (userError as { code?: unknown } | null)?.code;
          metrics.userErrors.inc({ code: typeof code === "string" ? code : "unselected" });
        }
      }
    },
  };
  return {
    requestDidStart: async () => listener,
    // Reading the key failed (the store unreachable, or a fault): logged and counted as errors during execution are.
    async contextCreationDidFail({ error }) {
      const failure = error instanceof GraphQLError ? error : new GraphQLError(error.message, { originalError: error });
      metrics.graphqlErrors.inc({ code: logGraphQLError(logger, failure, {}) ?? ErrorCode.INTERNAL_SERVER_ERROR });
    },
  };
}
