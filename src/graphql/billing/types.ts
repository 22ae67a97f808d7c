import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { PageInfo } from "../shared/connections.js";
import { Money } from "../shared/money.js";
import { Node } from "../shared/node.js";
import { DateTimeScalar, DecimalScalar } from "../shared/scalars.js";
import { UserError } from "../shared/user-error.js";
import type { Decimal } from "../../pricing/decimal.js";

export const PaymentTypeEnum = { CARD: "CARD", PAYPAL: "PAYPAL" } as const;
registerEnumType(PaymentTypeEnum, {
  name: "PaymentType",
  description: "How the buyer pays at checkout.",
  valuesConfig: {
    CARD: { description: "Card, through Stripe when it is configured (otherwise the sandbox)." },
    PAYPAL: { description: "PayPal; handled by the sandbox provider for now." },
  },
});

export const CheckoutSessionStatusEnum = {
  OPEN: "OPEN",
  COMPLETED: "COMPLETED",
  EXPIRED: "EXPIRED",
  DECLINED: "DECLINED",
  PAID_NOT_CREDITED: "PAID_NOT_CREDITED",
} as const;
registerEnumType(CheckoutSessionStatusEnum, {
  name: "CheckoutSessionStatus",
  description: "Where a checkout stands; every status but OPEN is final.",
  valuesConfig: {
    OPEN: { description: "Waiting for the buyer (or the provider) to pay." },
    COMPLETED: { description: "Paid: the pack's credits were added (a PURCHASE entry)." },
    EXPIRED: { description: "Not paid in time." },
    DECLINED: { description: "The payment was declined or failed." },
    PAID_NOT_CREDITED: {
      description:
        "The provider took the payment but its credits could not be added (see failureReason, e.g. the balance limit); it is kept for an operator to apply or refund (admin: unappliedPayments).",
    },
  },
});

export const CheckoutPurposeEnum = { CHECKOUT: "CHECKOUT", AUTO_TOP_UP: "AUTO_TOP_UP", SUBSCRIPTION: "SUBSCRIPTION" } as const;
registerEnumType(CheckoutPurposeEnum, {
  name: "CheckoutPurpose",
  description: "Why a checkout session exists.",
  valuesConfig: {
    CHECKOUT: { description: "A buyer pays on the provider's checkout page." },
    AUTO_TOP_UP: { description: "An automatic top-up charging the default payment method." },
    SUBSCRIPTION: { description: "A subscription period's payment, charged to the default payment method." },
  },
});

export const SubscriptionStatusEnum = { PENDING: "PENDING", ACTIVE: "ACTIVE", PAST_DUE: "PAST_DUE", UNPAID: "UNPAID", ENDED: "ENDED" } as const;
registerEnumType(SubscriptionStatusEnum, {
  name: "SubscriptionStatus",
  description: "Whether a subscription still grants credits.",
  valuesConfig: {
    PENDING: { description: "Its first payment is being processed; the credits follow the payment." },
    ACTIVE: { description: "Paid: each period is charged at its start and its credits granted once the payment is confirmed." },
    PAST_DUE: {
      description:
        "The current period's payment failed (see lastPaymentError): no credits for it yet. It is retried at nextPaymentAttemptAt, and at once when a new default payment method is attached.",
    },
    UNPAID: {
      description: "Every retry of a period's payment failed: the subscription ended without that period's credits. Subscribe again to restart.",
    },
    ENDED: { description: "Cancelled and past its last period." },
  },
});

export interface CheckoutSessionRecord {
  __typename: "CheckoutSession";
  id: string;
  accountId: string;
  seq: number;
  url: string | null;
  status: keyof typeof CheckoutSessionStatusEnum;
  purpose: keyof typeof CheckoutPurposeEnum;
  paymentType: keyof typeof PaymentTypeEnum;
  packId: string;
  price: Money;
  credits: Decimal;
  transactionId: string | null;
  failureReason: string | null;
  createdAt: Date;
  expiresAt: Date;
  resolvedAt: Date | null;
}

@ObjectType({ simpleResolvers: true, implements: Node, description: "A purchase of a credit pack, paid through a payment provider." })
export class CheckoutSession implements Node {
  @Field(() => ID, { description: 'Session id, e.g. "cs_…".' })
  id!: string;

  @Field(() => String, { nullable: true, description: "Where to send the buyer to pay; null for automatic top-ups." })
  url!: string | null;

  @Field(() => CheckoutSessionStatusEnum, { description: "Where the checkout stands." })
  status!: string;

  @Field(() => CheckoutPurposeEnum, { description: "A buyer's checkout or an automatic top-up." })
  purpose!: string;

  @Field(() => PaymentTypeEnum, { description: "How the buyer pays." })
  paymentType!: string;

  @Field(() => Money, { description: "The price charged, as it was when the session opened." })
  price!: Money;

  @Field(() => DecimalScalar, { description: "Credits added once the payment is confirmed." })
  credits!: Decimal;

  @Field(() => String, { nullable: true, description: "Why the session was declined or expired." })
  failureReason!: string | null;

  @Field(() => DateTimeScalar, { description: "When the session opened." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: "When an unpaid session expires." })
  expiresAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it reached its final status." })
  resolvedAt!: Date | null;
}

@ObjectType({ simpleResolvers: true, description: "A checkout session and its cursor." })
export class CheckoutSessionEdge {
  @Field(() => String, { description: "Pass as `after` to continue after this session." })
  cursor!: string;

  @Field(() => CheckoutSession, { description: "The session." })
  node!: CheckoutSessionRecord;
}

@ObjectType({ simpleResolvers: true, description: "A page of checkout sessions, newest first." })
export class CheckoutSessionConnection {
  @Field(() => [CheckoutSessionEdge], { description: "The sessions with their cursors." })
  edges!: CheckoutSessionEdge[];

  @Field(() => [CheckoutSession], { description: "The sessions alone." })
  nodes!: CheckoutSessionRecord[];

  @Field(() => PageInfo, { description: "Whether more pages follow." })
  pageInfo!: PageInfo;
}

@ObjectType({ simpleResolvers: true, implements: Node, description: "A subscription to a plan that grants credits each month." })
export class PlanSubscription implements Node {
  @Field(() => ID, { description: 'Subscription id, e.g. "sub_…".' })
  id!: string;

  @Field(() => SubscriptionStatusEnum, { description: "Whether it still grants credits." })
  status!: string;

  @Field(() => DecimalScalar, { description: "Credits granted at the start of each period." })
  monthlyCredits!: Decimal;

  @Field(() => DateTimeScalar, { description: "Start of the current period (its credits were granted then)." })
  currentPeriodStart!: Date;

  @Field(() => DateTimeScalar, { description: "End of the current period: the next grant, or the end if cancelled." })
  currentPeriodEnd!: Date;

  @Field(() => Boolean, { description: "True once cancelled: no renewal after the current period." })
  cancelAtPeriodEnd!: boolean;

  @Field(() => DateTimeScalar, { description: "When the subscription started." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it ended." })
  endedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "Why the last period's payment failed; null once a payment succeeds." })
  lastPaymentError!: string | null;

  @Field(() => Int, { description: "Failed payment attempts for the current period; 0 once it is paid." })
  failedPaymentAttempts!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: "When a past-due payment is retried next; null when none is scheduled." })
  nextPaymentAttemptAt!: Date | null;
}

@ObjectType({ simpleResolvers: true, description: "Automatic purchase of a credit pack when available credits run low." })
export class AutoTopUp {
  @Field(() => Boolean, { description: "Whether top-ups happen." })
  enabled!: boolean;

  @Field(() => DecimalScalar, { description: "A reserve or consume that leaves available credits below this buys the pack." })
  thresholdCredits!: Decimal;

  @Field(() => Boolean, { description: "True while a top-up payment is being processed (at most one at a time)." })
  inFlight!: boolean;

  @Field(() => Int, { description: "Failed top-ups in a row; each waits longer before the next try." })
  consecutiveFailures!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: "Earliest next try after a failure." })
  nextAttemptAt!: Date | null;

  @Field(() => String, { nullable: true, description: "Why the last top-up failed." })
  lastError!: string | null;
}

@ObjectType({ simpleResolvers: true, description: "An email sent when available credits fall below a threshold." })
export class CreditAlert {
  @Field(() => ID, { description: "The provider whose wallet it watches." })
  providerId!: string;

  @Field(() => Boolean, { description: "Whether alerts are sent." })
  enabled!: boolean;

  @Field(() => DecimalScalar, { description: "Falling below this sends one alert; rising back to it re-arms." })
  thresholdCredits!: Decimal;

  @Field(() => String, { description: "Where alerts go." })
  email!: string;

  @Field(() => Boolean, { description: "True when the next fall below the threshold will alert." })
  armed!: boolean;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the last alert was queued." })
  lastAlertAt!: Date | null;
}

// -------------------------------------------------------------------------------------------
// Inputs and payloads

@InputType({ description: "Buy a credit pack." })
export class CheckoutSessionCreateInput {
  @Field(() => ID, { description: 'The pack, e.g. "ugen/packs/creator".' })
  packId!: string;

  @Field(() => PaymentTypeEnum, { nullable: true, description: "CARD (default) or PAYPAL." })
  paymentType?: "CARD" | "PAYPAL" | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Where the buyer returns after paying: an http(s) URL on this server or on an origin in CHECKOUT_RETURN_ORIGINS; {CHECKOUT_SESSION_ID} is replaced by the session's id. Default: this server's page showing the outcome.",
  })
  successUrl?: string | null;

  @Field(() => String, { nullable: true, description: "Where the buyer returns after leaving the payment page unpaid (same rules as successUrl)." })
  cancelUrl?: string | null;
}

@InputType({ description: "Subscribe to a plan." })
export class SubscriptionCreateInput {
  @Field(() => ID, { description: 'The plan, e.g. "creatify/plans/api-starter".' })
  planId!: string;
}

@InputType({ description: "Cancel a subscription at the end of its current period." })
export class SubscriptionCancelInput {
  @Field(() => ID, { description: "The subscription." })
  subscriptionId!: string;
}

@InputType({ description: "Turn automatic top-up on or off, or change it." })
export class AutoTopUpUpdateInput {
  @Field(() => Boolean, { description: "On or off." })
  enabled!: boolean;

  @Field(() => DecimalScalar, { nullable: true, description: "Top up when available credits fall below this (needed to turn on)." })
  thresholdCredits?: Decimal | null;

  @Field(() => ID, { nullable: true, description: "The pack to buy (needed to turn on)." })
  packId?: string | null;
}

@InputType({ description: "Turn low-credit email alerts on or off, or change them." })
export class CreditAlertUpdateInput {
  @Field(() => ID, {
    nullable: true,
    description: "Whose wallet it watches (a provider id); may be left out when the account holds one provider's credits only.",
  })
  provider?: string | null;

  @Field(() => Boolean, { description: "On or off." })
  enabled!: boolean;

  @Field(() => DecimalScalar, { nullable: true, description: "Alert when available credits fall below this (needed to turn on)." })
  thresholdCredits?: Decimal | null;

  @Field(() => String, { nullable: true, description: "Where to send alerts (needed to turn on)." })
  email?: string | null;
}

@ObjectType({ simpleResolvers: true, description: "Result of checkoutSessionCreate." })
export class CheckoutSessionCreatePayload {
  @Field(() => CheckoutSession, { nullable: true, description: "The open session: send the buyer to its url." })
  checkoutSession!: CheckoutSessionRecord | null;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true })
abstract class SubscriptionPayload {
  @Field(() => PlanSubscription, { nullable: true, description: "The subscription." })
  subscription!: unknown;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success. CONTACT_SALES for plans arranged with sales." })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: "Result of autoTopUpUpdate." })
export class AutoTopUpUpdatePayload {
  @Field(() => AutoTopUp, { nullable: true, description: "The settings now." })
  autoTopUp!: unknown;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: "Result of creditAlertUpdate." })
export class CreditAlertUpdatePayload {
  @Field(() => CreditAlert, { nullable: true, description: "The settings now." })
  creditAlert!: unknown;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: "Result of subscriptionCreate." })
export class SubscriptionCreatePayload extends SubscriptionPayload {}

@ObjectType({ simpleResolvers: true, description: "Result of subscriptionCancel." })
export class SubscriptionCancelPayload extends SubscriptionPayload {}
