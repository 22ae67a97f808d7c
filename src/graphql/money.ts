import { Field, ObjectType } from "type-graphql";
import type { Decimal } from "../pricing/decimal.js";
import { DecimalScalar } from "./scalars.js";

@ObjectType({ simpleResolvers: true, description: "An amount of money in a currency." })
export class Money {
  @Field(() => DecimalScalar, { description: 'The exact amount, e.g. "45" or "0.045".' })
  amount!: Decimal;

  @Field(() => String, { description: 'ISO 4217 currency code, e.g. "USD".' })
  currency!: string;
}

export function money(amount: Decimal, currency: string): Money {
  return { amount, currency };
}
