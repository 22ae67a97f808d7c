import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../shared/context.js";
import type { CreditPackRecord, ModelRecord, ProductRecord, ProviderRecord, SubscriptionPlanRecord, VariantRecord } from "../../catalog/records.js";
import { CreditPack, Model, PriceComponent, Product, ProductParameter, Provider, SubscriptionPlan, Variant } from "./types.js";

@Resolver()
export class CatalogQueryResolver {
  @Query(() => String, {
    description:
      "The version of the catalog this server serves: the fingerprint of the seed it was built from. Every node of one deployment serves its own copy; they agree when they run the same release. Jobs record the version they were priced with.",
  })
  catalogVersion(@Ctx() { services }: Context): string {
    return services.catalog.version();
  }

  @Query(() => [Provider], { description: "Every provider in the catalog, in display order." })
  providers(@Ctx() { services }: Context): ProviderRecord[] {
    return services.catalog.listProviders();
  }

  @Query(() => Provider, { nullable: true, description: 'A provider by id ("samsar", "ugen", …); null when unknown.' })
  provider(@Arg("id", () => ID) id: string, @Ctx() { loaders }: Context) {
    return loaders.catalog.provider.load(id);
  }

  @Query(() => Product, { nullable: true, description: 'A product by id ("<provider id>/<slug>"); null when unknown.' })
  product(@Arg("id", () => ID) id: string, @Ctx() { loaders }: Context) {
    return loaders.catalog.product.load(id);
  }

  @Query(() => Model, { nullable: true, description: 'A model by id ("<provider id>/models/<slug>"); null when unknown.' })
  model(@Arg("id", () => ID) id: string, @Ctx() { loaders }: Context) {
    return loaders.catalog.model.load(id);
  }

  @Query(() => [CreditPack], { description: "Credit packs for sale, of one provider or of all." })
  async creditPacks(
    @Arg("provider", () => ID, { nullable: true, description: "Only this provider's packs." }) provider: string | null,
    @Ctx() { services, loaders }: Context,
  ): Promise<CreditPackRecord[]> {
    return provider ? loaders.catalog.creditPacksByProvider.load(provider) : services.catalog.listCreditPacks();
  }

  @Query(() => [SubscriptionPlan], { description: "Subscription plans, of one provider or of all." })
  async subscriptionPlans(
    @Arg("provider", () => ID, { nullable: true, description: "Only this provider's plans." }) provider: string | null,
    @Ctx() { services, loaders }: Context,
  ): Promise<SubscriptionPlanRecord[]> {
    return provider ? loaders.catalog.subscriptionPlansByProvider.load(provider) : services.catalog.listSubscriptionPlans();
  }
}

@Resolver(() => Provider)
export class ProviderResolver {
  @FieldResolver(() => [Product], { description: "The provider's priced API operations." })
  products(@Root() provider: ProviderRecord, @Ctx() { loaders }: Context) {
    return loaders.catalog.productsByProvider.load(provider.id);
  }

  @FieldResolver(() => [Model], { description: "The provider's models." })
  models(@Root() provider: ProviderRecord, @Ctx() { loaders }: Context) {
    return loaders.catalog.modelsByProvider.load(provider.id);
  }

  @FieldResolver(() => [CreditPack], { description: "Credit packs for sale, smallest first." })
  creditPacks(@Root() provider: ProviderRecord, @Ctx() { loaders }: Context) {
    return loaders.catalog.creditPacksByProvider.load(provider.id);
  }

  @FieldResolver(() => [SubscriptionPlan], { description: "Subscription plans." })
  subscriptionPlans(@Root() provider: ProviderRecord, @Ctx() { loaders }: Context) {
    return loaders.catalog.subscriptionPlansByProvider.load(provider.id);
  }
}

@Resolver(() => Product)
export class ProductResolver {
  @FieldResolver(() => Provider, { description: "The provider selling the operation." })
  async provider(@Root() product: ProductRecord, @Ctx() { loaders }: Context) {
    return loaders.catalog.provider.load(product.providerId);
  }

  @FieldResolver(() => [ProductParameter], { description: "The inputs of the price, in form order." })
  parameters(@Root() product: ProductRecord, @Ctx() { loaders }: Context) {
    return loaders.catalog.parametersByProduct.load(product.id);
  }

  @FieldResolver(() => [PriceComponent], { description: "The price formula, one component per possible line item." })
  priceComponents(@Root() product: ProductRecord, @Ctx() { loaders }: Context) {
    return loaders.catalog.priceComponentsByProduct.load(product.id);
  }

  @FieldResolver(() => [Model], { description: "Models the product can be priced with (EstimateInput.modelId). Empty when none." })
  async models(@Root() product: ProductRecord, @Ctx() { loaders }: Context): Promise<ModelRecord[]> {
    const links = await loaders.catalog.modelsByProduct.load(product.id);
    return links.map((link) => link.model);
  }

  @FieldResolver(() => Model, { nullable: true, description: "The model used when a request names none." })
  async defaultModel(@Root() product: ProductRecord, @Ctx() { loaders }: Context): Promise<ModelRecord | null> {
    const links = await loaders.catalog.modelsByProduct.load(product.id);
    return links.find((link) => link.isDefault)?.model ?? null;
  }
}

@Resolver(() => Model)
export class ModelResolver {
  @FieldResolver(() => Provider, { description: "The provider offering the model." })
  async provider(@Root() model: ModelRecord, @Ctx() { loaders }: Context) {
    return loaders.catalog.provider.load(model.providerId);
  }

  @FieldResolver(() => [Variant], { description: "Priced configurations of the model." })
  variants(@Root() model: ModelRecord, @Ctx() { loaders }: Context) {
    return loaders.catalog.variantsByModel.load(model.id);
  }
}

@Resolver(() => Variant)
export class VariantResolver {
  @FieldResolver(() => Model, { description: "The model this is a variant of." })
  async model(@Root() variant: VariantRecord, @Ctx() { loaders }: Context) {
    return loaders.catalog.model.load(variant.modelId);
  }
}

@Resolver(() => CreditPack)
export class CreditPackResolver {
  @FieldResolver(() => Provider, { description: "The provider selling the pack." })
  async provider(@Root() pack: CreditPackRecord, @Ctx() { loaders }: Context) {
    return loaders.catalog.provider.load(pack.providerId);
  }
}

@Resolver(() => SubscriptionPlan)
export class SubscriptionPlanResolver {
  @FieldResolver(() => Provider, { description: "The provider offering the plan." })
  async provider(@Root() plan: SubscriptionPlanRecord, @Ctx() { loaders }: Context) {
    return loaders.catalog.provider.load(plan.providerId);
  }
}

export const catalogResolvers = [
  CatalogQueryResolver,
  ProviderResolver,
  ProductResolver,
  ModelResolver,
  VariantResolver,
  CreditPackResolver,
  SubscriptionPlanResolver,
] as const;
