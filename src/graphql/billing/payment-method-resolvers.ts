/** Saved payment methods: the account's list, attach / setup / detach / default, and `node`. */
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import { Account } from "../accounts/types.js";
import type { AccountRecord } from "../../accounts/records.js";
import type { PaymentMethodRow } from "../../store/repositories/index.js";
import { requireAccount, type Context } from "../shared/context.js";
import { mutate } from "../shared/mutation.js";
import {
  PaymentMethod,
  PaymentMethodAttachInput,
  PaymentMethodAttachPayload,
  PaymentMethodDetachPayload,
  PaymentMethodInput,
  PaymentMethodSetDefaultPayload,
  PaymentMethodSetupCreateInput,
  PaymentMethodSetupCreatePayload,
} from "./payment-method-types.js";
import type { PaymentMethodSetupRow } from "../../billing/payment-method-setups.js";

const date = (value: string | null) => (value ? new Date(value) : null);

export function toPaymentMethod(row: PaymentMethodRow) {
  return { __typename: "PaymentMethod" as const, ...row, createdAt: new Date(row.createdAt), detachedAt: date(row.detachedAt) };
}

export function toPaymentMethodSetup(row: PaymentMethodSetupRow) {
  return {
    __typename: "PaymentMethodSetup" as const,
    ...row,
    createdAt: new Date(row.createdAt),
    expiresAt: new Date(row.expiresAt),
    completedAt: date(row.completedAt),
  };
}

@Resolver(() => Account)
export class AccountPaymentMethodResolver {
  @FieldResolver(() => [PaymentMethod], { description: "Saved payment methods, the default first." })
  async paymentMethods(@Root() root: AccountRecord, @Ctx() context: Context) {
    return (await context.services.billing.paymentMethods.list(root.id)).map(toPaymentMethod);
  }
}

@Resolver()
export class PaymentMethodMutationResolver {
  @Mutation(() => PaymentMethodAttachPayload, {
    description:
      "Saves a payment method from a provider token (with Stripe: a pm_… id made by Stripe.js, attached to the account's Stripe Customer). A new default retries past-due subscription payments at once.",
  })
  paymentMethodAttach(@Arg("input", () => PaymentMethodAttachInput) input: PaymentMethodAttachInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    const billing = context.services.billing;
    return mutate({ paymentMethod: null }, async () => {
      const method = await billing.paymentMethods.attach(accountId, input.token, input.makeDefault ?? false);
      if (method.isDefault) await billing.defaultMethodChanged(accountId);
      return { paymentMethod: toPaymentMethod((await billing.paymentMethods.byId(method.id))!) };
    });
  }

  @Mutation(() => PaymentMethodSetupCreatePayload, {
    description:
      "Starts saving a payment method on the provider's page (Stripe Checkout in setup mode, or the sandbox's card page): send the buyer to its url. The method becomes the default once the provider confirms it.",
  })
  paymentMethodSetupCreate(
    @Arg("input", () => PaymentMethodSetupCreateInput, { nullable: true }) input: PaymentMethodSetupCreateInput | null,
    @Ctx() context: Context,
  ) {
    const accountId = requireAccount(context);
    return mutate({ paymentMethodSetup: null }, async () => ({
      paymentMethodSetup: toPaymentMethodSetup(await context.services.billing.setups.create(accountId, input ?? {})),
    }));
  }

  @Mutation(() => PaymentMethodDetachPayload, { description: "Removes a saved payment method." })
  paymentMethodDetach(@Arg("input", () => PaymentMethodInput) input: PaymentMethodInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    return mutate({ paymentMethod: null }, async () => ({
      paymentMethod: toPaymentMethod(await context.services.billing.paymentMethods.detach(accountId, input.paymentMethodId)),
    }));
  }

  @Mutation(() => PaymentMethodSetDefaultPayload, {
    description: "Makes a saved payment method the default; past-due subscription payments are retried with it at once.",
  })
  paymentMethodSetDefault(@Arg("input", () => PaymentMethodInput) input: PaymentMethodInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    const billing = context.services.billing;
    return mutate({ paymentMethod: null }, async () => {
      const method = await billing.paymentMethods.setDefault(accountId, input.paymentMethodId);
      await billing.defaultMethodChanged(accountId);
      return { paymentMethod: toPaymentMethod(method) };
    });
  }
}

export const paymentMethodResolvers = [AccountPaymentMethodResolver, PaymentMethodMutationResolver] as const;
