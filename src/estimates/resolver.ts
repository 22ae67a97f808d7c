import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { Context } from "../graphql/context.js";
import { userInputError } from "../graphql/errors.js";
import { PricingInputError } from "../pricing/engine.js";
import { estimateProduct, type EstimateOutcome } from "./service.js";
import { Estimate, EstimateInput, JobEstimate, JobEstimateInput } from "./types.js";

/** U-Gen's job estimate is the catalog product below; its rules (and how the doc was read) are in seed/ugen.ts. */
export const JOB_ESTIMATE_PRODUCT_ID = "ugen/job-estimate";

async function priced(run: () => Promise<EstimateOutcome>, field = (path: string[]) => path): Promise<EstimateOutcome> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PricingInputError) throw userInputError(error.message, field(error.field));
    throw error;
  }
}

function toEstimate({ product, model, result, totalPrice }: EstimateOutcome) {
  return {
    product,
    model,
    costPerGeneration: result.costPerGeneration,
    generationCount: result.generationCount,
    totalCredits: result.totalCredits,
    totalPrice,
    lineItems: result.lineItems,
    normalized: result.normalized,
  };
}

/** JobEstimateInput's fields are the product's parameters by name; null means "use the default". */
export function jobEstimateParameters(input: JobEstimateInput): Array<{ name: string; value: unknown }> {
  return Object.entries(input)
    .filter(([name, value]) => name !== "modelId" && value !== null && value !== undefined)
    .map(([name, value]) => ({ name, value }));
}

@Resolver()
export class EstimateResolver {
  @Query(() => Estimate, {
    description: "Prices any catalog product for the given parameters, itemized. Needs no API key and spends nothing.",
  })
  async estimate(@Arg("input", () => EstimateInput) input: EstimateInput, @Ctx() { loaders, services }: Context) {
    const outcome = await priced(() =>
      estimateProduct(services.pricing, loaders.catalog, input.productId, {
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
    const outcome = await priced(
      () =>
        estimateProduct(services.pricing, loaders.catalog, JOB_ESTIMATE_PRODUCT_ID, {
          modelId: input.modelId,
          parameters: jobEstimateParameters(input),
        }),
      // Job inputs are top-level fields, not a parameter list.
      (path) => (path[0] === "parameters" ? path.slice(1) : path),
    );
    return {
      product: outcome.product,
      model: outcome.model!,
      totalCredits: outcome.result.totalCredits,
      totalPrice: outcome.totalPrice,
      lineItems: outcome.result.lineItems,
    };
  }
}
