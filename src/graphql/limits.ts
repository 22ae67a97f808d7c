/**
 * Limits on what one GraphQL request may ask for, so no single request can exhaust the server:
 * depth, aliases and directives (graphql-armor), tokens (graphql-js's parser), cost (./cost.ts,
 * weighted by list sizes) and mutations per operation. Defaults leave room for the deepest
 * legitimate query of the catalog and keep any answer within a few MB (tested).
 */
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { Kind, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from "graphql";
import type { CatalogRepository } from "../catalog/repository.js";
import { costLimitRule, FALLBACK_LIST_LENGTH, type ListBound, type ListBounds } from "./cost.js";
import { limitError, type LimitName } from "./shared/limit-errors.js";

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
  maxCost: 100_000,
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
          limitError("mutations", `An operation may run at most ${max} mutations; this one has ${count}`, { maximum: max, actual: count }, [node]),
        );
      }
    },
  });
}

/** Longest list of each kind in the catalog, and how many items it holds in all. */
export function catalogListBounds(catalog: CatalogRepository): Map<string, ListBound> {
  const providers = catalog.listProviders().map((provider) => provider.id);
  const products = [...catalog.productsByProviderIds(providers).values()];
  const productIds = products.flat().map((product) => product.id);
  const models = [...catalog.modelsByProviderIds(providers).values()];
  const components = [...catalog.priceComponentsByProductIds(productIds).values()];
  const parameters = [...catalog.parametersByProductIds(productIds).values()];
  const packs = catalog.listCreditPacks();
  const plans = catalog.listSubscriptionPlans();
  const lists = (groups: unknown[][], owned = true): ListBound => {
    const lengths = groups.map((group) => group.length);
    const total = lengths.reduce((a, b) => a + b, 0);
    // An empty catalog (not seeded yet) could be seeded by another process: assume long lists.
    return total === 0 ? { max: FALLBACK_LIST_LENGTH } : { max: Math.max(...lengths), total, owned };
  };
  const all = (items: unknown[]) => lists([items]);
  const lineItems = lists(
    components.map((rules) => Array(2 * rules.length + ESTIMATE_ADJUSTMENT_LINES)),
    false,
  );
  return new Map<string, ListBound>([
    ["Query.providers", all(providers)],
    ["Query.creditPacks", all(packs)],
    ["Query.subscriptionPlans", all(plans)],
    ["Provider.products", lists(products)],
    ["Provider.models", lists(models)],
    ["Provider.creditPacks", lists([...catalog.creditPacksByProviderIds(providers).values()])],
    ["Provider.subscriptionPlans", lists([...catalog.subscriptionPlansByProviderIds(providers).values()])],
    ["Product.parameters", lists(parameters)],
    ["Product.priceComponents", lists(components)],
    ["Product.models", lists([...catalog.modelsByProductIds(productIds).values()], false)],
    ["Model.variants", lists([...catalog.variantsByModelIds(models.flat().map((model) => model.id)).values()])],
    ["PriceComponent.rateTiers", lists(components.flat().map((component) => component.rateTiers))],
    [
      "PriceComponent.percentOf",
      lists(
        components.flat().map((component) => component.percentOf),
        false,
      ),
    ],
    [
      "ProductParameter.allowedValues",
      lists(
        parameters.flat().map((parameter) => parameter.allowedValues ?? []),
        false,
      ),
    ],
    // Estimates: one line per component, plus its minimum; then model multiplier, minimum charge, rounding.
    ["Estimate.lineItems", { max: lineItems.max }],
    ["JobEstimate.lineItems", { max: lineItems.max }],
    ["Job.lineItems", { max: lineItems.max }],
    ["Estimate.normalized", { max: lists(parameters).max }],
  ]);
}

const ESTIMATE_ADJUSTMENT_LINES = 3;

/**
 * The catalog's bounds: read at start, and again when the catalog changes (a new seed). A catalog
 * that cannot be read counts every list as FALLBACK_LIST_LENGTH long, so validation never fails for it.
 */
function catalogBounds(catalog: CatalogRepository | undefined): () => ListBounds {
  if (!catalog) return () => new Map();
  let known: { version: string; bounds: ListBounds } | null = null;
  const current = () => {
    try {
      const version = catalog.version();
      if (known?.version !== version) known = { version, bounds: catalogListBounds(catalog) };
      return known.bounds;
    } catch {
      return new Map();
    }
  };
  current();
  return current;
}

/** graphql-armor's refusals, reported with our code and without its "Syntax Error:" prefix. */
function armorRefusal(limit: LimitName, maximum: number) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: Error) => context?.reportError(limitError(limit, error.message.replace(/^Syntax Error: /, ""), { maximum })),
    ],
  };
}

/** `catalog`: where the catalog's list lengths come from; without it every catalog list counts FALLBACK_LIST_LENGTH. */
export function graphqlProtections(limits: GraphQLLimits, catalog?: CatalogRepository) {
  const armor = new ApolloArmor({
    // Introspection is bounded by its cost (list lengths from the schema), not its depth.
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...armorRefusal("depth", limits.maxDepth) },
    maxAliases: { n: limits.maxAliases, ...armorRefusal("aliases", limits.maxAliases) },
    // Tokens are limited by graphql-js's own parser (parseOptions below): armor's plugin re-parses
    // the document and turns a plain syntax error into a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives, ...armorRefusal("directives", limits.maxDirectives) },
    // armor's cost counts each field once, whatever the size of its lists: ./cost.ts replaces it.
    costLimit: { enabled: false },
    // "Did you mean …?" hints map the schema for an attacker. Apollo's own
    // hideSchemaDetailsFromClientErrors removes them in production, without a per-request plugin.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    plugins: armor.plugins,
    validationRules: [...armor.validationRules, costLimitRule(limits.maxCost, catalogBounds(catalog)), maxMutationsRule(limits.maxMutations)],
    parseOptions: { maxTokens: limits.maxTokens },
  };
}
