/**
 * Refusals of an operation for its size (cost, depth, aliases, directives, tokens, mutations): one
 * stable code, the limit's name and its maximum in `extensions`, a message that says what to change.
 */
import { GraphQLError, type ASTNode, type GraphQLFormattedError } from "graphql";
import { ErrorCode } from "../../error-codes.js";

const LIMIT_ERROR_CODE = ErrorCode.OPERATION_LIMIT_EXCEEDED;

export type LimitName = "cost" | "depth" | "aliases" | "directives" | "tokens" | "mutations" | "subscriptions";

export function limitError(limit: LimitName, message: string, details: { maximum: number; actual?: number }, nodes?: readonly ASTNode[]): GraphQLError {
  return new GraphQLError(message, { nodes, extensions: { code: LIMIT_ERROR_CODE, limit, ...details } });
}

/** graphql-js's wording (sic: "more that" in graphql 16). */
const TOKEN_LIMIT = /^Syntax Error: Document contains more tha[nt] (\d+) tokens/;

/**
 * Apollo gives every validation error the code GRAPHQL_VALIDATION_FAILED, and graphql-js's parser
 * words its token limit as a syntax error; a limit refusal keeps its own code and wording instead.
 */
export function relabelLimitError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = formatted.extensions ?? {};
  if (typeof extensions.limit === "string") return { ...formatted, extensions: { ...extensions, code: LIMIT_ERROR_CODE } };
  const tokens = extensions.code === "GRAPHQL_PARSE_FAILED" ? TOKEN_LIMIT.exec(formatted.message) : null;
  if (!tokens) return formatted;
  const maximum = Number(tokens[1]);
  return {
    ...formatted,
    message: `The operation has more than ${maximum} tokens, the limit; send a shorter document`,
    extensions: { ...extensions, code: LIMIT_ERROR_CODE, limit: "tokens", maximum },
  };
}
