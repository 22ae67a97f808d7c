/** GraphQL types of wallets (an account's credits of one provider) and their credit grants. */
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { PageInfo } from "../shared/connections.js";
import { Money } from "../shared/money.js";
import { Node } from "../shared/node.js";
import { DateTimeScalar, DecimalScalar } from "../shared/scalars.js";
import type { Decimal } from "../../pricing/decimal.js";
import type { GrantRecord } from "../../accounts/wallet-queries.js";

export const CreditGrantKindEnum = { PAID: "PAID", PROMOTIONAL: "PROMOTIONAL", SUBSCRIPTION: "SUBSCRIPTION" } as const;
registerEnumType(CreditGrantKindEnum, {
  name: "CreditGrantKind",
  description: "What kind of credits a grant holds.",
  valuesConfig: {
    PAID: { description: "Bought (a credit pack)." },
    PROMOTIONAL: { description: "Given (an operator's grant, sign-up credits); spent before paid credits of the same priority and expiry." },
    SUBSCRIPTION: { description: "A subscription period's credits." },
  },
});

export const CreditGrantStatusEnum = { ACTIVE: "ACTIVE", PENDING: "PENDING", DEPLETED: "DEPLETED", EXPIRED: "EXPIRED", CLAWED_BACK: "CLAWED_BACK" } as const;
registerEnumType(CreditGrantStatusEnum, {
  name: "CreditGrantStatus",
  description: "Where a grant stands.",
  valuesConfig: {
    ACTIVE: { description: "Its remaining credits can be spent." },
    PENDING: { description: "Not effective yet." },
    DEPLETED: { description: "Nothing remains." },
    EXPIRED: { description: "Its expiry passed: what remained expired (credits running jobs held expire when released)." },
    CLAWED_BACK: { description: "Its purchase was refunded or disputed at the payment provider: its credits were taken back." },
  },
});

export const CreditGrantSourceEnum = {
  CHECKOUT: "CHECKOUT",
  SUBSCRIPTION_PERIOD: "SUBSCRIPTION_PERIOD",
  ADMIN: "ADMIN",
  SIGN_UP: "SIGN_UP",
  MIGRATION: "MIGRATION",
} as const;
registerEnumType(CreditGrantSourceEnum, {
  name: "CreditGrantSource",
  description: "What created a grant.",
  valuesConfig: {
    CHECKOUT: { description: "A paid checkout session (a pack bought, or an auto top-up)." },
    SUBSCRIPTION_PERIOD: { description: "A paid subscription period." },
    ADMIN: { description: "An operator's creditsGrant, or a refund of credits consumed before wallets existed." },
    SIGN_UP: { description: "Credits a new account started with." },
    MIGRATION: { description: "Credits held before wallets existed (see the README)." },
  },
});

@ObjectType({ simpleResolvers: true, implements: Node, description: "A block of credits with its own expiry and priority." })
export class CreditGrant implements Node {
  @Field(() => ID, { description: 'Grant id, e.g. "grant_…".' })
  id!: string;

  @Field(() => CreditGrantKindEnum, { description: "Paid, promotional or subscription credits." })
  kind!: string;

  @Field(() => CreditGrantStatusEnum, { description: "Whether its credits can be spent." })
  status!: string;

  @Field(() => CreditGrantSourceEnum, { description: "What created it." })
  source!: string;

  @Field(() => ID, { nullable: true, description: "The checkout session, subscription period (subscription id@period start) or other object that created it." })
  sourceId!: string | null;

  @Field(() => DecimalScalar, { description: "Credits granted." })
  amount!: Decimal;

  @Field(() => DecimalScalar, { description: "Credits still in the wallet's balance, held ones included." })
  remaining!: Decimal;

  @Field(() => DecimalScalar, { description: "Of remaining, what running jobs hold." })
  held!: Decimal;

  @Field(() => DateTimeScalar, { description: "From when its credits can be spent." })
  effectiveAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: "When its unspent credits expire; null: never." })
  expiresAt!: Date | null;

  @Field(() => Int, { description: "Higher is spent first." })
  priority!: number;

  @Field(() => Money, { nullable: true, description: "What one of its credits cost (0 for promotional credits); null when unknown." })
  costBasis!: Money | null;

  @Field(() => DateTimeScalar, { description: "When it was created." })
  createdAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: "A grant and its cursor." })
export class CreditGrantEdge {
  @Field(() => String, { description: "Pass as `after` to continue after this grant." })
  cursor!: string;

  @Field(() => CreditGrant, { description: "The grant." })
  node!: GrantRecord;
}

@ObjectType({ simpleResolvers: true, description: "A page of grants, newest first." })
export class CreditGrantConnection {
  @Field(() => [CreditGrantEdge], { description: "The grants with their cursors." })
  edges!: CreditGrantEdge[];

  @Field(() => [CreditGrant], { description: "The grants alone." })
  nodes!: GrantRecord[];

  @Field(() => PageInfo, { description: "Whether more pages follow." })
  pageInfo!: PageInfo;
}

@ObjectType({ simpleResolvers: true, implements: Node, description: "An account's credits of one provider: each provider's credits are their own currency." })
export class Wallet implements Node {
  @Field(() => ID, {
    description:
      'Wallet id, e.g. "wallet_3f9c…_ugen": the account and the provider; `node(id:)` fetches it (for its own account only), and normalized client caches key on it.',
  })
  id!: string;

  @Field(() => DecimalScalar, { description: "Credits owned (the grants' remaining credits), including those held by running jobs." })
  balance!: Decimal;

  @Field(() => DecimalScalar, { description: "Credits held by running jobs." })
  reserved!: Decimal;

  @Field(() => DecimalScalar, { description: "Credits that can be spent now: balance - reserved." })
  available!: Decimal;

  @Field(() => DecimalScalar, { description: "Credits spent from purchases that were refunded or disputed later; repaid first from the next credits added." })
  owed!: Decimal;
}

@ObjectType({ simpleResolvers: true, description: "How many credits of a grant a ledger entry moved." })
export class TransactionGrant {
  @Field(() => CreditGrant, { description: "The grant." })
  grant!: GrantRecord;

  @Field(() => DecimalScalar, { description: "Credits of it the entry took, held, released or gave back." })
  credits!: Decimal;
}

@ObjectType({ simpleResolvers: true, description: "What an INSUFFICIENT_CREDITS refusal is missing, and the packs that would cover it." })
export class CreditShortfall {
  @Field(() => DecimalScalar, { description: "Credits missing from the wallet." })
  missingCredits!: Decimal;
}
