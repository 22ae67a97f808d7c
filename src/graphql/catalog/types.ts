import { Field, ID, Int, ObjectType } from "type-graphql";
import { Money } from "../shared/money.js";
import { Node } from "../shared/node.js";
import { DecimalScalar, JSONScalar } from "../shared/scalars.js";
import type { Decimal } from "../../pricing/decimal.js";
import type { BillingUnit, ParameterType, PriceSource, RoundingMode } from "../../pricing/rules.js";
import type { RateKind } from "../../catalog/records.js";
import { PriceSourceEnum, ParameterTypeEnum, BillingUnitEnum, RoundingModeEnum, PlanIntervalEnum, RateKindEnum } from "./enums.js";

export { PriceSourceEnum, ParameterTypeEnum, BillingUnitEnum, RoundingModeEnum, PlanIntervalEnum, RateKindEnum };

@ObjectType({
  simpleResolvers: true,
  implements: Node,
  description: "A vendor whose priced API operations, models, credit packs and plans are in the catalog.",
})
export class Provider implements Node {
  @Field(() => ID, { description: 'Short id, e.g. "ugen".' })
  id!: string;

  @Field(() => String, { description: "Display name." })
  name!: string;

  @Field(() => String, { description: "How this provider charges, in a sentence." })
  description!: string;

  @Field(() => Money, {
    nullable: true,
    description: "What one credit costs in money, when the provider states it (U-Gen: $0.01). Null when unknown.",
  })
  creditValue!: Money | null;

  @Field(() => PriceSourceEnum, { nullable: true, description: "Whether creditValue is documented or assumed." })
  creditValueSource!: PriceSource | null;

  @Field(() => String, { description: "The pricing document (in shared/docs) this provider's prices come from." })
  sourceDocument!: string;
}

@ObjectType({ simpleResolvers: true, description: "One input of a product's price: enough to render a calculator form field." })
export class ProductParameter {
  @Field(() => String, { description: "Name to send in ParameterInput.name, camelCase." })
  name!: string;

  @Field(() => ParameterTypeEnum, { description: "The JSON type the value must have." })
  type!: ParameterType;

  @Field(() => String, { nullable: true, description: 'Unit of a numeric value, e.g. "second" or "image".' })
  unit!: string | null;

  @Field(() => [JSONScalar], {
    nullable: true,
    description: "The only values accepted (or snapped to, see snapsToAllowedValue). Null when any value of the type is accepted.",
  })
  allowedValues!: unknown[] | null;

  @Field(() => JSONScalar, { nullable: true, description: "Value used when the parameter is omitted. Null when there is none." })
  defaultValue!: unknown;

  @Field(() => Boolean, { description: "Whether an estimate must include this parameter." })
  required!: boolean;

  @Field(() => String, { description: "What the parameter means, for a form's help text." })
  description!: string;

  @Field(() => DecimalScalar, { nullable: true, description: "Smallest accepted number (for lists: per item)." })
  minimum!: Decimal | null;

  @Field(() => DecimalScalar, { nullable: true, description: "Largest accepted number (for lists: per item)." })
  maximum!: Decimal | null;

  @Field(() => Int, { nullable: true, description: "Most items a list accepts." })
  maxItems!: number | null;

  @Field(() => Int, { nullable: true, description: "Fewest items a list accepts (1 unless stated); null for other types." })
  minItems!: number | null;

  @Field(() => PriceSourceEnum, {
    nullable: true,
    description:
      "Where minimum, maximum and the item bounds come from: DOCUMENTED by the provider, or ASSUMED by us (see boundsNote). Null when the parameter has no bounds.",
  })
  boundsSource!: PriceSource | null;

  @Field(() => String, { nullable: true, description: "Why these bounds, or where the document gives them." })
  boundsNote!: string | null;

  @Field(() => [JSONScalar], { description: "Of allowedValues, those the provider's document does not name: accepted, priced by assumption. Empty when none." })
  assumedValues!: unknown[];

  @Field(() => Boolean, {
    description:
      "True when a number outside allowedValues is snapped to the nearest allowed one (a tie goes up) and reported in Estimate.normalized, instead of being rejected.",
  })
  snapsToAllowedValue!: boolean;
}

@ObjectType({ simpleResolvers: true, description: "A rate chosen by a parameter's value, e.g. resolution 2k -> 50 credits." })
export class RateTier {
  @Field(() => String, { description: "The parameter value." })
  value!: string;

  @Field(() => DecimalScalar, { description: "Credits per unit at that value." })
  credits!: Decimal;
}

@ObjectType({
  simpleResolvers: true,
  description: "One part of a product's price formula. An estimate shows one line item per component that applies.",
})
export class PriceComponent {
  @Field(() => String, { description: 'Stable code, e.g. "face_tracking"; line items carry the same code.' })
  code!: string;

  @Field(() => String, { description: "What is charged." })
  description!: string;

  @Field(() => String, { description: 'The unit counted, e.g. "second", "minute", "image".' })
  unit!: string;

  @Field(() => RateKindEnum, { description: "How the credits per unit are found." })
  rateKind!: RateKind;

  @Field(() => DecimalScalar, { nullable: true, description: "FLAT: credits per unit (or per block)." })
  unitCredits!: Decimal | null;

  @Field(() => String, { nullable: true, description: "BY_PARAMETER: the parameter whose value picks the rate." })
  rateParameter!: string | null;

  @Field(() => [RateTier], { description: "BY_PARAMETER: the rate for each value. Empty otherwise." })
  rateTiers!: RateTier[];

  @Field(() => ID, { nullable: true, description: "VARIANT: the fixed model priced; null means the request's model." })
  variantModelId!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: "PERCENT_OF: the percentage per unit, e.g. 50." })
  percent!: Decimal | null;

  @Field(() => [String], { description: "PERCENT_OF: codes of the components the percentage applies to." })
  percentOf!: string[];

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Units are billed in whole blocks of this size ("5 credits per 30 seconds": 30); a started block counts.',
  })
  blockSize!: Decimal | null;

  @Field(() => DecimalScalar, { nullable: true, description: "The component costs at least this much when it applies." })
  minimumCredits!: Decimal | null;

  @Field(() => JSONScalar, {
    nullable: true,
    description: 'When the component applies, e.g. {"param":"faceTracking"}. Null: always.',
  })
  condition!: unknown;

  @Field(() => JSONScalar, {
    description: 'How the quantity is computed from the parameters, e.g. {"div":[{"param":"durationSeconds"},{"const":"60"}]}.',
  })
  quantity!: unknown;

  @Field(() => PriceSourceEnum, { description: "Whether the rate is documented by the provider or assumed by us." })
  source!: PriceSource;

  @Field(() => String, { description: "The pricing document the rate comes from." })
  sourceDocument!: string;

  @Field(() => String, { nullable: true, description: "Why a value was assumed, or how an ambiguous rule was read." })
  note!: string | null;
}

@ObjectType({ simpleResolvers: true, description: "When a product is charged, and whether the vendor says so." })
export class ChargeTiming {
  @Field(() => PriceSourceEnum, { description: "DOCUMENTED when the vendor's page states it, ASSUMED otherwise." })
  source!: PriceSource;

  @Field(() => String, { description: "Where the document says so, or why it is assumed." })
  note!: string;
}

@ObjectType({ simpleResolvers: true, implements: Node, description: "A priced API operation of a provider, e.g. Subclip's Text to Speech." })
export class Product implements Node {
  @Field(() => ID, { description: 'Id of the form "<provider id>/<slug>", e.g. "subclip/text-to-speech".' })
  id!: string;

  @Field(() => String, { description: "Display name." })
  name!: string;

  @Field(() => String, { description: "What the operation does." })
  description!: string;

  @Field(() => String, { description: 'The provider\'s API operation, e.g. "POST /video/translate_video".' })
  operation!: string;

  @Field(() => String, { description: "Broad kind of output: video, image, audio, text or job." })
  category!: string;

  @Field(() => PriceSourceEnum, {
    description: "DOCUMENTED when every rate in the formula is documented; ASSUMED when any is assumed.",
  })
  source!: PriceSource;

  @Field(() => DecimalScalar, { nullable: true, description: "The least an estimate costs (per generation). Null: no minimum." })
  minimumCredits!: Decimal | null;

  @Field(() => RoundingModeEnum, { description: "How the cost per generation is rounded." })
  rounding!: RoundingMode;

  @Field(() => Boolean, {
    description:
      "The provider charges as soon as it accepts the request: a job for this product consumes its credits when it is created (COMPLETED at once) instead of holding them.",
  })
  chargedOnAcceptance!: boolean;

  @Field(() => ChargeTiming, { nullable: true, description: "Where chargedOnAcceptance comes from, when it is true." })
  chargeTiming!: { source: PriceSource; note: string } | null;

  @Field(() => Boolean, {
    description: "True when an estimate must name one of models in EstimateInput.modelId (the provider's API requires it); such a product has no defaultModel.",
  })
  modelRequired!: boolean;

  @Field(() => String, { description: "The pricing document this product's formula comes from." })
  sourceDocument!: string;
}

@ObjectType({ simpleResolvers: true, implements: Node, description: "A generative model offered by a provider, priced through its variants." })
export class Model implements Node {
  @Field(() => ID, { description: 'Id of the form "<provider id>/models/<slug>", e.g. "ugen/models/veo3_fast".' })
  id!: string;

  @Field(() => String, { description: "Display name." })
  name!: string;

  @Field(() => String, { description: "What the model is." })
  description!: string;

  @Field(() => DecimalScalar, { description: 'Factor applied to the credits of every variant (Hunyuan: "1.5"); "1" for most.' })
  multiplier!: Decimal;

  @Field(() => PriceSourceEnum, { nullable: true, description: "Whether the multiplier is documented or assumed; null when it is 1." })
  multiplierSource!: PriceSource | null;

  @Field(() => PriceSourceEnum, {
    description: "DOCUMENTED when the provider's document names this model; ASSUMED when it is offered without being named there (see note).",
  })
  source!: PriceSource;

  @Field(() => String, { nullable: true, description: "Why an assumed model is offered." })
  note!: string | null;

  @Field(() => String, { description: "The pricing document the model comes from." })
  sourceDocument!: string;
}

@ObjectType({ simpleResolvers: true, implements: Node, description: "A priced configuration of a model: mode, resolution, duration." })
export class Variant implements Node {
  @Field(() => ID, { description: 'Id of the form "<model id>/<slug>".' })
  id!: string;

  @Field(() => String, { description: 'Name of the mode, e.g. "i2v"; requests select variants by it.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Resolution tier, e.g. "1080p" or "standard".' })
  resolution!: string | null;

  @Field(() => Int, { nullable: true, description: "Clip length in seconds, for variants priced per duration." })
  durationSeconds!: number | null;

  @Field(() => BillingUnitEnum, { description: "Whether credits are per generation or per second." })
  billingUnit!: BillingUnit;

  @Field(() => DecimalScalar, { description: "Credits per billing unit, before the model's multiplier." })
  credits!: Decimal;

  @Field(() => Money, { nullable: true, description: "credits in money, when the provider's credit value is known." })
  price!: Money | null;

  @Field(() => Money, { nullable: true, description: "What the provider pays its upstream supplier per billing unit, when known." })
  upstreamCost!: Money | null;

  @Field(() => PriceSourceEnum, { description: "Whether credits is documented or assumed." })
  source!: PriceSource;

  @Field(() => String, { description: "The pricing document the variant comes from." })
  sourceDocument!: string;

  @Field(() => String, { nullable: true, description: "Why a value was assumed." })
  note!: string | null;
}

@ObjectType({ simpleResolvers: true, description: "How long credits last, and whether the vendor says so." })
export class CreditExpiry {
  @Field(() => PriceSourceEnum, { description: "DOCUMENTED when the vendor's page states it, ASSUMED otherwise." })
  source!: PriceSource;

  @Field(() => String, { description: "Why, for an assumption." })
  note!: string;
}

@ObjectType({ simpleResolvers: true, implements: Node, description: "A prepaid bundle of credits sold at a fixed price." })
export class CreditPack implements Node {
  @Field(() => ID, { description: 'Id of the form "<provider id>/packs/<slug>", e.g. "ugen/packs/creator".' })
  id!: string;

  @Field(() => String, { description: "Display name." })
  name!: string;

  @Field(() => Money, { description: "What the pack costs." })
  price!: Money;

  @Field(() => DecimalScalar, { description: "Credits the pack adds to the balance." })
  credits!: Decimal;

  @Field(() => Money, { description: "price / credits, to six decimal places." })
  perCreditPrice!: Money;

  @Field(() => DecimalScalar, {
    description: "Percent saved per credit against the provider's smallest pack, to two decimal places (0 for that pack).",
  })
  savingsPercent!: Decimal;

  @Field(() => Int, { nullable: true, description: "Days the pack's credits last after the purchase; null: they never expire." })
  creditsExpireAfterDays!: number | null;

  @Field(() => PriceSourceEnum, { description: "Whether price and credits are documented or assumed." })
  source!: PriceSource;

  @Field(() => String, { description: "The pricing document the pack comes from." })
  sourceDocument!: string;
}

@ObjectType({ simpleResolvers: true, implements: Node, description: "A recurring plan that grants credits each period." })
export class SubscriptionPlan implements Node {
  @Field(() => ID, { description: 'Id of the form "<provider id>/plans/<slug>", e.g. "creatify/plans/api-pro".' })
  id!: string;

  @Field(() => String, { description: "Display name." })
  name!: string;

  @Field(() => String, { description: "Who the plan is for." })
  description!: string;

  @Field(() => DecimalScalar, { nullable: true, description: "Credits granted each month; null when arranged with sales." })
  monthlyCredits!: Decimal | null;

  @Field(() => Money, { nullable: true, description: "Price per interval; null when arranged with sales." })
  price!: Money | null;

  @Field(() => PlanIntervalEnum, { nullable: true, description: "How often the price is charged; null when arranged with sales." })
  interval!: "MONTH" | "YEAR" | null;

  @Field(() => Boolean, { description: "True when the plan cannot be bought here: contact the provider's sales team." })
  contactSales!: boolean;

  @Field(() => Boolean, { description: "Whether a period's credits expire when the period ends (false: they never expire)." })
  creditsExpireAtPeriodEnd!: boolean;

  @Field(() => CreditExpiry, { nullable: true, description: "Where the expiry rule comes from, when there is one." })
  creditsExpiry!: { source: PriceSource; note: string } | null;

  @Field(() => PriceSourceEnum, { description: "Whether the plan's figures are documented or assumed." })
  source!: PriceSource;

  @Field(() => String, { description: "The pricing document the plan comes from." })
  sourceDocument!: string;
}
