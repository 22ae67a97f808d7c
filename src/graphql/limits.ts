/**
 * Limits on what one GraphQL request may ask for, so no single request can exhaust the server:
 * depth, aliases, tokens, directives and cost (graphql-armor), and mutations per operation.
 * Defaults leave room for the deepest legitimate query of the catalog (tested).
 */
import { ApolloArmor } from "@escape.tech/graphql-armor";
import {
  GraphQLError,
  Kind,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";

export interface GraphQLLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
  maxMutations: number;
}

export const DEFAULT_LIMITS: GraphQLLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 3000,
  maxDirectives: 30,
  maxCost: 50_000,
  maxMutations: 10,
};

/** Counts the root fields of a mutation, through fragments (a fragment cycle is counted once). */
function rootFieldCount(selectionSet: SelectionSetNode, context: ValidationContext, seen = new Set<string>()): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.name.value.startsWith("__")) count++;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += rootFieldCount(selection.selectionSet, context, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(selection.name.value);
      if (fragment) count += rootFieldCount(fragment.selectionSet, context, seen);
    }
  }
  return count;
}

export function maxMutationsRule(max: number): ValidationRule {
  return (context) => ({
    OperationDefinition(node) {
      if (node.operation !== "mutation") return;
      const count = rootFieldCount(node.selectionSet, context);
      if (count > max) {
        context.reportError(
          new GraphQLError(`An operation may run at most ${max} mutations; this one has ${count}`, { nodes: [node] }),
        );
      }
    },
  });
}

export function graphqlProtections(limits: GraphQLLimits) {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: limits.maxAliases },
    // Tokens are limited by graphql-js's own parser (parseOptions below): armor's plugin re-parses
    // the document and turns a plain syntax error into a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true, flattenFragments: true },
    // "Did you mean …?" hints map the schema for an attacker. Apollo's own
    // hideSchemaDetailsFromClientErrors removes them in production, without a per-request plugin.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    plugins: armor.plugins,
    validationRules: [...armor.validationRules, maxMutationsRule(limits.maxMutations)],
    parseOptions: { maxTokens: limits.maxTokens },
  };
}
