/** GraphQL types of payments that were taken but could not be credited (admin). */
import { Field, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import { PageInfo } from "../shared/connections.js";
import { Money } from "../shared/money.js";
import { Node } from "../shared/node.js";
import { DateTimeScalar, DecimalScalar } from "../shared/scalars.js";
import { UserError } from "../shared/user-error.js";
import type { Decimal } from "../../pricing/decimal.js";

export const UnappliedPaymentResolutionEnum = { APPLIED: "APPLIED", DISMISSED: "DISMISSED" } as const;
registerEnumType(UnappliedPaymentResolutionEnum, {
  name: "UnappliedPaymentResolution",
  description: "How an operator resolved a payment that could not be credited.",
  valuesConfig: {
    APPLIED: { description: "Its credits were added later." },
    DISMISSED: { description: "Closed without credits, e.g. after refunding the buyer at the provider." },
  },
});

export const UnappliedPaymentActionEnum = { APPLY: "APPLY", DISMISS: "DISMISS" } as const;
registerEnumType(UnappliedPaymentActionEnum, {
  name: "UnappliedPaymentAction",
  description: "What to do with a payment that could not be credited.",
  valuesConfig: {
    APPLY: { description: "Add its credits now (fails again if they still do not fit)." },
    DISMISS: { description: "Close it without credits (refund the buyer at the provider first)." },
  },
});

export interface UnappliedPaymentRecord {
  __typename: "UnappliedPayment";
  id: string;
  seq: number;
  accountId: string;
  checkoutSessionId: string;
  provider: string;
  amount: Money;
  credits: Decimal;
  reason: string;
  createdAt: Date;
  resolution: string | null;
  resolvedAt: Date | null;
  note: string | null;
}

@ObjectType({
  simpleResolvers: true,
  implements: Node,
  description: "A payment the provider confirmed whose credits could not be added (e.g. the balance limit), kept for an operator.",
})
export class UnappliedPayment implements Node {
  @Field(() => ID, { description: 'Id, e.g. "upa_…".' })
  id!: string;

  @Field(() => String, { description: '"sandbox" or "stripe".' })
  provider!: string;

  @Field(() => Money, { description: "What the buyer paid." })
  amount!: Money;

  @Field(() => DecimalScalar, { description: "The credits the payment was for." })
  credits!: Decimal;

  @Field(() => String, { description: "Why the credits could not be added." })
  reason!: string;

  @Field(() => DateTimeScalar, { description: "When the payment was confirmed." })
  createdAt!: Date;

  @Field(() => UnappliedPaymentResolutionEnum, { nullable: true, description: "How it was resolved; null while open." })
  resolution!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it was resolved." })
  resolvedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "The operator's note." })
  note!: string | null;
}

@ObjectType({ simpleResolvers: true, description: "An unapplied payment and its cursor." })
export class UnappliedPaymentEdge {
  @Field(() => String, { description: "Pass as `after` to continue after this payment." })
  cursor!: string;

  @Field(() => UnappliedPayment, { description: "The payment." })
  node!: UnappliedPaymentRecord;
}

@ObjectType({ simpleResolvers: true, description: "A page of unapplied payments, newest first." })
export class UnappliedPaymentConnection {
  @Field(() => [UnappliedPaymentEdge], { description: "The payments with their cursors." })
  edges!: UnappliedPaymentEdge[];

  @Field(() => [UnappliedPayment], { description: "The payments alone." })
  nodes!: UnappliedPaymentRecord[];

  @Field(() => PageInfo, { description: "Whether more pages follow." })
  pageInfo!: PageInfo;
}

@InputType({ description: "Resolve a payment that could not be credited." })
export class UnappliedPaymentResolveInput {
  @Field(() => ID, { description: "The unapplied payment." })
  unappliedPaymentId!: string;

  @Field(() => UnappliedPaymentActionEnum, { description: "Apply its credits now, or dismiss it." })
  action!: "APPLY" | "DISMISS";

  @Field(() => String, { nullable: true, description: "Why, for the record (up to 500 characters)." })
  note?: string | null;
}

@ObjectType({ simpleResolvers: true, description: "Result of unappliedPaymentResolve." })
export class UnappliedPaymentResolvePayload {
  @Field(() => UnappliedPayment, { nullable: true, description: "The payment, resolved." })
  unappliedPayment!: UnappliedPaymentRecord | null;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}
