import { Field, ID, InterfaceType } from "type-graphql";

/** Records carry their GraphQL type name; that is how an interface's concrete type is found. */
export const typenameOf = (value: { __typename?: string }) => value.__typename;

/** Anything the `node` query can fetch again by id. */
@InterfaceType({
  description: "An object with a globally unique id, which `node(id:)` fetches again.",
  resolveType: typenameOf,
})
export abstract class Node {
  @Field(() => ID, { description: "Globally unique, stable id." })
  id!: string;
}
