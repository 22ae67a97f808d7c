import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { resolveAccountNode } from "./accounts/resolvers.js";
import { resolveBillingNode } from "./billing/resolvers.js";
import { kindOfCatalogId } from "../catalog/ids.js";
import type { Context } from "./shared/context.js";
import { Node } from "./shared/node.js";
import { resolveTestClockNode } from "./accounts/test-clocks.js";

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: "Fetches any object by its id; null when nothing has that id." })
  async node(@Arg("id", () => ID) id: string, @Ctx() context: Context): Promise<unknown> {
    const accountObject = (await resolveAccountNode(context, id)) ?? (await resolveBillingNode(context, id)) ?? (await resolveTestClockNode(context, id));
    if (accountObject !== undefined) return accountObject;
    const catalog = context.loaders.catalog;
    switch (kindOfCatalogId(id)) {
      case "Provider":
        return catalog.provider.load(id);
      case "Product":
        return catalog.product.load(id);
      case "Model":
        return catalog.model.load(id);
      case "Variant":
        return catalog.variant.load(id);
      case "CreditPack":
        return catalog.creditPack.load(id);
      case "SubscriptionPlan":
        return catalog.subscriptionPlan.load(id);
      default:
        return null;
    }
  }
}
