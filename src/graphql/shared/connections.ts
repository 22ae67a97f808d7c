/** Relay cursor connections: opaque cursors, forward pagination, `first` capped. */
import { Field, ObjectType } from "type-graphql";
import { badInput } from "../../errors.js";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ObjectType({ simpleResolvers: true, description: "Where a page sits in the whole list (Relay)." })
export class PageInfo {
  @Field(() => Boolean, { description: "Whether more items follow; pass endCursor as `after` to get them." })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: "Whether items precede this page (always false: pages go forward only)." })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "Cursor of the first item; null on an empty page." })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "Cursor of the last item; null on an empty page." })
  endCursor!: string | null;
}

export function encodeCursor(kind: string, position: number): string {
  return Buffer.from(`${kind}:${position}`, "utf8").toString("base64url");
}

/** Only the cursors this server writes: `<kind>:<position>` in canonical decimal, canonically encoded. */
export function decodeCursor(kind: string, cursor: string | null | undefined): number | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const [, prefix, position] = /^([a-z]+):(0|[1-9][0-9]*)$/.exec(Buffer.from(cursor, "base64url").toString("utf8")) ?? [];
  const value = Number(position);
  // The round trip also refuses other spellings of the same bytes (padding, "+" or "/" for "-" or "_").
  if (prefix !== kind || !Number.isSafeInteger(value) || encodeCursor(kind, value) !== cursor) {
    throw badInput(`"${cursor}" is not a cursor of this list`, ["after"]);
  }
  return value;
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be from 0 to ${MAX_PAGE_SIZE}; got ${first}`, ["first"]);
  }
  return first;
}

export function connection<T>(kind: string, items: T[], hasNextPage: boolean, position: (item: T) => number) {
  const edges = items.map((node) => ({ cursor: encodeCursor(kind, position(node)), node }));
  return {
    edges,
    nodes: items,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
