/** The catalog's GraphQL enums. */
import { registerEnumType } from "type-graphql";

export const PriceSourceEnum = { DOCUMENTED: "DOCUMENTED", ASSUMED: "ASSUMED" } as const;
registerEnumType(PriceSourceEnum, {
  name: "PriceSource",
  description: "Where a price comes from.",
  valuesConfig: {
    DOCUMENTED: { description: "Stated by the provider's pricing page, or follows from its worked examples." },
    ASSUMED: {
      description:
        "Filled in by us because the page gives only a range, points elsewhere, or leaves the number out. Do not present it as the provider's price.",
    },
  },
});

export const ParameterTypeEnum = {
  INTEGER: "INTEGER",
  DECIMAL: "DECIMAL",
  BOOLEAN: "BOOLEAN",
  STRING: "STRING",
  DECIMAL_LIST: "DECIMAL_LIST",
  STRING_LIST: "STRING_LIST",
} as const;
registerEnumType(ParameterTypeEnum, {
  name: "ParameterType",
  description: "The JSON type a parameter's value must have.",
  valuesConfig: {
    INTEGER: { description: "A whole number, e.g. 3." },
    DECIMAL: { description: 'A number, e.g. 90 or 12.5 (a string such as "12.5" is accepted too).' },
    BOOLEAN: { description: "true or false." },
    STRING: { description: "A string, usually one of allowedValues." },
    DECIMAL_LIST: { description: "A list of numbers, e.g. [30, 45.5]." },
    STRING_LIST: { description: 'A list of strings, e.g. ["https://…/a.png"].' },
  },
});

export const BillingUnitEnum = { PER_GENERATION: "PER_GENERATION", PER_SECOND: "PER_SECOND", PER_IMAGE: "PER_IMAGE" } as const;
registerEnumType(BillingUnitEnum, {
  name: "BillingUnit",
  description: "What a variant's credits are charged for.",
  valuesConfig: {
    PER_GENERATION: { description: "A flat number of credits per generated output." },
    PER_SECOND: { description: "Credits per second of generated output (credits x duration)." },
    PER_IMAGE: { description: "Credits per image of the request (credits x image count), e.g. Hoox reve-fast." },
  },
});

export const RoundingModeEnum = { NONE: "NONE", UP: "UP" } as const;
registerEnumType(RoundingModeEnum, {
  name: "RoundingMode",
  description: "How a product's cost is rounded before it is charged.",
  valuesConfig: {
    NONE: { description: "Exact, fractional credits are kept (e.g. 0.25)." },
    UP: { description: "Rounded up to the next whole credit." },
  },
});

export const PlanIntervalEnum = { MONTH: "MONTH", YEAR: "YEAR" } as const;
registerEnumType(PlanIntervalEnum, { name: "PlanInterval", description: "How often a subscription renews." });

export const RateKindEnum = {
  FLAT: "FLAT",
  BY_PARAMETER: "BY_PARAMETER",
  VARIANT: "VARIANT",
  PERCENT_OF: "PERCENT_OF",
} as const;
registerEnumType(RateKindEnum, {
  name: "RateKind",
  description: "How a price component finds its credits per unit.",
  valuesConfig: {
    FLAT: { description: "A fixed number of credits per unit (unitCredits)." },
    BY_PARAMETER: { description: "Credits per unit picked by a parameter's value (rateTiers)." },
    VARIANT: { description: "The credits of the model variant the request selects." },
    PERCENT_OF: { description: "A percentage of other components' credits per unit (percent, percentOf)." },
  },
});
