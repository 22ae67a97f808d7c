/** Turns a jobCreate input into the credits to reserve: priced through the engine, or given directly. */
import { estimateJob, estimateProduct, type EstimateOutcome, type JobEstimateBody, type LoaderSource, type PricingCatalog } from "../estimates/service.js";
import { DomainError, DomainErrorCode } from "../errors.js";
import type { Decimal } from "../pricing/decimal.js";
import { PricingInputError, type EstimateRequest } from "../pricing/engine.js";
import { creditsToMicros } from "./credits.js";
import type { JobLineItemRecord } from "./records.js";

export interface JobSource {
  estimate?: (EstimateRequest & { productId: string }) | null;
  jobEstimate?: JobEstimateBody | null;
  credits?: Decimal | null;
  /** With `credits`: whose credits (null: the account's only wallet). */
  provider?: string | null;
}

export interface PricedJob {
  micros: number;
  productId: string | null;
  /** The wallet to reserve from: the product's provider, or the one named with bare credits (null: the account's only one). */
  providerId: string | null;
  /** Snapshot of the estimate, kept on the job, with the version of the catalog it was priced from. */
  estimate: { lineItems: JobLineItemRecord[]; generationCount: number; catalogVersion: string; chargedOnAcceptance?: true } | null;
  /** The product is charged when the request is accepted: the job consumes at creation (absent: false). */
  chargedOnAcceptance?: boolean;
  describe: string;
}

function snapshot(outcome: EstimateOutcome, catalogVersion: string): PricedJob["estimate"] {
  return {
    catalogVersion,
    // Kept on the job: the catalog may change after it was created.
    ...(outcome.product.chargedOnAcceptance ? { chargedOnAcceptance: true as const } : {}),
    generationCount: outcome.result.generationCount,
    lineItems: outcome.result.lineItems.map((line) => ({
      code: line.code,
      description: line.description,
      quantity: line.quantity.toFixed(),
      unit: line.unit,
      unitCredits: line.unitCredits.toFixed(),
      credits: line.credits.toFixed(),
      source: line.source,
    })),
  };
}

async function priced(field: string[], run: () => Promise<EstimateOutcome>): Promise<EstimateOutcome> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof PricingInputError) throw new DomainError(DomainErrorCode.BAD_USER_INPUT, error.message, [...field, ...error.field]);
    throw error;
  }
}

export async function priceJob(prices: PricingCatalog, loaders: LoaderSource, source: JobSource): Promise<PricedJob> {
  const given = (["estimate", "jobEstimate", "credits"] as const).filter((name) => source[name] != null);
  if (source.provider != null && source.credits == null) {
    throw new DomainError(DomainErrorCode.BAD_USER_INPUT, "provider goes with credits only: an estimate's product names its provider", ["provider"]);
  }
  if (given.length !== 1) {
    throw new DomainError(
      DomainErrorCode.BAD_USER_INPUT,
      `Give exactly one of estimate, jobEstimate or credits${given.length > 1 ? `; got ${given.join(" and ")}` : ""}`,
      [],
    );
  }
  if (source.credits != null) {
    return { micros: creditsToMicros(source.credits, ["credits"]), productId: null, providerId: source.provider ?? null, estimate: null, describe: "a job" };
  }
  const outcome = source.estimate
    ? await priced(["estimate"], () =>
        estimateProduct(prices, loaders, source.estimate!.productId, {
          modelId: source.estimate!.modelId,
          parameters: source.estimate!.parameters,
          generationCount: source.estimate!.generationCount,
        }),
      )
    : await priced(["jobEstimate"], () => estimateJob(prices, loaders, { ...source.jobEstimate! }));
  const field = [source.estimate ? "estimate" : "jobEstimate"];
  if (outcome.result.totalCredits.isZero()) {
    throw new DomainError(DomainErrorCode.BAD_USER_INPUT, "The estimate is 0 credits: there is nothing to reserve", field);
  }
  return {
    micros: creditsToMicros(outcome.result.totalCredits, field),
    productId: outcome.product.id,
    providerId: outcome.product.providerId,
    estimate: snapshot(outcome, prices.catalogVersion()),
    chargedOnAcceptance: outcome.product.chargedOnAcceptance,
    describe: `${outcome.product.name} (${outcome.product.id})`,
  };
}
