/** Payments taken but not credited: the admin's list and resolution. */
import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Account } from "../accounts/types.js";
import { connection, decodeCursor, pageSize } from "../shared/connections.js";
import { requireAdmin, type Context } from "../shared/context.js";
import { money } from "../../pricing/money.js";
import { mutate } from "../shared/mutation.js";
import { fromMicros } from "../../pricing/decimal.js";
import { toCheckoutSession } from "./checkout-record.js";
import { CheckoutSession } from "./types.js";
import type { UnappliedPaymentRow } from "../../billing/unapplied-payments.js";
import {
  UnappliedPayment,
  UnappliedPaymentConnection,
  UnappliedPaymentResolveInput,
  UnappliedPaymentResolvePayload,
  type UnappliedPaymentRecord,
} from "./unapplied-types.js";

export function toUnappliedPayment(row: UnappliedPaymentRow): UnappliedPaymentRecord {
  return {
    __typename: "UnappliedPayment",
    id: row.id,
    seq: row.seq,
    accountId: row.accountId,
    checkoutSessionId: row.checkoutSessionId,
    provider: row.provider,
    amount: money(fromMicros(row.amountMicros), row.currency),
    credits: fromMicros(row.creditsMicros),
    reason: row.reason,
    createdAt: new Date(row.createdAt),
    resolution: row.resolution,
    resolvedAt: row.resolvedAt ? new Date(row.resolvedAt) : null,
    note: row.note,
  };
}

@Resolver(() => UnappliedPayment)
export class UnappliedPaymentResolver {
  @Query(() => UnappliedPaymentConnection, {
    nullable: true,
    description: "Payments the provider confirmed whose credits could not be added, newest first (admin key only).",
  })
  async unappliedPayments(
    @Ctx() context: Context,
    @Arg("first", () => Int, { nullable: true, description: "Page size, 0 to 100 (default 20)." }) first: number | null,
    @Arg("after", () => String, { nullable: true, description: "endCursor of the previous page." }) after: string | null,
    @Arg("open", () => Boolean, { nullable: true, description: "Only those not yet resolved." }) open: boolean | null,
  ) {
    requireAdmin(context);
    const page = await context.services.billing.unappliedPayments.page({ first: pageSize(first), afterSeq: decodeCursor("upa", after), open });
    return connection("upa", page.items.map(toUnappliedPayment), page.hasNextPage, (payment) => payment.seq);
  }

  @FieldResolver(() => Account, { nullable: true, description: "The account that paid." })
  account(@Root() root: UnappliedPaymentRecord, @Ctx() context: Context) {
    return context.loaders.accounts.account.load(root.accountId);
  }

  @FieldResolver(() => CheckoutSession, { nullable: true, description: "The checkout session that was paid." })
  async checkoutSession(@Root() root: UnappliedPaymentRecord, @Ctx() context: Context) {
    const session = await context.services.billing.checkout.session(root.checkoutSessionId);
    return session ? toCheckoutSession(session) : null;
  }

  @Mutation(() => UnappliedPaymentResolvePayload, {
    description: "Applies the credits of a payment that could not be credited, or dismisses it after a refund at the provider (admin key only).",
  })
  unappliedPaymentResolve(@Arg("input", () => UnappliedPaymentResolveInput) input: UnappliedPaymentResolveInput, @Ctx() context: Context) {
    requireAdmin(context);
    return mutate({ unappliedPayment: null }, async () => ({
      unappliedPayment: toUnappliedPayment(
        await context.services.billing.unappliedPayments.resolve(input.unappliedPaymentId, input.action, input.note ?? null),
      ),
    }));
  }
}

export const unappliedPaymentResolvers = [UnappliedPaymentResolver] as const;
