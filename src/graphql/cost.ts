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
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./shared/connections.js";
import { limitError } from "./shared/limit-errors.js";

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

/** Thrown when an operation expands to more fields than are worth counting. */
class TooLarge extends Error {}

/**
 * Counts top-down: `instances` objects each get the selections. Under objects that may repeat,
 * cost is linear in their number, so a selection's cost per object is computed once and
 * multiplied (memoized: fragments spread again and again are counted once, whatever their fan-out).
 */
class CostCounter {
  private visited = 0;
  private readonly perObject = new Map<string, number>();
  private readonly underDistinct = new Map<string, number>();
  private readonly nodeIds = new WeakMap<FieldNode, number>();
  private nextNodeId = 0;

  constructor(
    private readonly context: ValidationContext,
    private readonly bounds: (key: string) => ListBound | undefined,
  ) {}

  /** Cost of `selections` on `instances` objects of `parent`, all different ones: lists below them are bounded by the catalog's totals. */
  distinct(group: Group, instances: number): number {
    return this.memo(this.underDistinct, `${this.keyOf(group)}|${instances}`, () =>
      this.fields(group, (child, list, bound) => {
        let count = instances * (list ? Math.max(bound.max, 1) : 1);
        if (list && bound.total !== undefined) count = Math.min(count, Math.max(bound.total, 1));
        count = Math.min(count, MAX_INSTANCES);
        // Items of an owned list under different parents differ; one object is different from itself.
        const childDistinct = list ? bound.owned === true : count === 1;
        return { count, below: child ? (childDistinct ? this.distinct(child, count) : count * this.repeated(child)) : 0 };
      }),
    );
  }

  /** Cost of `selections` on one of objects that may repeat. */
  repeated(group: Group): number {
    return this.memo(this.perObject, this.keyOf(group), () =>
      this.fields(group, (child, list, bound) => {
        const count = list ? Math.max(bound.max, 1) : 1;
        return { count, below: child ? count * this.repeated(child) : 0 };
      }),
    );
  }

  /** Sums, over the fields of a group's selections, their own cost (count x weight) and what is below them. */
  private fields(group: Group, each: (child: Group | null, list: boolean, bound: ListBound) => { count: number; below: number }): number {
    let total = 0;
    for (const [key, { field, nodes, via }] of collect(this.context, group.selections, group.parent, group.ancestors)) {
      if (++this.visited > MAX_VISITED_FIELDS) throw new TooLarge();
      const list = isListType(getNullableType(field.type));
      const bound: ListBound =
        group.pageSize !== undefined && (field.name === "edges" || field.name === "nodes")
          ? { max: group.pageSize }
          : (this.bounds(`${group.parent.name}.${field.name}`) ?? { max: FALLBACK_LIST_LENGTH });
      const type = getNamedType(field.type);
      const child: Group | null = isCompositeType(type)
        ? {
            nodes,
            // Fields of one response name are one field of the answer: their selections merge.
            selections: { kind: Kind.SELECTION_SET, selections: nodes.flatMap((node) => node.selectionSet?.selections ?? []) },
            parent: type,
            pageSize: isConnection(field) ? pageSizeOf(nodes[0]!) : undefined,
            ancestors: via,
          }
        : null;
      const { count, below } = each(child, list, bound);
      const responseName = key.slice(key.indexOf(".") + 1);
      total += count * Math.ceil(responseName.length / KEY_CHARACTERS_PER_UNIT) + below;
    }
    return Math.min(total, Number.MAX_SAFE_INTEGER);
  }

  private memo(cache: Map<string, number>, key: string, compute: () => number): number {
    const known = cache.get(key);
    if (known !== undefined) return known;
    const value = compute();
    cache.set(key, value);
    return value;
  }

  /** A group is known by its field nodes, its type and its page size (ancestors only matter to invalid, cyclic documents). */
  private keyOf(group: Group): string {
    const ids = group.nodes.map((node) => {
      let id = this.nodeIds.get(node);
      if (id === undefined) this.nodeIds.set(node, (id = this.nextNodeId++));
      return id;
    });
    return `${ids.join(",")}|${group.parent.name}|${group.pageSize ?? ""}`;
  }
}

/** Selections to count on objects of one type: the merged selections of `nodes` (none at the root). */
interface Group {
  nodes: FieldNode[];
  selections: SelectionSetNode;
  parent: GraphQLCompositeType;
  pageSize: number | undefined;
  ancestors: ReadonlySet<string>;
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
    [
      "__Type.fields",
      bound(
        types.map((type) => (isObjectType(type) || isInterfaceType(type) ? Object.keys(type.getFields()).length : 0)),
        true,
      ),
    ],
    [
      "__Type.inputFields",
      bound(
        types.map((type) => (isInputObjectType(type) ? Object.keys(type.getFields()).length : 0)),
        true,
      ),
    ],
    [
      "__Type.enumValues",
      bound(
        types.map((type) => (isEnumType(type) ? type.getValues().length : 0)),
        true,
      ),
    ],
    [
      "__Type.interfaces",
      bound(
        types.map((type) => (isObjectType(type) || isInterfaceType(type) ? type.getInterfaces().length : 0)),
        false,
      ),
    ],
    [
      "__Type.possibleTypes",
      bound(
        types.map((type) => (isAbstractType(type) ? schema.getPossibleTypes(type).length : 0)),
        false,
      ),
    ],
    [
      "__Field.args",
      bound(
        fields.map((field) => field.args.length),
        true,
      ),
    ],
    [
      "__Directive.args",
      bound(
        directives.map((directive) => directive.args.length),
        true,
      ),
    ],
    [
      "__Directive.locations",
      bound(
        directives.map((directive) => directive.locations.length),
        false,
      ),
    ],
  ]);
  introspectionCache.set(schema, bounds);
  return bounds;
}

/** The cost of one operation; `complete` is false (and the cost infinite) when it expands to more fields than are worth counting. */
export function operationCost(context: ValidationContext, operation: OperationDefinitionNode, bounds: ListBounds): { cost: number; complete: boolean } {
  const schema = context.getSchema();
  const root =
    operation.operation === "query" ? schema.getQueryType() : operation.operation === "mutation" ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return { cost: 0, complete: true }; // an operation type the schema lacks: KnownOperationTypes reports it
  const introspection = introspectionBounds(schema);
  const counter = new CostCounter(context, (key) => bounds.get(key) ?? introspection.get(key));
  try {
    return {
      cost: Math.round(counter.distinct({ nodes: [], selections: operation.selectionSet, parent: root, pageSize: undefined, ancestors: new Set() }, 1)),
      complete: true,
    };
  } catch (error) {
    if (error instanceof TooLarge) return { cost: Number.POSITIVE_INFINITY, complete: false };
    throw error;
  }
}

/** Refuses operations whose cost is over `maxCost`; `bounds` is read once per document validated. */
export function costLimitRule(maxCost: number, bounds: () => ListBounds): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const { cost, complete } = operationCost(context, operation, bounds());
      if (complete && cost <= maxCost) return;
      const advice = "ask for smaller pages (first), fewer nested lists or fewer aliases";
      context.reportError(
        complete
          ? limitError("cost", `The operation's cost is ${cost}, over the limit of ${maxCost}: ${advice}`, { maximum: maxCost, actual: cost }, [operation])
          : limitError("cost", `The operation's cost is over the limit of ${maxCost}: ${advice}`, { maximum: maxCost }, [operation]),
      );
    },
  });
}
