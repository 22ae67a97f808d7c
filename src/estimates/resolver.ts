import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { Context } from "../graphql/context.js";
import { userInputError } from "../graphql/errors.js";
import { PricingInputError } from "../pricing/engine.js";
import { estimateJob, estimateProduct, type EstimateOutcome } from "./service.js";
import { Estimate, EstimateInput, JobEstimate, JobEstimateInput } from "./types.js";

/** A refusal names the input at fault by its path from the argument, as userErrors do: ["input", "parameters", "duration"]. */
async function priced(run: () => Promise<EstimateOutcome>): Promise<EstimateOutcome> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PricingInputError) throw userInputError(error.message, ["input", ...error.field]);
    throw error;
  }
}

/** Credits are each provider's own unit; money is totalPrice. */
const ESTIMATE_CURRENCY = "credits";

function toEstimate({ product, model, result, totalPrice }: EstimateOutcome) {
  return {
    product,
    model,
    costPerGeneration: result.costPerGeneration,
    generationCount: result.generationCount,
    totalCredits: result.totalCredits,
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
      product: outcome.product,
      model: outcome.model!,
      totalCredits: outcome.result.totalCredits,
      totalPrice: outcome.totalPrice,
      lineItems: outcome.result.lineItems,
    };
  }
}
