/** Catalog objects as the domain hands them to the GraphQL layer: exact decimals, no storage details. */
import type { Money } from "../pricing/money.js";
import type { Decimal } from "../pricing/decimal.js";
import type { BillingUnit, ParameterType, PriceComponent, PriceSource, RoundingMode } from "../pricing/rules.js";

export interface ProviderRecord {
  __typename: "Provider";
  id: string;
  name: string;
  description: string;
  creditValue: Money | null;
  creditValueSource: PriceSource | null;
  sourceDocument: string;
}

export interface ProductRecord {
  __typename: "Product";
  id: string;
  providerId: string;
  name: string;
  description: string;
  operation: string;
  category: string;
  source: PriceSource;
  minimumCredits: Decimal | null;
  minimumCreditsSource: PriceSource | null;
  rounding: RoundingMode;
  roundingSource: PriceSource | null;
  chargedOnAcceptance: boolean;
  chargeTiming: { source: PriceSource; note: string } | null;
  /** An estimate must name the model; the product has no default model. */
  modelRequired: boolean;
  sourceDocument: string;
}

export interface ParameterRecord {
  productId: string;
  name: string;
  type: ParameterType;
  unit: string | null;
  description: string;
  required: boolean;
  defaultValue: unknown;
  allowedValues: unknown[] | null;
  minimum: Decimal | null;
  maximum: Decimal | null;
  maxItems: number | null;
  minItems: number | null;
  snapsToAllowedValue: boolean;
  boundsSource: PriceSource | null;
  boundsNote: string | null;
  assumedValues: unknown[];
}

export type RateKind = "FLAT" | "BY_PARAMETER" | "VARIANT" | "PERCENT_OF";

export interface RateTierRecord {
  value: string;
  credits: Decimal;
}

export interface PriceComponentRecord {
  productId: string;
  code: string;
  description: string;
  unit: string;
  rateKind: RateKind;
  unitCredits: Decimal | null;
  rateParameter: string | null;
  rateTiers: RateTierRecord[];
  variantModelId: string | null;
  percent: Decimal | null;
  percentOf: string[];
  blockSize: Decimal | null;
  minimumCredits: Decimal | null;
  condition: unknown;
  quantity: unknown;
  source: PriceSource;
  sourceDocument: string;
  note: string | null;
  /** The same component in the rule language, as the pricing engine takes it. */
  rule: PriceComponent;
}

export interface ModelRecord {
  __typename: "Model";
  id: string;
  providerId: string;
  name: string;
  description: string;
  multiplier: Decimal;
  multiplierSource: PriceSource | null;
  source: PriceSource;
  note: string | null;
  sourceDocument: string;
}

export interface VariantRecord {
  __typename: "Variant";
  id: string;
  modelId: string;
  name: string;
  resolution: string | null;
  durationSeconds: number | null;
  billingUnit: BillingUnit;
  credits: Decimal;
  /** credits x the provider's credit value, when that is known. */
  price: Money | null;
  upstreamCost: Money | null;
  source: PriceSource;
  sourceDocument: string;
  note: string | null;
}

export interface CreditPackRecord {
  __typename: "CreditPack";
  id: string;
  providerId: string;
  name: string;
  price: Money;
  credits: Decimal;
  perCreditPrice: Money;
  savingsPercent: Decimal;
  /** Null: the credits never expire. */
  creditsExpireAfterDays: number | null;
  source: PriceSource;
  sourceDocument: string;
}

export interface SubscriptionPlanRecord {
  __typename: "SubscriptionPlan";
  id: string;
  providerId: string;
  name: string;
  description: string;
  monthlyCredits: Decimal | null;
  price: Money | null;
  interval: "MONTH" | "YEAR" | null;
  contactSales: boolean;
  /** Whether a period's credits expire when the period ends, and whether the vendor says so. */
  creditsExpireAtPeriodEnd: boolean;
  creditsExpiry: { source: PriceSource; note: string } | null;
  source: PriceSource;
  sourceDocument: string;
}

export interface ProductModelRecord {
  productId: string;
  model: ModelRecord;
  isDefault: boolean;
}
