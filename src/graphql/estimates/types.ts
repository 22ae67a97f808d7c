import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { Model, PriceSourceEnum, Product } from "../catalog/types.js";
import type { ModelRecord, ProductRecord } from "../../catalog/records.js";
import { Money } from "../shared/money.js";
import { DecimalScalar, JSONScalar } from "../shared/scalars.js";
import type { Decimal } from "../../pricing/decimal.js";
import type { PriceSource } from "../../pricing/rules.js";

@InputType({ description: "One input of a product's price, as described by Product.parameters." })
export class ParameterInput {
  @Field(() => String, { description: "The parameter's name, e.g. durationSeconds." })
  name!: string;

  @Field(() => JSONScalar, { description: 'The value, of the parameter\'s type: 90, 12.5, "1080p", true, ["a", "b"].' })
  value!: unknown;
}

@InputType({ description: "What to price: a product, optionally a model, its parameters and how many generations." })
export class EstimateInput {
  @Field(() => ID, { description: 'The product, e.g. "subclip/text-to-speech".' })
  productId!: string;

  @Field(() => ID, {
    nullable: true,
    description:
      'For products priced by model: the model ("ugen/models/sora2", or just "sora2"). Default: the product\'s defaultModel; required where Product.modelRequired.',
  })
  modelId?: string | null;

  @Field(() => [ParameterInput], {
    nullable: true,
    description: "Parameter values; omitted ones take their defaultValue. Unknown names are errors.",
  })
  parameters?: ParameterInput[] | null;

  @Field(() => Int, { nullable: true, description: "Number of variations to generate (1-100). Default 1." })
  generationCount?: number | null;
}

@ObjectType({
  simpleResolvers: true,
  description: "One line of an estimate: quantity x unitCredits = credits. Minimums, multipliers and rounding appear as their own lines.",
})
export class LineItem {
  @Field(() => String, { description: 'Code of the price component, e.g. "face_tracking", or of an adjustment ("minimum_charge", "rounding").' })
  code!: string;

  @Field(() => String, { description: "What the line charges for." })
  description!: string;

  @Field(() => DecimalScalar, { description: "How many units are charged (blocks, for components billed in increments)." })
  quantity!: Decimal;

  @Field(() => String, { description: 'The unit counted, e.g. "minute", "30-second block", "adjustment".' })
  unit!: string;

  @Field(() => DecimalScalar, { description: "Credits per unit." })
  unitCredits!: Decimal;

  @Field(() => DecimalScalar, {
    description:
      "quantity x unitCredits, to the micro-credit (a further fraction rounds up). It is computed from the exact quantity (seconds / 60 is not rounded first); quantity is shown to 6 decimal places, so redoing the product from it may differ by a micro-credit or two.",
  })
  credits!: Decimal;

  @Field(() => PriceSourceEnum, {
    description:
      "DOCUMENTED only when every number of the line is documented by the provider: a documented percentage, multiplier, minimum or rounding of assumed credits is ASSUMED.",
  })
  source!: PriceSource;
}

@ObjectType({ simpleResolvers: true, description: "An input the engine changed to a supported value, e.g. a 9 s duration priced as 8 s." })
export class NormalizedParameter {
  @Field(() => String, { description: "The parameter's name." })
  name!: string;

  @Field(() => JSONScalar, { description: "The value sent." })
  requested!: unknown;

  @Field(() => JSONScalar, { description: "The value priced." })
  applied!: unknown;
}

@ObjectType({ simpleResolvers: true, description: "The itemized price of one request, without creating a job or spending credits." })
export class Estimate {
  @Field(() => Product, { description: "The product priced." })
  product!: ProductRecord;

  @Field(() => Model, { nullable: true, description: "The model priced, for products priced by model." })
  model!: ModelRecord | null;

  @Field(() => DecimalScalar, { description: "Credits for one generation: the sum of lineItems." })
  costPerGeneration!: Decimal;

  @Field(() => Int, { description: "Number of generations priced." })
  generationCount!: number;

  @Field(() => DecimalScalar, { description: "costPerGeneration x generationCount." })
  totalCredits!: Decimal;

  @Field(() => DecimalScalar, {
    description: "The part of totalCredits that rests on an assumed number: the sum of the ASSUMED lines (x generationCount). 0 when all is documented.",
  })
  assumedCredits!: Decimal;

  @Field(() => PriceSourceEnum, { description: "DOCUMENTED when every line is; ASSUMED when any credit of the estimate is (see assumedCredits)." })
  source!: PriceSource;

  @Field(() => String, {
    description:
      "The unit of every credit figure of the estimate: always \"credits\", as Hoox's price preview says, meaning the credits of the product's provider (each provider's credits are its own; totalPrice gives money where known).",
  })
  currency!: string;

  @Field(() => Money, {
    nullable: true,
    description: "totalCredits at the provider's documented credit value (Provider.creditValue), when it has one. What they cost the viewer: totalCostBasis.",
  })
  totalPrice!: Money | null;

  @Field(() => [LineItem], { description: "The lines of one generation; they sum to costPerGeneration." })
  lineItems!: LineItem[];

  @Field(() => [NormalizedParameter], { description: "Only the inputs the engine coerced to a supported value; empty when none." })
  normalized!: NormalizedParameter[];
}

@InputType({
  description:
    "The U-Gen job-estimate body in camelCase. Omitted fields take the defaults of ugen/job-estimate's parameters (veo3_fast, i2v, 8 s, standard, 1k keyframes, tiktok_karaoke captions, music on, voice off, no QA or review budgets).",
})
export class JobEstimateInput {
  @Field(() => Int, { description: "Number of video segments (1-100); N segments need N + 1 keyframes." })
  segmentCount!: number;

  @Field(() => ID, { nullable: true, description: 'Video model, e.g. "veo3_fast" (default), "veo3", "sora2", "kling_v2_5_turbo".' })
  modelId?: string | null;

  @Field(() => String, { nullable: true, description: '"i2v" (default) or "t2v".' })
  variant?: string | null;

  @Field(() => Int, { nullable: true, description: "Seconds per segment (default 8); per-second models bill it." })
  durationSeconds?: number | null;

  @Field(() => String, { nullable: true, description: '"standard" (default) or "hd".' })
  resolution?: string | null;

  @Field(() => String, { nullable: true, description: '"1k" (default), "2k" or "4k".' })
  keyframeResolution?: string | null;

  @Field(() => String, { nullable: true, description: '"tiktok_karaoke" (default) or "none".' })
  captionStyle?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Background music (default true)." })
  musicEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Voice-over (default false)." })
  voiceEnabled?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Custom cloned voice for the voice-over (default false)." })
  customVoice?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Automated quality checks with retries (default false)." })
  qaiEnabled?: boolean | null;

  @Field(() => Int, { nullable: true, description: "Keyframe retries budgeted by QA (default 0)." })
  maxKfRetries?: number | null;

  @Field(() => Int, { nullable: true, description: "Segment retries budgeted by QA (default 0)." })
  maxVideoRetries?: number | null;

  @Field(() => Boolean, { nullable: true, description: "Human approval of the anchor keyframes (default false)." })
  humanReviewGate?: boolean | null;

  @Field(() => Int, { nullable: true, description: "Anchor rejections budgeted (default 0)." })
  hitlAnchorMaxRejections?: number | null;

  @Field(() => Boolean, { nullable: true, description: "Human approval of the segments (default false)." })
  humanReviewVideos?: boolean | null;

  @Field(() => Int, { nullable: true, description: "Segment rejections budgeted (default 0)." })
  hitlSegmentsMaxRejections?: number | null;
}

@ObjectType({ simpleResolvers: true, description: "The itemized credits a U-Gen video job reserves, by cost component." })
export class JobEstimate {
  @Field(() => Product, { description: "The product priced: ugen/job-estimate." })
  product!: ProductRecord;

  @Field(() => Model, { description: "The video model priced." })
  model!: ModelRecord;

  @Field(() => DecimalScalar, { description: "Credits the job needs: the sum of lineItems." })
  totalCredits!: Decimal;

  @Field(() => DecimalScalar, {
    description: "The part of totalCredits that rests on an assumed number: the sum of the ASSUMED lines. 0 when all is documented.",
  })
  assumedCredits!: Decimal;

  @Field(() => PriceSourceEnum, { description: "DOCUMENTED when every line is; ASSUMED when any credit of the estimate is (see assumedCredits)." })
  source!: PriceSource;

  @Field(() => Money, {
    nullable: true,
    description: "totalCredits at U-Gen's documented credit value (1 credit = $0.01). What they cost the viewer: totalCostBasis.",
  })
  totalPrice!: Money | null;

  @Field(() => [LineItem], { description: "One line per cost component that applies." })
  lineItems!: LineItem[];
}
