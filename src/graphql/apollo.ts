/** Apollo Server as this API runs it: its limits, error masking, plugins and (optionally) the fast path. */
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { CatalogRepository } from "../catalog/repository.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";
import type { Context } from "./shared/context.js";
import { createErrorFormatter } from "./shared/errors.js";
import { FastPath } from "./fast-path.js";
import { inputTextPlugin } from "./shared/input-text.js";
import { DEFAULT_LIMITS, graphqlProtections, type GraphQLLimits } from "./limits.js";
import { requestObserver } from "./request-observer.js";
import { appSchema } from "./schema.js";
import { introspectionDisabledRule, knownOperationTypesRule, subscriptionsOverWebSocketRule } from "./validation-rules.js";

export interface ApolloOptions {
  production: boolean;
  introspection?: boolean;
  limits?: GraphQLLimits;
  /** Compiled and direct execution (FAST_PATH). */
  fastPath: boolean;
  catalog: CatalogRepository;
  logger: Logger;
  metrics: Metrics;
}

/** Apollo's own complaints (a hook that threw, an unexpected failure) go through our logger, which keeps them safe. */
function apolloLogger(logger: Logger): NonNullable<ConstructorParameters<typeof ApolloServer<Context>>[0]["logger"]> {
  const line = (log: (message: string, fields?: Record<string, unknown>) => void) => (message?: unknown) =>
    message instanceof Error ? log("apollo server", { error: message }) : log(`apollo server: ${String(message)}`);
  return { debug: () => undefined, info: line(logger.info), warn: line(logger.warn), error: line(logger.error) };
}

export function createApollo(options: ApolloOptions): { apollo: ApolloServer<Context>; fastPath: FastPath | null } {
  const protections = graphqlProtections(options.limits ?? DEFAULT_LIMITS, options.catalog);
  // We set no cache hints: the cache-control plugin would only wrap every resolver.
  const cacheControlOff = ApolloServerPluginCacheControlDisabled() as ApolloServerPlugin<Context>;
  // Browsers get the offline explorer from the router (src/http/explorer.ts); Apollo runs GraphQL only,
  // a browser's GET with a query included (its landing page would answer that with a page).
  const landingPageOff = ApolloServerPluginLandingPageDisabled() as ApolloServerPlugin<Context>;
  // Counts and logs what Apollo answers; the HTTP layer does the same for direct runs.
  const observer = requestObserver(options.logger, options.metrics);
  // Direct runs check their variables themselves (handler.ts); their text passed it when Apollo answered it.
  const inputText = inputTextPlugin<Context>();
  const plugins: ApolloServerPlugin<Context>[] = [
    cacheControlOff,
    landingPageOff,
    inputText,
    // graphql-armor is typed against the CommonJS build of @apollo/server; the objects are the same.
    ...(protections.plugins as unknown as ApolloServerPlugin<Context>[]),
    observer,
  ];
  const schema = appSchema();
  const fastPath = options.fastPath ? new FastPath(schema, plugins, new Set([cacheControlOff, landingPageOff, inputText, observer])) : null;
  const apollo = new ApolloServer<Context>({
    ...(fastPath ? { gateway: fastPath.gateway } : { schema }),
    // Switched off by our own rule (INTROSPECTION=false), whose message names the variable.
    introspection: true,
    // The app drains HTTP first, then stops Apollo and closes the store, in that order.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: options.production,
    allowBatchedHttpRequests: false,
    formatError: createErrorFormatter(),
    validationRules: [
      knownOperationTypesRule,
      subscriptionsOverWebSocketRule,
      ...(options.introspection === false ? [introspectionDisabledRule] : []),
      ...protections.validationRules,
    ],
    parseOptions: protections.parseOptions,
    plugins,
    logger: apolloLogger(options.logger),
  });
  return { apollo, fastPath };
}
