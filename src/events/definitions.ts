/**
 * What each event type says, declared once: the shape of its `data` (the objects it is about, with
 * their state after the change, and what changed). The log's writers are checked against it by the
 * compiler (EventLog.record), the live subscriptions and GraphQL's typed payloads read it, and the
 * JSON Schema of webhook bodies (GET /schemas/webhook-events.json) is generated from it. One shape
 * per type: a field that does not apply is present and null.
 */
import { z } from "zod/v4";

/** Credits or money as an exact decimal string, as the API's Decimal. */
const decimal = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .describe("An exact decimal number, as a string.");
const instant = z.string().describe("An ISO 8601 instant (UTC).");
const id = z.string();

export const WalletStateSchema = z
  .object({
    provider: id.describe("Whose credits (Provider.id)."),
    balance: decimal,
    reserved: decimal,
    available: decimal,
    owed: decimal,
  })
  .describe("A wallet's figures after the change.");

export const JobStateSchema = z
  .object({
    id,
    provider: id,
    product: id.nullable(),
    status: z.enum(["RESERVED", "COMPLETED", "FAILED", "CANCELLED", "EXPIRED"]),
    reservedCredits: decimal,
    consumedCredits: decimal,
    failureReason: z.string().nullable(),
    createdAt: instant,
    expiresAt: instant,
    resolvedAt: instant.nullable(),
  })
  .describe("A job after the change.");

export const GrantStateSchema = z
  .object({
    id,
    provider: id,
    kind: z.enum(["PAID", "PROMOTIONAL", "SUBSCRIPTION"]),
    amount: decimal,
    remaining: decimal,
    expiresAt: instant.nullable(),
  })
  .describe("A credit grant after the change.");

export const CheckoutSessionStateSchema = z
  .object({
    id,
    status: z.enum(["OPEN", "COMPLETED", "EXPIRED", "DECLINED", "PAID_NOT_CREDITED"]),
    purpose: z.enum(["CHECKOUT", "AUTO_TOP_UP", "SUBSCRIPTION"]),
    pack: id.describe("The pack's id (a plan's, for a subscription period)."),
    subscription: id.nullable(),
    credits: decimal,
    price: z.object({ amount: decimal, currency: z.string() }),
    failureReason: z.string().nullable(),
  })
  .describe("A checkout session after the change.");

export const SubscriptionStateSchema = z
  .object({
    id,
    plan: id,
    status: z.enum(["PENDING", "ACTIVE", "PAST_DUE", "UNPAID", "ENDED"]),
    currentPeriodStart: instant,
    currentPeriodEnd: instant,
    cancelAtPeriodEnd: z.boolean(),
    failedPaymentAttempts: z.number().int(),
    nextPaymentAttemptAt: instant.nullable(),
    lastPaymentError: z.string().nullable(),
  })
  .describe("A plan subscription after the change.");

const jobEvent = z.object({ job: JobStateSchema, wallet: WalletStateSchema });
const sessionEvent = z.object({ checkoutSession: CheckoutSessionStateSchema });
const leaving = z.object({ credits: decimal.describe("The credits that left (negative)."), transactionIds: z.array(id), grantIds: z.array(id) });

/** Every event type, and the shape of its data. */
export const EVENT_DATA = {
  "job.reserved": jobEvent,
  "job.completed": jobEvent,
  "job.failed": jobEvent,
  "job.cancelled": jobEvent,
  "job.expired": jobEvent,
  "wallet.credits_added": z.object({
    wallet: WalletStateSchema,
    grant: GrantStateSchema.nullable().describe("The grant made for them; null for a refund, which gives credits back to the grants they came from."),
    change: z.object({
      type: z.enum(["PURCHASE", "BONUS", "MIGRATION", "REFUND"]),
      credits: decimal,
      transactionId: id,
      refundOf: id.nullable().describe("For a REFUND: the CONSUME entry it gives credits back for."),
    }),
  }),
  "wallet.credits_expired": z.object({ wallet: WalletStateSchema, change: leaving }),
  "wallet.low_balance": z.object({ wallet: WalletStateSchema, alert: z.object({ thresholdCredits: decimal, email: z.string() }) }),
  "checkout_session.completed": sessionEvent,
  "checkout_session.expired": sessionEvent,
  "checkout_session.declined": sessionEvent,
  "subscription.renewed": z.object({ subscription: SubscriptionStateSchema, change: z.object({ periodStart: instant, transactionId: id }) }),
  "subscription.payment_failed": z.object({ subscription: SubscriptionStateSchema, change: z.object({ periodStart: instant, reason: z.string() }) }),
  "subscription.cancelled": z.object({ subscription: SubscriptionStateSchema, change: z.object({ endsAt: instant }) }),
  "grant.clawed_back": z.object({
    wallet: WalletStateSchema,
    grant: GrantStateSchema,
    change: z.object({
      claimed: decimal.describe("The grant's credits claimed back (what was spent of them is owed)."),
      reason: z.string(),
      transactionIds: z.array(id),
    }),
  }),
} as const;

export type EventType = keyof typeof EVENT_DATA;
export const EVENT_TYPES = Object.keys(EVENT_DATA) as EventType[];

/** The data of an event of type T, as the compiler checks every writer of it. */
export type EventData<T extends EventType = EventType> = z.infer<(typeof EVENT_DATA)[T]>;

export type WalletState = z.infer<typeof WalletStateSchema>;
export type JobState = z.infer<typeof JobStateSchema>;
export type GrantState = z.infer<typeof GrantStateSchema>;
export type CheckoutSessionState = z.infer<typeof CheckoutSessionStateSchema>;
export type SubscriptionState = z.infer<typeof SubscriptionStateSchema>;

/** The JSON Schema of a webhook body (`{ id, type, accountId, sequence, createdAt, data }`): one branch per event type. */
export function webhookEventsJsonSchema(): Record<string, unknown> {
  const body = z.union(
    EVENT_TYPES.map((type) =>
      z
        .object({
          id: id.describe("The event's id: the same on every redelivery (webhook-id)."),
          type: z.literal(type),
          accountId: id,
          sequence: z.number().int().positive(),
          createdAt: instant,
          data: EVENT_DATA[type],
        })
        .describe(type),
    ) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]],
  );
  return { ...z.toJSONSchema(body), title: "Webhook event", description: "The body of a webhook delivery: one event, signed per Standard Webhooks." };
}
