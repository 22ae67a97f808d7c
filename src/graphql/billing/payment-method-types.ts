/** GraphQL types of saved payment methods and of saving one on the provider's page. */
import { Field, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import { Node } from "../shared/node.js";
import { DateTimeScalar } from "../shared/scalars.js";
import { UserError } from "../shared/user-error.js";

@ObjectType({ simpleResolvers: true, implements: Node, description: "A saved way to pay (a provider token; card numbers never reach this API)." })
export class PaymentMethod implements Node {
  @Field(() => ID, { description: 'Payment method id, e.g. "pmt_…".' })
  id!: string;

  @Field(() => String, { description: 'What to show the buyer, e.g. "visa (sandbox)".' })
  label!: string;

  @Field(() => String, { description: '"sandbox" or "stripe".' })
  provider!: string;

  @Field(() => Boolean, { description: "Whether automatic top-ups charge this method." })
  isDefault!: boolean;

  @Field(() => DateTimeScalar, { description: "When it was attached." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it was detached; null while attached." })
  detachedAt!: Date | null;
}

@InputType({ description: "Save a payment method from the provider's token." })
export class PaymentMethodAttachInput {
  @Field(() => String, { description: 'The provider\'s token: a Stripe "pm_…" id, or a sandbox test token such as "tok_visa". Never a card number.' })
  token!: string;

  @Field(() => Boolean, { nullable: true, description: "Make it the default (the first method always is)." })
  makeDefault?: boolean | null;
}

@InputType({ description: "A saved payment method of the account." })
export class PaymentMethodInput {
  @Field(() => ID, { description: "The payment method." })
  paymentMethodId!: string;
}

@ObjectType({ simpleResolvers: true })
abstract class PaymentMethodPayload {
  @Field(() => PaymentMethod, { nullable: true, description: "The payment method." })
  paymentMethod!: unknown;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: "Result of paymentMethodAttach." })
export class PaymentMethodAttachPayload extends PaymentMethodPayload {}

@ObjectType({ simpleResolvers: true, description: "Result of paymentMethodDetach." })
export class PaymentMethodDetachPayload extends PaymentMethodPayload {}

@ObjectType({ simpleResolvers: true, description: "Result of paymentMethodSetDefault." })
export class PaymentMethodSetDefaultPayload extends PaymentMethodPayload {}

export const PaymentMethodSetupStatusEnum = { OPEN: "OPEN", COMPLETED: "COMPLETED", EXPIRED: "EXPIRED" } as const;
registerEnumType(PaymentMethodSetupStatusEnum, {
  name: "PaymentMethodSetupStatus",
  description: "Where saving a payment method stands.",
  valuesConfig: {
    OPEN: { description: "Waiting for the buyer on the provider's page." },
    COMPLETED: { description: "Saved: the method is the account's default (see paymentMethod)." },
    EXPIRED: { description: "Not finished in time." },
  },
});

@ObjectType({
  simpleResolvers: true,
  implements: Node,
  description:
    "The buyer saving a payment method on the provider's own page (Stripe Checkout in setup mode, with the bank's confirmation when it asks for one; the sandbox's card page), for later charges without the buyer present.",
})
export class PaymentMethodSetup implements Node {
  @Field(() => ID, { description: 'Setup id, e.g. "pms_…".' })
  id!: string;

  @Field(() => String, { nullable: true, description: "Where to send the buyer to save the method." })
  url!: string | null;

  @Field(() => PaymentMethodSetupStatusEnum, { description: "Where the setup stands." })
  status!: string;

  @Field(() => String, { description: '"sandbox" or "stripe".' })
  provider!: string;

  @Field(() => DateTimeScalar, { description: "When the setup opened." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: "When an unfinished setup expires." })
  expiresAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the method was saved." })
  completedAt!: Date | null;
}

@InputType({ description: "Save a payment method on the provider's page." })
export class PaymentMethodSetupCreateInput {
  @Field(() => String, { nullable: true, description: "Where the buyer returns once it is saved (rules as for checkoutSessionCreate's successUrl)." })
  successUrl?: string | null;

  @Field(() => String, { nullable: true, description: "Where the buyer returns after giving up." })
  cancelUrl?: string | null;
}

@ObjectType({ simpleResolvers: true, description: "Result of paymentMethodSetupCreate." })
export class PaymentMethodSetupCreatePayload {
  @Field(() => PaymentMethodSetup, { nullable: true, description: "The open setup: send the buyer to its url." })
  paymentMethodSetup!: unknown;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}
