/** The engine's inputs and outputs: what a product's rules and a request look like to it. */
import { DomainError, DomainErrorCode } from "../errors.js";
import { type Decimal, MICROS_SCALE } from "./decimal.js";
import type { BillingUnit, ParameterType, PriceComponent, PriceSource, RoundingMode } from "./rules.js";

export interface PricingParameter {
  name: string;
  type: ParameterType;
  unit?: string | null;
  required: boolean;
  defaultValue?: unknown;
  allowedValues?: unknown[] | null;
  minimum?: Decimal | null;
  maximum?: Decimal | null;
  maxItems?: number | null;
  minItems?: number | null;
  snapsToAllowedValue: boolean;
}

export interface PricingVariant {
  id: string;
  name: string;
  resolution: string | null;
  durationSeconds: number | null;
  billingUnit: BillingUnit;
  credits: Decimal;
  source: PriceSource;
}

export interface PricingModel {
  id: string;
  name: string;
  multiplier: Decimal;
  multiplierSource: PriceSource | null;
  variants: PricingVariant[];
}

export interface PricingProduct {
  id: string;
  parameters: PricingParameter[];
  components: PriceComponent[];
  minimumCredits: { credits: Decimal; source: PriceSource } | null;
  rounding: { mode: RoundingMode; source: PriceSource } | null;
  /** Models the request may choose among (EstimateInput.modelId); empty when not priced by model. */
  models: PricingModel[];
  defaultModelId: string | null;
  /** The request must name a model (EstimateInput.modelId); no default applies. */
  modelRequired: boolean;
  /** Models that variant rates name explicitly (e.g. the keyframe model of a job). */
  fixedModels: PricingModel[];
}

export interface EstimateRequest {
  modelId?: string | null;
  parameters?: ReadonlyArray<{ name: string; value: unknown }> | null;
  generationCount?: number | null;
}

export interface EstimateLineItem {
  code: string;
  description: string;
  quantity: Decimal;
  unit: string;
  unitCredits: Decimal;
  credits: Decimal;
  source: PriceSource;
}

export interface NormalizedValue {
  name: string;
  requested: unknown;
  applied: unknown;
}

export interface EstimateResult {
  productId: string;
  model: PricingModel | null;
  costPerGeneration: Decimal;
  generationCount: number;
  totalCredits: Decimal;
  /** The part of totalCredits that rests on an assumed number: the ASSUMED lines, x generationCount. */
  assumedCredits: Decimal;
  lineItems: EstimateLineItem[];
  normalized: NormalizedValue[];
}

/** A request the product cannot be priced for; `field` names the input at fault. */
/** A request the engine cannot price: the domain's typed refusal, with the parameter at fault. */
export class PricingInputError extends DomainError {
  declare readonly field: string[];

  constructor(field: string[], message: string) {
    super(DomainErrorCode.BAD_USER_INPUT, message, field);
  }
}

export const PRICING_LIMITS = {
  /** Most variations one estimate multiplies (assumed cap; Hoox names no limit). */
  maxGenerationCount: 100,
  /** Decimal places accepted in a numeric parameter, and kept in any computed credit amount. */
  decimalPlaces: MICROS_SCALE,
  maxStringLength: 2048,
};

/** A parameter's value once coerced to its type. */
export type Value = Decimal | boolean | string | Decimal[] | string[];
