import { Field, ObjectType, registerEnumType } from "type-graphql";
import { DomainErrorCode } from "../../errors.js";

/** The codes a mutation's userErrors can carry: every code of the domain's one error type. */
export const UserErrorCode = DomainErrorCode;
export type UserErrorCode = DomainErrorCode;

registerEnumType(UserErrorCode, {
  name: "UserErrorCode",
  description: "Why a mutation refused: stable codes to branch on.",
  valuesConfig: {
    UNAUTHENTICATED: { description: "No valid API key was sent." },
    FORBIDDEN: { description: "The key may not do this (an account key on an admin mutation)." },
    NOT_FOUND: { description: "Nothing with that id, or it belongs to another account." },
    BAD_USER_INPUT: { description: "An input is invalid; `field` names it." },
    INSUFFICIENT_CREDITS: { description: "The account's available credits do not cover the job." },
    IDEMPOTENCY_KEY_REUSED: { description: "The idempotency key was already used for a different request." },
    JOB_ALREADY_RESOLVED: { description: "The job was already completed, failed, cancelled or expired." },
    CONTACT_SALES: { description: "The plan is arranged with the provider's sales team, not bought here." },
    PAYMENT_DECLINED: { description: "The payment method was declined; nothing was charged." },
    PAYMENT_PROVIDER_ERROR: { description: "The payment provider refused or failed the request; nothing was charged." },
    PAYMENT_PROVIDER_UNAVAILABLE: {
      description: "The account's mode has no provider for this payment: a LIVE account pays only through a real provider (none configured, or PayPal), a TEST account only through the sandbox.",
    },
  },
});

@ObjectType({ simpleResolvers: true, description: "Why a mutation did not do what was asked; nothing was changed." })
export class UserError {
  @Field(() => [String], {
    nullable: true,
    description: 'Path of the input at fault, from the argument: ["input", "credits"], ["input", "estimate", "parameters", "durationSeconds"]; null when no single input is.',
  })
  field!: string[] | null;

  @Field(() => UserErrorCode, { description: "Stable code to branch on." })
  code!: UserErrorCode;

  @Field(() => String, { description: "What went wrong, for people." })
  message!: string;
}
