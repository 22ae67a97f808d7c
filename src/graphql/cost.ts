/**
 * The cost of an operation: the most values its response can hold, as GitHub and Shopify weigh
 * queries. Each field counts once for every object it can appear in, so a list multiplies what
 * is selected inside it by its length:
 * - a connection (a field with `first`) by `first`: its literal value, DEFAULT_PAGE_SIZE when
 *   absent, MAX_PAGE_SIZE when it is a variable (the cost is decided from the document alone, once
 *   per document, so that a validated document stays valid whatever its variables);
 * - a catalog list by the longest such list in the catalog (ListBounds, read from the catalog),
 *   and, under objects that are all different (providers, their products …), never by more than
 *   the catalog holds in all;
 * - introspection lists by the schema's own counts, the same way;
 * - any other list by FALLBACK_LIST_LENGTH.
 * Fragments and inline fragments are counted where they are spread, @skip/@include as included,
 * and a response name (alias) costs 1 more per 32 characters, since it is repeated in every object.
 */
import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./connections.js";
import { limitError } from "./limit-errors.js";

/** How long a list can be: `max` under one parent; `total` under all parents together, when known. */
export interface ListBound {
  max: number;
  total?: number;
  /** Each item belongs to one parent only (a provider's products), so items under different parents differ. */
  owned?: boolean;
}

/** List bounds by "Type.field", e.g. "Provider.products". */
export type ListBounds = ReadonlyMap<string, ListBound>;

export const FALLBACK_LIST_LENGTH = MAX_PAGE_SIZE;
/** Expanding an operation stops after this many fields (fragments can nest exponentially). */
const MAX_VISITED_FIELDS = 100_000;
const KEY_CHARACTERS_PER_UNIT = 32;
/** Instances are capped here, so that a hopeless operation's cost stays a printable integer. */
const MAX_INSTANCES = 1e12;

interface Collected {
  parent: GraphQLCompositeType;
  field: GraphQLField<unknown, unknown>;
  nodes: FieldNode[];
  /** Fragments the field was reached through: spreading one of them again below it is a cycle. */
  via: Set<string>;
}

/**
 * Fields of a selection set by parent type and response name, through fragments, as execution
 * merges them (a fragment spread twice in one set counts once). `ancestors`: fragments the set
 * is already inside; a spread of one of them is a cycle (NoFragmentCyclesRule reports it).
 */
function collect(
  context: ValidationContext,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  ancestors: ReadonlySet<string>,
  via: readonly string[] = [],
  into = new Map<string, Collected>(),
  spread = new Set<string>(),
) {
  const schema = context.getSchema();
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const field = fieldOf(schema, parent, selection.name.value);
      if (!field) continue; // an unknown field: FieldsOnCorrectTypeRule reports it
      const key = `${parent.name}.${selection.alias?.value ?? selection.name.value}`;
      const known = into.get(key) ?? { parent, field, nodes: [], via: new Set(ancestors) };
      known.nodes.push(selection);
      for (const name of via) known.via.add(name);
      into.set(key, known);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
      if (condition && isCompositeType(condition)) collect(context, selection.selectionSet, condition, ancestors, via, into, spread);
    } else {
      const name = selection.name.value;
      const fragment = context.getFragment(name);
      if (!fragment || spread.has(name) || ancestors.has(name) || via.includes(name)) continue;
      spread.add(name);
      const condition = schema.getType(fragment.typeCondition.name.value);
      if (condition && isCompositeType(condition)) collect(context, fragment.selectionSet, condition, ancestors, [...via, name], into, spread);
    }
  }
  return into;
}

function fieldOf(schema: GraphQLSchema, parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType() && name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
  if (parent === schema.getQueryType() && name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/** The page a connection field asks for. */
function pageSizeOf(node: FieldNode): number {
  const first = node.arguments?.find((argument) => argument.name.value === "first")?.value;
  if (!first) return DEFAULT_PAGE_SIZE;
  if (first.kind !== Kind.INT) return MAX_PAGE_SIZE; // a variable, or a value the resolver refuses
  return Math.min(Math.max(Number(first.value), 0), MAX_PAGE_SIZE);
}

const isConnection = (field: GraphQLField<unknown, unknown>) => {
  const type = getNamedType(field.type);
  return field.args.some((arg) => arg.name === "first") && isObjectType(type) && ("edges" in type.getFields() || "nodes" in type.getFields());
};

class CostCounter {
  cost = 0;
  visited = 0;

  constructor(
    private readonly context: ValidationContext,
    private readonly bounds: (key: string) => ListBound | undefined,
  ) {}

  /** Adds the cost of a selection set selected on `instances` objects; `distinct`: no two of them are the same object. */
  add(
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    instances: number,
    distinct: boolean,
    pageSize?: number,
    ancestors: ReadonlySet<string> = new Set(),
  ): boolean {
    for (const [key, { field, nodes, via }] of collect(this.context, selectionSet, parent, ancestors)) {
      if (++this.visited > MAX_VISITED_FIELDS) return false;
      const responseName = key.slice(key.indexOf(".") + 1);
      const isList = isListType(getNullableType(field.type));
      let count = instances;
      let childDistinct = instances === 1;
      if (isList) {
        const bound: ListBound =
          pageSize !== undefined && (field.name === "edges" || field.name === "nodes")
            ? { max: pageSize }
            : (this.bounds(`${parent.name}.${field.name}`) ?? { max: FALLBACK_LIST_LENGTH });
        count = instances * bound.max;
        if (distinct && bound.total !== undefined) count = Math.min(count, bound.total);
        childDistinct = distinct && bound.owned === true;
      }
      // At least 1: an empty page still has its own cost, and every field visited adds to the cost.
      count = Math.min(Math.max(count, 1), MAX_INSTANCES);
      this.cost += count * Math.ceil(responseName.length / KEY_CHARACTERS_PER_UNIT);
      const type = getNamedType(field.type);
      if (!isCompositeType(type)) continue;
      const childPage = isConnection(field) ? pageSizeOf(nodes[0]!) : undefined;
      for (const node of nodes) {
        if (node.selectionSet && !this.add(node.selectionSet, type, count, childDistinct, childPage, via)) return false;
      }
    }
    return true;
  }
}

/** Bounds of the introspection lists, from the schema (its types, their fields, their arguments …). */
const introspectionCache = new WeakMap<GraphQLSchema, Map<string, ListBound>>();
export function introspectionBounds(schema: GraphQLSchema): Map<string, ListBound> {
  const cached = introspectionCache.get(schema);
  if (cached) return cached;
  const types = Object.values(schema.getTypeMap());
  const bound = (lengths: number[], owned: boolean): ListBound => ({
    max: Math.max(0, ...lengths),
    total: lengths.reduce((a, b) => a + b, 0),
    owned,
  });
  const fields = types.flatMap((type) => (isObjectType(type) || isInterfaceType(type) ? Object.values(type.getFields()) : []));
  const directives = schema.getDirectives();
  const bounds = new Map<string, ListBound>([
    ["__Schema.types", bound([types.length], true)],
    ["__Schema.directives", bound([directives.length], true)],
    ["__Type.fields", bound(types.map((type) => (isObjectType(type) || isInterfaceType(type) ? Object.keys(type.getFields()).length : 0)), true)],
    ["__Type.inputFields", bound(types.map((type) => (isInputObjectType(type) ? Object.keys(type.getFields()).length : 0)), true)],
    ["__Type.enumValues", bound(types.map((type) => (isEnumType(type) ? type.getValues().length : 0)), true)],
    ["__Type.interfaces", bound(types.map((type) => (isObjectType(type) || isInterfaceType(type) ? type.getInterfaces().length : 0)), false)],
    ["__Type.possibleTypes", bound(types.map((type) => (isAbstractType(type) ? schema.getPossibleTypes(type).length : 0)), false)],
    ["__Field.args", bound(fields.map((field) => field.args.length), true)],
    ["__Directive.args", bound(directives.map((directive) => directive.args.length), true)],
    ["__Directive.locations", bound(directives.map((directive) => directive.locations.length), false)],
  ]);
  introspectionCache.set(schema, bounds);
  return bounds;
}

/** The cost of one operation; `complete` is false when it expands to more fields than are worth counting. */
export function operationCost(context: ValidationContext, operation: OperationDefinitionNode, bounds: ListBounds): { cost: number; complete: boolean } {
  const schema = context.getSchema();
  const root = operation.operation === "query" ? schema.getQueryType() : operation.operation === "mutation" ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return { cost: 0, complete: true }; // an operation type the schema lacks: KnownOperationTypes reports it
  const introspection = introspectionBounds(schema);
  const counter = new CostCounter(context, (key) => bounds.get(key) ?? introspection.get(key));
  const complete = counter.add(operation.selectionSet, root, 1, true);
  return { cost: Math.round(counter.cost), complete };
}

/** Refuses operations whose cost is over `maxCost`; `bounds` is read once per document validated. */
export function costLimitRule(maxCost: number, bounds: () => ListBounds): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const { cost, complete } = operationCost(context, operation, bounds());
      if (complete && cost <= maxCost) return;
      const actual = complete ? `is ${cost}` : `is over ${cost}`;
      context.reportError(
        limitError(
          "cost",
          `The operation's cost ${actual}, over the limit of ${maxCost}: ask for smaller pages (first), fewer nested lists or fewer aliases`,
          { maximum: maxCost, actual: cost },
          [operation],
        ),
      );
    },
  });
}
