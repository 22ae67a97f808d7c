/** Valid data of every event type (as src/events/definitions.ts declares them), for tests that write events of their own. */
import type { EventData, EventType } from "../src/events/definitions.js";

const wallet = { provider: "ugen", balance: "10", reserved: "0", available: "10", owed: "0" };
const job = {
  id: "job_000000000000000000000001",
  provider: "ugen",
  product: null,
  status: "RESERVED" as const,
  reservedCredits: "5",
  consumedCredits: "0",
  failureReason: null,
  createdAt: "2026-01-01T00:00:00.000Z",
  expiresAt: "2026-01-02T00:00:00.000Z",
  resolvedAt: null,
};
const grant = { id: "grant_000000000000000000000001", provider: "ugen", kind: "PROMOTIONAL" as const, amount: "10", remaining: "10", expiresAt: null };
const checkoutSession = {
  id: "cs_000000000000000000000001",
  status: "COMPLETED" as const,
  purpose: "CHECKOUT" as const,
  pack: "ugen/packs/creator",
  subscription: null,
  credits: "1000",
  price: { amount: "45", currency: "USD" },
  failureReason: null,
};
const subscription = {
  id: "sub_0000000000000001",
  plan: "creatify/plans/api-starter",
  status: "ACTIVE" as const,
  currentPeriodStart: "2026-01-01T00:00:00.000Z",
  currentPeriodEnd: "2026-02-01T00:00:00.000Z",
  cancelAtPeriodEnd: false,
  failedPaymentAttempts: 0,
  nextPaymentAttemptAt: null,
  lastPaymentError: null,
};

const SAMPLES: { [T in EventType]: EventData<T> } = {
  "job.reserved": { job, wallet },
  "job.completed": { job: { ...job, status: "COMPLETED", consumedCredits: "5", resolvedAt: "2026-01-01T01:00:00.000Z" }, wallet },
  "job.failed": { job: { ...job, status: "FAILED", failureReason: "it broke", resolvedAt: "2026-01-01T01:00:00.000Z" }, wallet },
  "job.cancelled": { job: { ...job, status: "CANCELLED", resolvedAt: "2026-01-01T01:00:00.000Z" }, wallet },
  "job.expired": { job: { ...job, status: "EXPIRED", resolvedAt: "2026-01-02T00:00:00.000Z" }, wallet },
  "wallet.credits_added": { wallet, grant, change: { type: "BONUS", credits: "10", transactionId: "txn_000000000000000000000001", refundOf: null } },
  "wallet.credits_expired": { wallet, change: { credits: "-10", transactionIds: ["txn_000000000000000000000002"], grantIds: [grant.id] } },
  "wallet.low_balance": { wallet, alert: { thresholdCredits: "100", email: "ops@example.com" } },
  "checkout_session.completed": { checkoutSession },
  "checkout_session.expired": { checkoutSession: { ...checkoutSession, status: "EXPIRED", failureReason: "checkout expired unpaid" } },
  "checkout_session.declined": { checkoutSession: { ...checkoutSession, status: "DECLINED", failureReason: "card declined" } },
  "subscription.renewed": { subscription, change: { periodStart: subscription.currentPeriodStart, transactionId: "txn_000000000000000000000003" } },
  "subscription.payment_failed": {
    subscription: { ...subscription, status: "PAST_DUE" },
    change: { periodStart: subscription.currentPeriodStart, reason: "card declined" },
  },
  "subscription.cancelled": { subscription: { ...subscription, cancelAtPeriodEnd: true }, change: { endsAt: subscription.currentPeriodEnd } },
  "grant.clawed_back": { wallet, grant, change: { claimed: "10", reason: "refunded", transactionIds: ["txn_000000000000000000000004"] } },
};

/** Valid data of an event of this type; `wallet` (where the type has one) changed as given. */
export function sampleEventData<T extends EventType>(type: T, walletChanges: Partial<typeof wallet> = {}): EventData<T> {
  const data = structuredClone(SAMPLES[type]) as EventData<T> & { wallet?: typeof wallet };
  if (data.wallet) Object.assign(data.wallet, walletChanges);
  return data;
}
