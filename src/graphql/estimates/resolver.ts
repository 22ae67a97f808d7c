import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { Decimal } from "../../pricing/decimal.js";
import { Money } from "../shared/money.js";
import type { Context } from "../shared/context.js";
import { PricingInputError } from "../../pricing/engine.js";
import { estimateJob, estimateProduct, type EstimateOutcome } from "../../estimates/service.js";
import { Estimate, EstimateInput, JobEstimate, JobEstimateInput } from "./types.js";
import { badInput } from "../../errors.js";

/** A refusal names the input at fault by its path from the argument, as userErrors do: ["input", "parameters", "duration"]. */
async function priced(run: () => Promise<EstimateOutcome>): Promise<EstimateOutcome> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PricingInputError) throw badInput(error.message, ["input", ...error.field]);
    throw error;
  }
}

const assumed = (result: EstimateOutcome["result"]) => ({
  assumedCredits: result.assumedCredits,
  source: result.assumedCredits.isZero() && result.lineItems.every((line) => line.source === "DOCUMENTED") ? ("DOCUMENTED" as const) : ("ASSUMED" as const),
});
/** Credits are each provider's own unit; money is totalPrice. */
const ESTIMATE_CURRENCY = "credits";

function toEstimate({ product, model, result, totalPrice }: EstimateOutcome) {
  return {
    providerId: product.providerId,
    product,
    model,
    costPerGeneration: result.costPerGeneration,
    generationCount: result.generationCount,
    totalCredits: result.totalCredits,
    ...assumed(result),
    currency: ESTIMATE_CURRENCY,
    totalPrice,
    lineItems: result.lineItems,
    normalized: result.normalized,
  };
}

@Resolver()
export class EstimateResolver {
  @Query(() => Estimate, {
    description: "Prices any catalog product for the given parameters, itemized. Needs no API key and spends nothing.",
  })
  async estimate(@Arg("input", () => EstimateInput) input: EstimateInput, @Ctx() { loaders, services }: Context) {
    const outcome = await priced(() =>
      estimateProduct(services.pricing, loaders, input.productId, {
        modelId: input.modelId,
        parameters: input.parameters,
        generationCount: input.generationCount,
      }),
    );
    return toEstimate(outcome);
  }

  @Query(() => JobEstimate, {
    description: "Prices a U-Gen video job from its estimate body, by cost component. Needs no API key.",
  })
  async jobEstimate(@Arg("input", () => JobEstimateInput) input: JobEstimateInput, @Ctx() { loaders, services }: Context) {
    const outcome = await priced(() => estimateJob(services.pricing, loaders, { ...input }));
    return {
      providerId: outcome.product.providerId,
      product: outcome.product,
      model: outcome.model!,
      totalCredits: outcome.result.totalCredits,
      ...assumed(outcome.result),
      totalPrice: outcome.totalPrice,
      lineItems: outcome.result.lineItems,
    };
  }
}

const COST_BASIS = {
  nullable: true,
  description:
    "What totalCredits would cost the API key's account: its wallet's spendable credits in the order a job spends them, at each grant's cost basis (a pack's price per credit; promotional credits 0). totalPrice is the provider's documented value instead. Null without an account's key, when the wallet does not hold that many credits, or when a grant's cost is unknown.",
};

/** The viewer's own cost of an estimate's credits, beside the provider's documented value. */
async function costBasis(root: { providerId: string; totalCredits: Decimal }, context: Context) {
  if (context.auth.kind !== "account") return null;
  return context.services.creditCosts.ofWallet(context.auth.accountId, root.providerId, root.totalCredits);
}

@Resolver(() => Estimate)
export class EstimateCostResolver {
  @FieldResolver(() => Money, COST_BASIS)
  totalCostBasis(@Root() root: { providerId: string; totalCredits: Decimal }, @Ctx() context: Context) {
    return costBasis(root, context);
  }
}

@Resolver(() => JobEstimate)
export class JobEstimateCostResolver {
  @FieldResolver(() => Money, COST_BASIS)
  totalCostBasis(@Root() root: { providerId: string; totalCredits: Decimal }, @Ctx() context: Context) {
    return costBasis(root, context);
  }
}
