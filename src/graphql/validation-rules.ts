/**
 * Validation rules of our own, so that these client mistakes are refused as invalid documents
 * (HTTP 400, GRAPHQL_VALIDATION_FAILED, with the real reason) before anything runs.
 */
import { ApolloServerValidationErrorCode } from "@apollo/server/errors";
import { GraphQLError, type ValidationRule } from "graphql";

/**
 * The GraphQL spec's "Operation Type Existence" (graphql-js 17's KnownOperationTypesRule, with its
 * wording). graphql-js 16 lacks it, so `subscription { x }` on a schema without a subscription
 * root passed validation and failed in execution, as an internal error.
 */
export const knownOperationTypesRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (!context.getSchema().getRootType(node.operation)) {
      context.reportError(new GraphQLError(`The ${node.operation} operation is not supported by the schema.`, { nodes: node }));
    }
  },
});

/**
 * Apollo's own rule for `introspection: false`, worded for this server: its message tells the
 * reader to pass an option to the ApolloServer constructor, which an operator cannot do.
 */
export const introspectionDisabledRule: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value !== "__schema" && node.name.value !== "__type") return;
    context.reportError(
      new GraphQLError(
        "GraphQL introspection is switched off on this server (INTROSPECTION=false), but the query contained __schema or __type. The server's operator can set INTROSPECTION=true to allow it.",
        { nodes: [node], extensions: { validationErrorCode: ApolloServerValidationErrorCode.INTROSPECTION_DISABLED } },
      ),
    );
  },
});

/**
 * Subscriptions run over WebSocket only (src/graphql/events/live/server.ts); over HTTP, graphql-js would
 * execute one as a query, calling resolvers that expect an event.
 */
export const subscriptionsOverWebSocketRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation !== "subscription" || !context.getSchema().getSubscriptionType()) return;
    context.reportError(
      new GraphQLError(
        "Subscriptions are served over WebSocket: connect to /graphql with the graphql-ws protocol (the API key in connectionParams.apiKey); an HTTP request cannot subscribe.",
        { nodes: node },
      ),
    );
  },
});
