import "reflect-metadata";
import { isAbstractType, lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { buildSchemaSync } from "type-graphql";
import { accountResolvers } from "./accounts/resolvers.js";
import { eventResolvers } from "./events/resolvers.js";
import { billingResolvers } from "./billing/resolvers.js";
import { webhookResolvers } from "./events/webhooks/resolvers.js";
import { catalogResolvers } from "./catalog/resolvers.js";
import { LiveResolver, noPubSub } from "./events/live/resolvers.js";
import { JobChangeResolver, WalletChangeResolver } from "./events/live/types.js";
import { EstimateCostResolver, EstimateResolver, JobEstimateCostResolver } from "./estimates/resolver.js";
import { NodeResolver } from "./node-resolver.js";
import { testClockResolvers } from "./accounts/test-clocks.js";
import { EventPayloadResolver } from "./events/payloads.js";
import { typenameOf } from "./shared/node.js";

let schema: GraphQLSchema | undefined;

/** The executable schema; type-graphql's metadata is global, so it is built once per process. */
export function appSchema(): GraphQLSchema {
  schema ??= buildSchemaSync({
    resolvers: [
      NodeResolver,
      ...catalogResolvers,
      EstimateResolver,
      EstimateCostResolver,
      JobEstimateCostResolver,
      ...accountResolvers,
      ...billingResolvers,
      ...eventResolvers,
      ...webhookResolvers,
      ...testClockResolvers,
      LiveResolver,
      WalletChangeResolver,
      JobChangeResolver,
      EventPayloadResolver,
    ],
    // Inputs are validated by the domain, which returns typed errors; no class-validator.
    validate: false,
    pubSub: noPubSub,
  });
  // type-graphql wraps each resolveType in an async function, which the compiled executor
  // (executor.ts) does not await; our records name their type, so it is read synchronously.
  for (const type of Object.values(schema.getTypeMap())) {
    if (isAbstractType(type)) type.resolveType = typenameOf;
  }
  return schema;
}

/** The SDL committed as schema.graphql, sorted so that moving code around does not churn it. */
export function printAppSchema(): string {
  return printSchema(lexicographicSortSchema(appSchema())) + "\n";
}
