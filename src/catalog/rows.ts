/** Catalog rows as records: micros to exact decimals, prices to Money, derived figures computed once. */
import { money } from "../pricing/money.js";
import { Decimal, fromMicros } from "../pricing/decimal.js";
import type { Condition, PriceComponent, QuantityExpression } from "../pricing/rules.js";
import type * as t from "../store/catalog/schema.js";
import type {
  CreditPackRecord,
  ModelRecord,
  ParameterRecord,
  PriceComponentRecord,
  ProductRecord,
  ProviderRecord,
  SubscriptionPlanRecord,
  VariantRecord,
} from "./records.js";

const optionalDecimal = (micros: number | null) => (micros === null ? null : fromMicros(micros));

/** Money amounts derived by division (price per credit) are shown to a millionth of the currency unit. */
const DERIVED_MONEY_PLACES = 6;
const PERCENT_PLACES = 2;

export function toProvider(row: typeof t.providers.$inferSelect): ProviderRecord {
  return {
    __typename: "Provider",
    id: row.id,
    name: row.name,
    description: row.description,
    creditValue: row.creditValueMicros === null ? null : money(fromMicros(row.creditValueMicros), row.creditValueCurrency!),
    creditValueSource: row.creditValueSource,
    sourceDocument: row.sourceDocument,
  };
}

export function toProduct(row: typeof t.products.$inferSelect): ProductRecord {
  return {
    __typename: "Product",
    id: row.id,
    providerId: row.providerId,
    name: row.name,
    description: row.description,
    operation: row.operation,
    category: row.category,
    source: row.source,
    minimumCredits: optionalDecimal(row.minimumCreditsMicros),
    minimumCreditsSource: row.minimumCreditsSource,
    rounding: row.rounding,
    roundingSource: row.roundingSource,
    chargedOnAcceptance: row.chargedOnAcceptance,
    chargeTiming: row.chargeTimingSource === null ? null : { source: row.chargeTimingSource, note: row.chargeTimingNote ?? "" },
    modelRequired: row.modelRequired,
    sourceDocument: row.sourceDocument,
  };
}

export function toParameter(row: typeof t.productParameters.$inferSelect): ParameterRecord {
  return {
    productId: row.productId,
    name: row.name,
    type: row.type,
    unit: row.unit,
    description: row.description,
    required: row.required,
    defaultValue: row.defaultValue,
    allowedValues: (row.allowedValues as unknown[] | null) ?? null,
    minimum: row.minimum === null ? null : new Decimal(row.minimum),
    maximum: row.maximum === null ? null : new Decimal(row.maximum),
    maxItems: row.maxItems,
    minItems: row.minItems,
    snapsToAllowedValue: row.normalize === "NEAREST",
    boundsSource: row.boundsSource,
    boundsNote: row.boundsNote,
    assumedValues: (row.assumedValues as unknown[] | null) ?? [],
  };
}

export function toPriceComponent(row: typeof t.priceRules.$inferSelect): PriceComponentRecord {
  const rateTable = (row.rateTableMicros as Record<string, number> | null) ?? {};
  const rateTiers = Object.entries(rateTable).map(([value, micros]) => ({ value, credits: fromMicros(micros) }));
  const rate: PriceComponent["rate"] =
    row.rateKind === "FLAT"
      ? { credits: fromMicros(row.rateMicros!).toFixed() }
      : row.rateKind === "PERCENT_OF"
        ? { percentOf: row.percentOf as string[], percent: fromMicros(row.rateMicros!).toFixed() }
        : row.rateKind === "BY_PARAMETER"
          ? {
              byParameter: row.rateParameter!,
              credits: Object.fromEntries(rateTiers.map((tier) => [tier.value, tier.credits.toFixed()])),
            }
          : {
              variant: {
                ...(row.variantModelId ? { model: row.variantModelId } : {}),
                match: row.variantMatch as Record<"name" | "resolution" | "durationSeconds", string>,
              },
            };
  const blockSize = optionalDecimal(row.blockSizeMicros);
  const minimumCredits = optionalDecimal(row.minimumCreditsMicros);
  const rule: PriceComponent = {
    code: row.code,
    description: row.description,
    unit: row.unit,
    quantity: row.quantity as QuantityExpression,
    rate,
    source: row.source,
    ...(row.condition ? { when: row.condition as Condition } : {}),
    ...(row.perSecondQuantity ? { perSecondQuantity: row.perSecondQuantity as QuantityExpression } : {}),
    ...(blockSize ? { block: { size: blockSize.toFixed(), rounding: row.blockRounding! } } : {}),
    ...(minimumCredits ? { minimumCredits: minimumCredits.toFixed() } : {}),
    ...(row.note ? { note: row.note } : {}),
  };
  return {
    productId: row.productId,
    code: row.code,
    description: row.description,
    unit: row.unit,
    rateKind: row.rateKind,
    unitCredits: row.rateKind === "FLAT" ? fromMicros(row.rateMicros!) : null,
    rateParameter: row.rateParameter,
    rateTiers,
    variantModelId: row.variantModelId,
    percent: row.rateKind === "PERCENT_OF" ? fromMicros(row.rateMicros!) : null,
    percentOf: (row.percentOf as string[] | null) ?? [],
    blockSize,
    minimumCredits,
    condition: row.condition,
    quantity: row.quantity,
    source: row.source,
    sourceDocument: row.sourceDocument,
    note: row.note,
    rule,
  };
}

export function toModel(row: typeof t.models.$inferSelect): ModelRecord {
  return {
    __typename: "Model",
    id: row.id,
    providerId: row.providerId,
    name: row.name,
    description: row.description,
    multiplier: fromMicros(row.multiplierMicros),
    multiplierSource: row.multiplierSource,
    source: row.source,
    note: row.note,
    sourceDocument: row.sourceDocument,
  };
}

export function toVariant(row: typeof t.modelVariants.$inferSelect, creditValueMicros: number | null, currency: string | null): VariantRecord {
  const credits = fromMicros(row.creditsMicros);
  return {
    __typename: "Variant",
    id: row.id,
    modelId: row.modelId,
    name: row.name,
    resolution: row.resolution,
    durationSeconds: row.durationSeconds,
    billingUnit: row.billingUnit,
    credits,
    price: creditValueMicros === null ? null : money(credits.mul(fromMicros(creditValueMicros)), currency!),
    upstreamCost: row.upstreamCostMicros === null ? null : money(fromMicros(row.upstreamCostMicros), "USD"),
    source: row.source,
    sourceDocument: row.sourceDocument,
    note: row.note,
  };
}

/**
 * Packs of one provider with their price per credit and their saving against the provider's
 * smallest pack (fewest credits), which is the reference rate.
 */
export function toCreditPacks(rows: Array<typeof t.creditPacks.$inferSelect>): CreditPackRecord[] {
  if (rows.length === 0) return [];
  const perCredit = (row: typeof t.creditPacks.$inferSelect) => fromMicros(row.priceMicros).div(fromMicros(row.creditsMicros));
  const smallest = rows.reduce((a, b) => (b.creditsMicros < a.creditsMicros ? b : a));
  const reference = perCredit(smallest);
  return rows.map((row) => {
    const rate = perCredit(row);
    const savings = reference.isZero() ? new Decimal(0) : new Decimal(1).minus(rate.div(reference)).mul(100);
    return {
      __typename: "CreditPack",
      id: row.id,
      providerId: row.providerId,
      name: row.name,
      price: money(fromMicros(row.priceMicros), row.currency),
      credits: fromMicros(row.creditsMicros),
      perCreditPrice: money(rate.toDecimalPlaces(DERIVED_MONEY_PLACES), row.currency),
      savingsPercent: savings.toDecimalPlaces(PERCENT_PLACES),
      creditsExpireAfterDays: row.creditsExpireAfterDays,
      source: row.source,
      sourceDocument: row.sourceDocument,
    };
  });
}

export function toSubscriptionPlan(row: typeof t.subscriptionPlans.$inferSelect): SubscriptionPlanRecord {
  return {
    __typename: "SubscriptionPlan",
    id: row.id,
    providerId: row.providerId,
    name: row.name,
    description: row.description,
    monthlyCredits: optionalDecimal(row.monthlyCreditsMicros),
    price: row.priceMicros === null ? null : money(fromMicros(row.priceMicros), row.currency!),
    interval: row.interval,
    contactSales: row.contactSales,
    creditsExpireAtPeriodEnd: row.creditsExpireAtPeriodEnd,
    creditsExpiry: row.creditsExpirySource === null ? null : { source: row.creditsExpirySource, note: row.creditsExpiryNote ?? "" },
    source: row.source,
    sourceDocument: row.sourceDocument,
  };
}
