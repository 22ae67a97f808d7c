import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from "type-graphql";
import { walletProvider } from "../../accounts/wallet-choice.js";
import { Account, Transaction } from "../accounts/types.js";
import type { AccountRecord } from "../../accounts/records.js";
import { CreditPack, SubscriptionPlan } from "../catalog/types.js";
import type { AutoTopUpRow, CreditAlertRow, SubscriptionRow } from "../../store/repositories/index.js";
import { connection, decodeCursor, pageSize } from "../shared/connections.js";
import { canSee, requireAccount, type Context } from "../shared/context.js";
import { mutate } from "../shared/mutation.js";
import { fromMicros } from "../../pricing/decimal.js";
import type { CheckoutSessionRow } from "../../billing/checkout.js";
import { toCheckoutSession } from "./checkout-record.js";
import { paymentMethodResolvers, toPaymentMethod, toPaymentMethodSetup } from "./payment-method-resolvers.js";
import { toUnappliedPayment, unappliedPaymentResolvers } from "./unapplied-resolvers.js";
import { badInput } from "../../errors.js";
import {
  AutoTopUp,
  AutoTopUpUpdateInput,
  AutoTopUpUpdatePayload,
  CheckoutSession,
  CheckoutSessionConnection,
  CheckoutSessionCreateInput,
  CheckoutSessionCreatePayload,
  CheckoutSessionStatusEnum,
  CreditAlert,
  CreditAlertUpdateInput,
  CreditAlertUpdatePayload,
  PlanSubscription,
  SubscriptionCancelInput,
  SubscriptionCancelPayload,
  SubscriptionCreateInput,
  SubscriptionCreatePayload,
  type CheckoutSessionRecord,
} from "./types.js";

const date = (value: string | null) => (value ? new Date(value) : null);

export function toSubscription(row: SubscriptionRow) {
  return {
    __typename: "PlanSubscription" as const,
    ...row,
    monthlyCredits: fromMicros(row.monthlyCreditsMicros),
    currentPeriodStart: new Date(row.currentPeriodStart),
    currentPeriodEnd: new Date(row.currentPeriodEnd),
    createdAt: new Date(row.createdAt),
    endedAt: date(row.endedAt),
    nextPaymentAttemptAt: date(row.nextPaymentAttemptAt),
  };
}

function toAutoTopUp(row: AutoTopUpRow | undefined) {
  if (!row) return null;
  return {
    ...row,
    thresholdCredits: fromMicros(row.thresholdMicros),
    inFlight: row.inFlightSessionId !== null,
    nextAttemptAt: date(row.nextAttemptAt),
  };
}

function toCreditAlert(row: CreditAlertRow | undefined) {
  if (!row) return null;
  return { ...row, thresholdCredits: fromMicros(row.thresholdMicros), lastAlertAt: date(row.lastAlertAt) };
}

@Resolver(() => Account)
export class AccountBillingResolver {
  @FieldResolver(() => CheckoutSessionConnection, {
    nullable: true,
    description:
      "Payments for credits: pack purchases, auto top-ups and subscription periods, newest first. Null, with an error at this field alone, when an argument is invalid (a cursor not from this server, first out of range).",
  })
  async checkoutSessions(
    @Root() root: AccountRecord,
    @Ctx() context: Context,
    @Arg("first", () => Int, { nullable: true, description: "Page size, 0 to 100 (default 20)." }) first: number | null,
    @Arg("after", () => String, { nullable: true, description: "endCursor of the previous page." }) after: string | null,
    @Arg("status", () => CheckoutSessionStatusEnum, { nullable: true, description: "Only sessions in this status." })
    status: CheckoutSessionRow["status"] | null,
  ) {
    const size = pageSize(first);
    const page = await context.services.billing.checkout.page(root.id, { first: size, afterSeq: decodeCursor("cs", after), status });
    return connection("cs", page.items.map(toCheckoutSession), page.hasNextPage, (session) => session.seq);
  }

  @FieldResolver(() => [PlanSubscription], { description: "Subscriptions, oldest first." })
  async subscriptions(@Root() root: AccountRecord, @Ctx() context: Context) {
    return (await context.services.billing.subscriptions.ofAccount(root.id)).map(toSubscription);
  }

  @FieldResolver(() => AutoTopUp, { nullable: true, description: "Automatic top-up settings; null until first set." })
  async autoTopUp(@Root() root: AccountRecord, @Ctx() context: Context) {
    return toAutoTopUp(await context.services.billing.topUps.get(root.id));
  }

  @FieldResolver(() => CreditAlert, { nullable: true, description: "Low-credit alert settings of one wallet; null until first set." })
  async creditAlert(
    @Root() root: AccountRecord,
    @Ctx() context: Context,
    @Arg("provider", () => ID, { nullable: true, description: "Whose wallet; may be left out when the account holds one provider's credits only." })
    provider: string | null,
  ) {
    const providerId = provider ?? (await context.services.billing.alerts.ofAccount(root.id))[0]?.providerId;
    if (provider == null && (await context.loaders.accounts.wallets.load(root.id)).length > 1) {
      throw badInput("The account holds credits of several providers: name one with the provider argument, or read creditAlerts", ["provider"]);
    }
    return providerId ? toCreditAlert(await context.services.billing.alerts.get(root.id, providerId)) : null;
  }

  @FieldResolver(() => [CreditAlert], { description: "Low-credit alert settings, one per wallet that has them." })
  async creditAlerts(@Root() root: AccountRecord, @Ctx() context: Context) {
    return (await context.services.billing.alerts.ofAccount(root.id)).map((row) => toCreditAlert(row)!);
  }
}

@Resolver(() => CheckoutSession)
export class CheckoutSessionResolver {
  @FieldResolver(() => CreditPack, { nullable: true, description: "The pack bought (as it is in the catalog now)." })
  pack(@Root() root: CheckoutSessionRecord, @Ctx() context: Context) {
    return context.loaders.catalog.creditPack.load(root.packId);
  }

  @FieldResolver(() => Transaction, { nullable: true, description: "The PURCHASE entry, once paid." })
  transaction(@Root() root: CheckoutSessionRecord, @Ctx() context: Context) {
    return root.transactionId ? context.loaders.accounts.transaction.load(root.transactionId) : null;
  }
}

@Resolver(() => PlanSubscription)
export class PlanSubscriptionResolver {
  @FieldResolver(() => SubscriptionPlan, { nullable: true, description: "The plan subscribed to." })
  plan(@Root() root: { planId: string }, @Ctx() context: Context) {
    return context.loaders.catalog.subscriptionPlan.load(root.planId);
  }
}

@Resolver(() => AutoTopUp)
export class AutoTopUpResolver {
  @FieldResolver(() => CreditPack, { nullable: true, description: "The pack each top-up buys." })
  pack(@Root() root: { packId: string }, @Ctx() context: Context) {
    return root.packId ? context.loaders.catalog.creditPack.load(root.packId) : null;
  }
}

@Resolver()
export class BillingMutationResolver {
  @Mutation(() => CheckoutSessionCreatePayload, {
    description: "Starts buying a credit pack: send the buyer to the session's url. Credits are added when the provider confirms the payment.",
  })
  checkoutSessionCreate(@Arg("input", () => CheckoutSessionCreateInput) input: CheckoutSessionCreateInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    return mutate({ checkoutSession: null }, async () => {
      const session = await context.services.billing.checkout.create({
        accountId,
        packId: input.packId,
        paymentType: input.paymentType ?? "CARD",
        successUrl: input.successUrl,
        cancelUrl: input.cancelUrl,
      });
      return { checkoutSession: toCheckoutSession(session) };
    });
  }

  @Mutation(() => SubscriptionCreatePayload, {
    description:
      "Subscribes to a plan: each period is charged to the default payment method at its start, and its credits are granted once the payment is confirmed. CONTACT_SALES for plans without a price.",
  })
  subscriptionCreate(@Arg("input", () => SubscriptionCreateInput) input: SubscriptionCreateInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    return mutate({ subscription: null }, async () => ({
      subscription: toSubscription(await context.services.billing.subscriptions.create(accountId, input.planId)),
    }));
  }

  @Mutation(() => SubscriptionCancelPayload, {
    description:
      "Cancels a subscription at the end of its current period (a past-due one at once). BAD_USER_INPUT when it has already ended (ENDED or UNPAID).",
  })
  subscriptionCancel(@Arg("input", () => SubscriptionCancelInput) input: SubscriptionCancelInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    return mutate({ subscription: null }, async () => ({
      subscription: toSubscription(await context.services.billing.subscriptions.cancel(accountId, input.subscriptionId)),
    }));
  }

  @Mutation(() => AutoTopUpUpdatePayload, {
    description:
      "Sets automatic top-up: when a reserve or consume leaves available credits below the threshold, the pack is bought with the default payment method.",
  })
  autoTopUpUpdate(@Arg("input", () => AutoTopUpUpdateInput) input: AutoTopUpUpdateInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    return mutate({ autoTopUp: null }, async () => {
      const settings = await context.services.billing.topUps.update(accountId, input);
      // Already below the threshold: top up now rather than at the next job.
      if (settings?.enabled) await context.services.billing.topUps.check(accountId);
      return { autoTopUp: toAutoTopUp(await context.services.billing.topUps.get(accountId)) };
    });
  }

  @Mutation(() => CreditAlertUpdatePayload, { description: "Sets the low-credit email alert: one email per fall below the threshold." })
  creditAlertUpdate(@Arg("input", () => CreditAlertUpdateInput) input: CreditAlertUpdateInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    return mutate({ creditAlert: null }, async () => {
      const providerId = await walletProvider(context.services.store.reads, context.services.knownProvider, accountId, input.provider, ["provider"]);
      return { creditAlert: toCreditAlert(await context.services.billing.alerts.update(accountId, providerId, input)) };
    });
  }
}

/** Billing objects `node` can fetch, visible only to their owner and the admin. */
export async function resolveBillingNode(context: Context, id: string): Promise<unknown> {
  const billing = context.services.billing;
  const found = id.startsWith("cs_")
    ? mapped(await billing.checkout.session(id), toCheckoutSession)
    : id.startsWith("sub_")
      ? mapped(await billing.subscriptions.get(id), toSubscription)
      : id.startsWith("pmt_")
        ? mapped(await billing.paymentMethods.byId(id), toPaymentMethod)
        : id.startsWith("pms_")
          ? mapped(await billing.setups.get(id), toPaymentMethodSetup)
          : id.startsWith("upa_")
            ? mapped(await billing.unappliedPayments.get(id), toUnappliedPayment)
            : undefined;
  if (found === undefined) return undefined;
  return found && canSee(context, found.accountId) ? found : null;
}

const mapped = <R, T>(row: R | undefined, map: (row: R) => T): T | null => (row ? map(row) : null);

export const billingResolvers = [
  ...paymentMethodResolvers,
  ...unappliedPaymentResolvers,
  AccountBillingResolver,
  CheckoutSessionResolver,
  PlanSubscriptionResolver,
  AutoTopUpResolver,
  BillingMutationResolver,
] as const;
