import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from "graphql";
import { GraphQLJSON } from "graphql-scalars";
import { Decimal, DECIMAL_GRAMMAR, DecimalFormatError, formatDecimal, parseDecimal } from "../../pricing/decimal.js";

const MAX_DECIMAL_TEXT = 64;

function decimalFromInput(value: unknown, ast?: ValueNode): Decimal {
  if (typeof value === "string") {
    if (value.length > MAX_DECIMAL_TEXT) {
      throw new GraphQLError(`Decimal is longer than ${MAX_DECIMAL_TEXT} characters`, { nodes: ast });
    }
    try {
      return parseDecimal(value);
    } catch (error) {
      if (error instanceof DecimalFormatError) throw new GraphQLError(error.message, { nodes: ast });
      throw error;
    }
  }
  if (typeof value === "number" && Number.isSafeInteger(value)) return new Decimal(value);
  // A JSON float such as 0.1 already went through binary floating point; accepting it would hide that.
  throw new GraphQLError(`Decimal takes a string of ${DECIMAL_GRAMMAR}, or an integer; got ${typeof value === "number" ? String(value) : typeof value}`, {
    nodes: ast,
  });
}

export const DecimalScalar = new GraphQLScalarType<Decimal, string>({
  name: "Decimal",
  description:
    'An exact decimal number, serialized as a string such as "12.5" or "0.25" so no precision is lost in JSON. ' +
    "As input it takes a string of the form -?digits[.digits] (no spaces, plus sign, leading or trailing point, or exponent) or an integer; floats are refused.",
  serialize(value) {
    if (Decimal.isDecimal(value)) return formatDecimal(value as Decimal);
    if (typeof value === "string") return formatDecimal(parseDecimal(value));
    if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
    throw new GraphQLError(`Decimal cannot represent ${String(value)}`);
  },
  parseValue: (value) => decimalFromInput(value),
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING) return decimalFromInput(ast.value, ast);
    if (ast.kind === Kind.INT) return decimalFromInput(ast.value, ast);
    throw new GraphQLError(`Decimal takes a string of ${DECIMAL_GRAMMAR}, or an integer literal`, { nodes: ast });
  },
});

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function dateFromInput(value: unknown, ast?: ValueNode): Date {
  if (typeof value === "string" && ISO_DATE_TIME.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new GraphQLError("DateTime takes an ISO 8601 string with a time zone, e.g. 2026-01-31T12:00:00Z", {
    nodes: ast,
  });
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: "A point in time, serialized as ISO 8601 in UTC (2026-01-31T12:00:00.000Z).",
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
    return date.toISOString();
  },
  parseValue: (value) => dateFromInput(value),
  parseLiteral: (ast) => dateFromInput(ast.kind === Kind.STRING ? ast.value : undefined, ast),
});

/** Arbitrary JSON: parameter values, defaults and allowed values keep their JSON type (8 vs "8"). */
export const JSONScalar = GraphQLJSON;
