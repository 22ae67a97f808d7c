/**
 * One rule for every string a client sends, whatever the store and the transport: no control
 * characters but tab, line feed and carriage return. U+0000 cannot be stored by PostgreSQL at all
 * (SQLite would keep it, so the stores would differ), and the rest (C0, DEL, and the C1 range
 * U+0080-U+009F, which no text needs and some terminals obey) only ever arrive by mistake or to
 * forge log lines and displays.
 *
 * Checked before execution, so a refused request changes nothing: strings in inline literals and
 * in variables (JSON-scalar values included, their keys too), at any depth. The refusal is
 * BAD_USER_INPUT with `extensions.field`, the path of the input from the field's argument.
 * Apollo runs it as a plugin (HTTP, compiled or not), the fast path's direct runs check variables
 * first (../handler.ts), and graphql-ws runs it for each subscription (src/graphql/events/live/server.ts).
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from "graphql";
import { ErrorCode } from "./errors.js";

// eslint-disable-next-line no-control-regex -- the rule is about control characters: this is their list.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Where a variable is used: the argument path to it, and its default (a literal) when it has one. */
interface VariableUse {
  name: string;
  path: string[];
  defaultValue: ValueNode | undefined;
}

/** What a document says once for all its requests: the first literal refused, and where variables go. */
interface Plan {
  literal: GraphQLError | null;
  variables: VariableUse[];
}

const plans = new WeakMap<DocumentNode, Plan>();

/** The refusal for the request's strings, or null when they are all clean. */
export function controlCharacterError(document: DocumentNode, variables: Record<string, unknown> | null | undefined): GraphQLError | null {
  let plan = plans.get(document);
  if (!plan) plans.set(document, (plan = planOf(document)));
  if (plan.literal) return plan.literal;
  for (const use of plan.variables) {
    const value = variables?.[use.name];
    const refused = value === undefined ? (use.defaultValue ? inLiteral(use.defaultValue, use.path) : null) : inValue(value, use.path);
    if (refused) return refused;
  }
  return null;
}

/** Whether any string in `value` (a request's variables) has a refused character: the direct runs' quick check. */
export function hasControlCharacter(value: unknown): boolean {
  if (typeof value === "string") return CONTROL_CHARACTER.test(value);
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some(hasControlCharacter);
  return Object.entries(value).some(([key, inner]) => CONTROL_CHARACTER.test(key) || hasControlCharacter(inner));
}

/** Apollo's side: refused after the operation is resolved, before it runs (400, like a refused variable). */
export function inputTextPlugin<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const refused = controlCharacterError(document, request.variables);
          if (refused) throw new GraphQLError(refused.message, { extensions: { ...refused.extensions, http: { status: 400 } } });
        },
      };
    },
  };
}

function planOf(document: DocumentNode): Plan {
  const defaults = new Map<string, ValueNode | undefined>();
  const plan: Plan = { literal: null, variables: [] };
  visit(document, {
    VariableDefinition(node) {
      defaults.set(node.variable.name.value, node.defaultValue);
      return false;
    },
    Argument(node) {
      plan.literal ??= inLiteral(node.value, [node.name.value], (name, path) => plan.variables.push({ name, path, defaultValue: undefined }));
      return false;
    },
  });
  for (const use of plan.variables) use.defaultValue = defaults.get(use.name);
  return plan;
}

function inLiteral(node: ValueNode, path: string[], onVariable?: (name: string, path: string[]) => void): GraphQLError | null {
  switch (node.kind) {
    case Kind.STRING:
      return CONTROL_CHARACTER.test(node.value) ? refusal(node.value, path) : null;
    case Kind.VARIABLE:
      onVariable?.(node.name.value, path);
      return null;
    case Kind.LIST:
      for (const [index, item] of node.values.entries()) {
        const refused = inLiteral(item, [...path, String(index)], onVariable);
        if (refused) return refused;
      }
      return null;
    case Kind.OBJECT:
      for (const field of node.fields) {
        const refused = inLiteral(field.value, [...path, field.name.value], onVariable);
        if (refused) return refused;
      }
      return null;
    default:
      return null;
  }
}

function inValue(value: unknown, path: string[]): GraphQLError | null {
  if (typeof value === "string") return CONTROL_CHARACTER.test(value) ? refusal(value, path) : null;
  if (typeof value !== "object" || value === null) return null;
  const entries: Array<[string, unknown]> = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
  for (const [key, inner] of entries) {
    if (CONTROL_CHARACTER.test(key)) return refusal(key, [...path, key]);
    const refused = inValue(inner, [...path, key]);
    if (refused) return refused;
  }
  return null;
}

function refusal(text: string, path: string[]): GraphQLError {
  const code = text.match(CONTROL_CHARACTER)![0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
  return new GraphQLError(
    `${path.join(".")} contains the control character U+${code}; text may hold tab, line feed and carriage return, but no other control character (U+0000-U+001F, U+007F-U+009F)`,
    { extensions: { code: ErrorCode.BAD_USER_INPUT, field: path } },
  );
}
