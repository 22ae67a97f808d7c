/**
 * The one typed error the domain raises when it refuses a request: a stable code, a message for
 * people and the path of the input at fault. Accounts, billing and pricing raise it; mapping it to
 * GraphQL (userErrors, or a top-level error) is the GraphQL layer's job.
 */

/** Every code a refusal can carry: the contract's, then the domain's own. */
export const DomainErrorCode = {
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
  PAYMENT_PROVIDER_UNAVAILABLE: "PAYMENT_PROVIDER_UNAVAILABLE",
} as const;
export type DomainErrorCode = (typeof DomainErrorCode)[keyof typeof DomainErrorCode];

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The input at fault, from inside the operation's argument (e.g. ["credits"]); undefined when none is. */
    readonly field?: string[],
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** Shorthands for the most common refusals. */
/** INSUFFICIENT_CREDITS, with what is missing from which wallet, so a client can offer the right pack. */
export class InsufficientCreditsError extends DomainError {
  constructor(
    message: string,
    readonly providerId: string,
    readonly missingMicros: number,
    field?: string[],
  ) {
    super(DomainErrorCode.INSUFFICIENT_CREDITS, message, field);
  }
}

export const badInput = (message: string, field?: string[]) => new DomainError(DomainErrorCode.BAD_USER_INPUT, message, field);
export const notFound = (message: string, field?: string[]) => new DomainError(DomainErrorCode.NOT_FOUND, message, field);
