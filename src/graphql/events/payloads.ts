/**
 * Event.payload: one object type per event type, carrying the objects it is about as the API's own
 * types (Job, Wallet, CreditGrant, CheckoutSession, PlanSubscription, Transaction), so a typed
 * client switches on __typename and a normalized cache keeps them current. The objects are read
 * as they are now (a cache must never be fed an old state); what changed is in the payload's own
 * fields, and the state at the event in Event.data.
 */
import { createUnionType, Ctx, Field, FieldResolver, ObjectType, Resolver, Root } from "type-graphql";
import type { JobRecord, TransactionRecord } from "../../accounts/records.js";
import { Job, Transaction, TransactionTypeEnum } from "../accounts/types.js";
import { toWallet, type GrantRecord, type WalletRecord } from "../../accounts/wallet-queries.js";
import { CreditGrant, Wallet } from "../accounts/wallet-types.js";
import { toCheckoutSession } from "../billing/checkout-record.js";
import { toSubscription } from "../billing/resolvers.js";
import { CheckoutSession, PlanSubscription, type CheckoutSessionRecord } from "../billing/types.js";
import type { EventData, EventType } from "../../events/definitions.js";
import { Event } from "./types.js";
import { Decimal } from "../../pricing/decimal.js";
import type { Context } from "../shared/context.js";
import { DateTimeScalar, DecimalScalar } from "../shared/scalars.js";

type SubscriptionRecord = ReturnType<typeof toSubscription>;

@ObjectType({ simpleResolvers: true })
abstract class JobPayload {
  @Field(() => Job, { description: "The job, as it is now." })
  job!: JobRecord;

  @Field(() => Wallet, { description: "The wallet it reserves from, as it is now." })
  wallet!: WalletRecord;
}

@ObjectType({ simpleResolvers: true, description: "job.reserved: a job held its credits." })
export class JobReserved extends JobPayload {}
@ObjectType({ simpleResolvers: true, description: "job.completed: a job consumed its credits and released the rest." })
export class JobCompleted extends JobPayload {}
@ObjectType({ simpleResolvers: true, description: "job.failed: a job's hold was released." })
export class JobFailed extends JobPayload {}
@ObjectType({ simpleResolvers: true, description: "job.cancelled: a job's hold was released." })
export class JobCancelled extends JobPayload {}
@ObjectType({ simpleResolvers: true, description: "job.expired: a job not resolved in time had its hold released." })
export class JobExpired extends JobPayload {}

@ObjectType({ simpleResolvers: true, description: "wallet.credits_added: credits came in (a purchase, a grant, a refund)." })
export class WalletCreditsAdded {
  @Field(() => Wallet, { description: "The wallet, as it is now." })
  wallet!: WalletRecord;

  @Field(() => CreditGrant, { nullable: true, description: "The grant made for them; null for a refund (its credits went back to the grants they came from)." })
  grant!: GrantRecord | null;

  @Field(() => TransactionTypeEnum, { description: "PURCHASE, BONUS, MIGRATION or REFUND." })
  type!: string;

  @Field(() => DecimalScalar, { description: "Credits added." })
  credits!: Decimal;

  @Field(() => Transaction, { description: "The ledger entry." })
  transaction!: TransactionRecord;

  @Field(() => Transaction, { nullable: true, description: "For a REFUND: the CONSUME entry it gives credits back for." })
  refundOf!: TransactionRecord | null;
}

@ObjectType({ simpleResolvers: true, description: "wallet.credits_expired: credits of grants whose time ran out left the wallet." })
export class WalletCreditsExpired {
  @Field(() => Wallet, { description: "The wallet, as it is now." })
  wallet!: WalletRecord;

  @Field(() => DecimalScalar, { description: "Credits that left (negative)." })
  credits!: Decimal;

  @Field(() => [Transaction], { description: "The EXPIRE entries." })
  transactions!: TransactionRecord[];

  @Field(() => [CreditGrant], { description: "The grants they left." })
  grants!: GrantRecord[];
}

@ObjectType({ simpleResolvers: true, description: "wallet.low_balance: available credits fell below a credit alert's threshold." })
export class WalletLowBalance {
  @Field(() => Wallet, { description: "The wallet, as it is now." })
  wallet!: WalletRecord;

  @Field(() => DecimalScalar, { description: "The alert's threshold." })
  thresholdCredits!: Decimal;

  @Field(() => String, { description: "Where the alert's email went." })
  email!: string;
}

@ObjectType({ simpleResolvers: true })
abstract class CheckoutSessionPayload {
  @Field(() => CheckoutSession, { description: "The session, as it is now." })
  checkoutSession!: CheckoutSessionRecord;
}

@ObjectType({ simpleResolvers: true, description: "checkout_session.completed: a payment was confirmed and its credits added." })
export class CheckoutSessionCompleted extends CheckoutSessionPayload {}
@ObjectType({ simpleResolvers: true, description: "checkout_session.expired: a session was not paid in time." })
export class CheckoutSessionExpired extends CheckoutSessionPayload {}
@ObjectType({ simpleResolvers: true, description: "checkout_session.declined: a payment was declined." })
export class CheckoutSessionDeclined extends CheckoutSessionPayload {}

@ObjectType({ simpleResolvers: true, description: "subscription.renewed: a period was paid and its credits granted." })
export class SubscriptionRenewed {
  @Field(() => PlanSubscription, { description: "The subscription, as it is now." })
  subscription!: SubscriptionRecord;

  @Field(() => DateTimeScalar, { description: "The period's start." })
  periodStart!: Date;

  @Field(() => Transaction, { description: "The period's PURCHASE entry." })
  transaction!: TransactionRecord;
}

@ObjectType({
  simpleResolvers: true,
  description: "subscription.payment_failed: a period's payment failed (the subscription is past due, or unpaid after its last retry).",
})
export class SubscriptionPaymentFailed {
  @Field(() => PlanSubscription, { description: "The subscription, as it is now." })
  subscription!: SubscriptionRecord;

  @Field(() => DateTimeScalar, { description: "The period's start." })
  periodStart!: Date;

  @Field(() => String, { description: "Why it failed." })
  reason!: string;
}

@ObjectType({ simpleResolvers: true, description: "subscription.cancelled: renewal stops at the period's end (or, past due, at once)." })
export class SubscriptionCancelled {
  @Field(() => PlanSubscription, { description: "The subscription, as it is now." })
  subscription!: SubscriptionRecord;

  @Field(() => DateTimeScalar, { description: "When it ends." })
  endsAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: "grant.clawed_back: a purchase refunded or disputed at the payment provider took its grant's credits back." })
export class GrantClawedBack {
  @Field(() => Wallet, { description: "The wallet, as it is now." })
  wallet!: WalletRecord;

  // Nullable as WalletCreditsAdded.grant is, so a client may select both in one query (always set here).
  @Field(() => CreditGrant, { nullable: true, description: "The grant (always set for this type)." })
  grant!: GrantRecord | null;

  @Field(() => DecimalScalar, { description: "Credits claimed back (what was spent of them is owed)." })
  claimed!: Decimal;

  @Field(() => String, { description: "Why." })
  reason!: string;

  @Field(() => [Transaction], { description: "The entries it wrote." })
  transactions!: TransactionRecord[];
}

export const EventPayload = createUnionType({
  name: "EventPayload",
  description: "What an event says, one type per event type (Event.type): switch on __typename.",
  types: () =>
    [
      JobReserved,
      JobCompleted,
      JobFailed,
      JobCancelled,
      JobExpired,
      WalletCreditsAdded,
      WalletCreditsExpired,
      WalletLowBalance,
      CheckoutSessionCompleted,
      CheckoutSessionExpired,
      CheckoutSessionDeclined,
      SubscriptionRenewed,
      SubscriptionPaymentFailed,
      SubscriptionCancelled,
      GrantClawedBack,
    ] as const,
});

/** Each event type's payload type name. */
const TYPE_NAMES: { [T in EventType]: string } = {
  "job.reserved": "JobReserved",
  "job.completed": "JobCompleted",
  "job.failed": "JobFailed",
  "job.cancelled": "JobCancelled",
  "job.expired": "JobExpired",
  "wallet.credits_added": "WalletCreditsAdded",
  "wallet.credits_expired": "WalletCreditsExpired",
  "wallet.low_balance": "WalletLowBalance",
  "checkout_session.completed": "CheckoutSessionCompleted",
  "checkout_session.expired": "CheckoutSessionExpired",
  "checkout_session.declined": "CheckoutSessionDeclined",
  "subscription.renewed": "SubscriptionRenewed",
  "subscription.payment_failed": "SubscriptionPaymentFailed",
  "subscription.cancelled": "SubscriptionCancelled",
  "grant.clawed_back": "GrantClawedBack",
};

@Resolver(() => Event)
export class EventPayloadResolver {
  @FieldResolver(() => EventPayload, { description: "What the event says, typed: its objects as they are now, and what changed." })
  payload(@Root() event: Event, @Ctx() context: Context) {
    return payloadOf(event, context);
  }
}

/** The event's payload: its data's objects read through the request's loaders. */
async function payloadOf(event: Event, context: Context): Promise<{ __typename: string } & Record<string, unknown>> {
  const loaders = context.loaders.accounts;
  const { accountId } = event;
  const named = <T>(what: string, id: string, found: T | null | undefined): T => {
    if (found == null) throw new Error(`the ${what} ${id} of event ${event.id} is missing`);
    return found;
  };
  const job = async (id: string) => named("job", id, await loaders.job.load(id));
  const grant = async (id: string) => named("grant", id, await loaders.grant.load(id));
  const transaction = async (id: string) => named("transaction", id, await loaders.transaction.load(id));
  const wallet = async (provider: string) =>
    (await loaders.wallets.load(accountId)).find((w) => w.providerId === provider) ?? toWallet(undefined, accountId, provider);
  const session = async (id: string) => toCheckoutSession(named("checkout session", id, await context.services.billing.checkout.session(id)));
  const subscription = async (id: string) => toSubscription(named("subscription", id, await context.services.billing.subscriptions.get(id)));
  const of = <T extends EventType>() => event.data as EventData<T>;
  const type = event.type as EventType;
  const payload = { __typename: TYPE_NAMES[type] };
  switch (type) {
    case "job.reserved":
    case "job.completed":
    case "job.failed":
    case "job.cancelled":
    case "job.expired": {
      const data = of<typeof type>();
      return { ...payload, job: await job(data.job.id), wallet: await wallet(data.wallet.provider) };
    }
    case "wallet.credits_added": {
      const data = of<typeof type>();
      // Events written before one shape per type: a refund's had no grant, a grant's no refundOf.
      return {
        ...payload,
        wallet: await wallet(data.wallet.provider),
        grant: data.grant ? await grant(data.grant.id) : null,
        type: data.change.type,
        credits: new Decimal(data.change.credits),
        transaction: await transaction(data.change.transactionId),
        refundOf: data.change.refundOf ? await transaction(data.change.refundOf) : null,
      };
    }
    case "wallet.credits_expired": {
      const data = of<typeof type>();
      return {
        ...payload,
        wallet: await wallet(data.wallet.provider),
        credits: new Decimal(data.change.credits),
        transactions: await Promise.all(data.change.transactionIds.map(transaction)),
        grants: await Promise.all(data.change.grantIds.map(grant)),
      };
    }
    case "wallet.low_balance": {
      const data = of<typeof type>();
      return { ...payload, wallet: await wallet(data.wallet.provider), thresholdCredits: new Decimal(data.alert.thresholdCredits), email: data.alert.email };
    }
    case "checkout_session.completed":
    case "checkout_session.expired":
    case "checkout_session.declined":
      return { ...payload, checkoutSession: await session(of<typeof type>().checkoutSession.id) };
    case "subscription.renewed": {
      const data = of<typeof type>();
      return {
        ...payload,
        subscription: await subscription(data.subscription.id),
        periodStart: new Date(data.change.periodStart),
        transaction: await transaction(data.change.transactionId),
      };
    }
    case "subscription.payment_failed": {
      const data = of<typeof type>();
      return { ...payload, subscription: await subscription(data.subscription.id), periodStart: new Date(data.change.periodStart), reason: data.change.reason };
    }
    case "subscription.cancelled": {
      const data = of<typeof type>();
      return { ...payload, subscription: await subscription(data.subscription.id), endsAt: new Date(data.change.endsAt) };
    }
    case "grant.clawed_back": {
      const data = of<typeof type>();
      // Events written before one shape per type named the grants in change.grantIds.
      const grantId = data.grant?.id ?? (data.change as { grantIds?: string[] }).grantIds?.[0] ?? "";
      return {
        ...payload,
        wallet: await wallet(data.wallet.provider),
        grant: grantId ? await grant(grantId) : null,
        claimed: new Decimal(data.change.claimed ?? (data.change as { credits?: string }).credits ?? "0"),
        reason: data.change.reason ?? "credits returned to a grant already clawed back",
        transactions: await Promise.all(data.change.transactionIds.map(transaction)),
      };
    }
    default: {
      const unknown: never = type;
      throw new Error(`no payload for event type ${String(unknown)}`);
    }
  }
}
