/**
 * What an event says of the objects it is about: ids and their state after the change, amounts
 * as exact decimal strings (credits of the object's provider; money with its currency).
 */
import { credits, fromMicros } from "../pricing/decimal.js";
import type { CheckoutSessionRow, GrantRow, JobRow, SubscriptionRow, WalletRow } from "../store/repositories/index.js";
import type { CheckoutSessionState, GrantState, JobState, SubscriptionState, WalletState } from "./definitions.js";

export const walletState = (wallet: WalletRow): WalletState => ({
  provider: wallet.providerId,
  balance: credits(wallet.balanceMicros),
  reserved: credits(wallet.reservedMicros),
  available: credits(wallet.balanceMicros - wallet.reservedMicros),
  owed: credits(wallet.owedMicros),
});

export const jobState = (
  job: Pick<
    JobRow,
    "id" | "providerId" | "productId" | "status" | "reservedMicros" | "consumedMicros" | "failureReason" | "createdAt" | "expiresAt" | "resolvedAt"
  >,
): JobState => ({
  id: job.id,
  provider: job.providerId,
  product: job.productId,
  status: job.status,
  reservedCredits: credits(job.reservedMicros),
  consumedCredits: credits(job.consumedMicros),
  failureReason: job.failureReason,
  createdAt: job.createdAt,
  expiresAt: job.expiresAt,
  resolvedAt: job.resolvedAt,
});

export const grantState = (grant: GrantRow): GrantState => ({
  id: grant.id,
  provider: grant.providerId,
  kind: grant.kind,
  amount: credits(grant.amountMicros),
  remaining: credits(grant.remainingMicros),
  expiresAt: grant.expiresAt,
});

export const checkoutSessionState = (session: CheckoutSessionRow): CheckoutSessionState => ({
  id: session.id,
  status: session.status,
  purpose: session.purpose,
  pack: session.packId,
  subscription: session.subscriptionId,
  credits: credits(session.creditsMicros),
  price: { amount: fromMicros(session.priceMicros).toFixed(), currency: session.currency },
  failureReason: session.failureReason,
});

export const subscriptionState = (subscription: SubscriptionRow): SubscriptionState => ({
  id: subscription.id,
  plan: subscription.planId,
  status: subscription.status,
  currentPeriodStart: subscription.currentPeriodStart,
  currentPeriodEnd: subscription.currentPeriodEnd,
  cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
  failedPaymentAttempts: subscription.failedPaymentAttempts,
  nextPaymentAttemptAt: subscription.nextPaymentAttemptAt,
  lastPaymentError: subscription.lastPaymentError,
});
