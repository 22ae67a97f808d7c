/**
 * The one typed error the domain raises when it refuses a request: a stable code, a message for
 * people and the path of the input at fault. Accounts, billing and pricing raise it; mapping it to
 * GraphQL (userErrors, or a top-level error) is the GraphQL layer's job.
 */

import { DomainErrorCode } from "./error-codes.js";

export { DomainErrorCode };

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

/** INSUFFICIENT_CREDITS, with what is missing from which wallet, so a client can offer the right pack. */
export class InsufficientCreditsError extends DomainError {
  constructor(
    message: string,
    readonly providerId: string,
    readonly missingMicros: number,
    field?: string[],
  ) {
    super("INSUFFICIENT_CREDITS", message, field);
  }
}

/** Shorthands for the most common refusals. */
export const badInput = (message: string, field?: string[]) => new DomainError(DomainErrorCode.BAD_USER_INPUT, message, field);
export const notFound = (message: string, field?: string[]) => new DomainError(DomainErrorCode.NOT_FOUND, message, field);
