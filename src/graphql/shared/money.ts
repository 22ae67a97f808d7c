import { Field, ObjectType } from "type-graphql";
import type { Decimal } from "../../pricing/decimal.js";
import type { Money as MoneyValue } from "../../pricing/money.js";
import { DecimalScalar } from "./scalars.js";

/** The GraphQL type of the domain's Money (../../pricing/money.ts), which resolvers return as is. */
@ObjectType({ simpleResolvers: true, description: "An amount of money in a currency." })
export class Money implements MoneyValue {
  @Field(() => DecimalScalar, { description: 'The exact amount, e.g. "45" or "0.045".' })
  amount!: Decimal;

  @Field(() => String, { description: 'ISO 4217 currency code, e.g. "USD".' })
  currency!: string;
}
