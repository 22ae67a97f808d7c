import { Field, ObjectType, registerEnumType } from "type-graphql";

/**
 * Every code a mutation's userErrors can carry: the contract's, then the domain's own. The one
 * list of them: a domain refusal (LedgerError) with a code not here is an internal error.
 */
export const UserErrorCode = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  INSUFFICIENT_CREDITS: "INSUFFICIENT_CREDITS",
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  JOB_ALREADY_RESOLVED: "JOB_ALREADY_RESOLVED",
  CONTACT_SALES: "CONTACT_SALES",
  PAYMENT_DECLINED: "PAYMENT_DECLINED",
  PAYMENT_PROVIDER_ERROR: "PAYMENT_PROVIDER_ERROR",
} as const;
export type UserErrorCode = (typeof UserErrorCode)[keyof typeof UserErrorCode];

export function isUserErrorCode(code: string): code is UserErrorCode {
  return Object.hasOwn(UserErrorCode, code);
}

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
