import { Field, ID, InterfaceType } from "type-graphql";

/** Anything the `node` query can fetch again by id; records carry their GraphQL type name. */
@InterfaceType({
  description: "An object with a globally unique id, which `node(id:)` fetches again.",
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: "Globally unique, stable id." })
  id!: string;
}
