import "reflect-metadata";
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { buildSchemaSync } from "type-graphql";
import { accountResolvers } from "../accounts/resolvers.js";
import { billingResolvers } from "../billing/resolvers.js";
import { catalogResolvers } from "../catalog/resolvers.js";
import { EstimateResolver } from "../estimates/resolver.js";
import { NodeResolver } from "./node-resolver.js";

let schema: GraphQLSchema | undefined;

/** The executable schema; type-graphql's metadata is global, so it is built once per process. */
export function appSchema(): GraphQLSchema {
  schema ??= buildSchemaSync({
    resolvers: [NodeResolver, ...catalogResolvers, EstimateResolver, ...accountResolvers, ...billingResolvers],
    // Inputs are validated by the domain, which returns typed errors; no class-validator.
    validate: false,
  });
  return schema;
}

/** The SDL committed as schema.graphql, sorted so that moving code around does not churn it. */
export function printAppSchema(): string {
  return printSchema(lexicographicSortSchema(appSchema())) + "\n";
}
