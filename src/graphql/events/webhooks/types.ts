/** GraphQL types of outgoing webhooks: endpoints, their attempts and deliveries, and the mutations' inputs and payloads. */
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { PageInfo } from "../../shared/connections.js";
import { DateTimeScalar } from "../../shared/scalars.js";
import { UserError } from "../../shared/user-error.js";

export const WebhookDeliveryStatusEnum = { PENDING: "PENDING", DELIVERED: "DELIVERED", FAILED: "FAILED" } as const;
registerEnumType(WebhookDeliveryStatusEnum, {
  name: "WebhookDeliveryStatus",
  description: "Where the delivery of one event to one endpoint stands.",
  valuesConfig: {
    PENDING: { description: "Not yet answered with a 2xx: sent soon, or retried with backoff." },
    DELIVERED: { description: "The endpoint answered 2xx." },
    FAILED: { description: "Every attempt for 3 days failed; webhookEventResend queues it again." },
  },
});

export const WebhookAttemptStatusEnum = { SUCCEEDED: "SUCCEEDED", FAILED: "FAILED" } as const;
registerEnumType(WebhookAttemptStatusEnum, { name: "WebhookAttemptStatus", description: "How one attempt went." });

@ObjectType({ simpleResolvers: true, description: "One attempt to deliver an event to an endpoint." })
export class WebhookAttempt {
  @Field(() => ID, { description: "Attempt id." })
  id!: string;

  @Field(() => ID, { description: "The event sent (also its webhook-id header)." })
  eventId!: string;

  @Field(() => WebhookAttemptStatusEnum, { description: "SUCCEEDED: a 2xx within the timeout." })
  status!: string;

  @Field(() => Boolean, { description: "Whether it succeeded." })
  succeeded!: boolean;

  @Field(() => Int, { nullable: true, description: "The HTTP status answered; null when there was no answer." })
  responseStatus!: number | null;

  @Field(() => Int, { description: "Milliseconds from sending to the answer (or to giving up)." })
  latencyMs!: number;

  @Field(() => String, { nullable: true, description: "The first 500 characters of the answer's body, at most." })
  responseExcerpt!: string | null;

  @Field(() => String, { nullable: true, description: "Why it failed: the HTTP status, a timeout, a refused address, a connection error." })
  error!: string | null;

  @Field(() => DateTimeScalar, { description: "When it was made." })
  attemptedAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: "An attempt and its cursor." })
export class WebhookAttemptEdge {
  @Field(() => String, { description: "Pass as `after` to continue after this attempt." })
  cursor!: string;

  @Field(() => WebhookAttempt, { description: "The attempt." })
  node!: WebhookAttempt;
}

@ObjectType({ simpleResolvers: true, description: "A page of attempts, newest first." })
export class WebhookAttemptConnection {
  @Field(() => [WebhookAttemptEdge], { description: "The attempts with their cursors." })
  edges!: WebhookAttemptEdge[];

  @Field(() => [WebhookAttempt], { description: "The attempts alone." })
  nodes!: WebhookAttempt[];

  @Field(() => PageInfo, { description: "Whether more pages follow." })
  pageInfo!: PageInfo;
}

@ObjectType({ description: "Where the account's events are pushed, signed per Standard Webhooks." })
export class WebhookEndpoint {
  @Field(() => ID, { description: 'Endpoint id, e.g. "we_…".' })
  id!: string;

  @Field(() => String, { description: "Where events are POSTed." })
  url!: string;

  @Field(() => [String], { nullable: true, description: "The event types delivered; null: every type." })
  eventTypes!: string[] | null;

  @Field(() => Boolean, { description: "Whether new events are delivered (false after 3 days of failures: see disabledReason)." })
  enabled!: boolean;

  @Field(() => String, { nullable: true, description: "The account's note." })
  description!: string | null;

  @Field(() => String, { nullable: true, description: "Why it was disabled automatically; null otherwise." })
  disabledReason!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "Since when every attempt failed; null while deliveries succeed." })
  failingSince!: Date | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "After webhookEndpointSecretRotate: until when the previous secret signs deliveries too; null when only the current one does.",
  })
  previousSecretExpiresAt!: Date | null;

  @Field(() => DateTimeScalar, { description: "When it was created." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: "When it was last changed." })
  updatedAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: "The delivery of one event to one endpoint." })
export class WebhookDelivery {
  @Field(() => ID, { description: "Delivery id." })
  id!: string;

  @Field(() => ID, { description: "The event." })
  eventId!: string;

  @Field(() => WebhookDeliveryStatusEnum, { description: "Where it stands." })
  status!: string;

  @Field(() => Int, { description: "Attempts made since it was (re)queued." })
  attempts!: number;

  @Field(() => DateTimeScalar, { description: "When it is (or was last) due." })
  nextAttemptAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it was delivered." })
  deliveredAt!: Date | null;
}

@InputType({ description: "A new webhook endpoint." })
export class WebhookEndpointCreateInput {
  @Field(() => String, {
    description: "https URL (http too outside production); loopback and private addresses are refused unless WEBHOOK_ALLOW_PRIVATE_URLS.",
  })
  url!: string;

  @Field(() => [String], { nullable: true, description: "Event types to deliver (see viewer.events); null or empty: every type." })
  eventTypes?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: "Deliver at once (default true)." })
  enabled?: boolean | null;

  @Field(() => String, { nullable: true, description: "A note, up to 500 characters." })
  description?: string | null;
}

@InputType({ description: "Changes to an endpoint; fields left out stay as they are." })
export class WebhookEndpointUpdateInput {
  @Field(() => ID, { description: "The endpoint." })
  id!: string;

  @Field(() => String, { nullable: true, description: "A new URL (the same rules as on create)." })
  url?: string | null;

  @Field(() => [String], { nullable: true, description: "Event types to deliver; null or empty: every type." })
  eventTypes?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: "true enables it again (pending deliveries are sent at once); false stops deliveries." })
  enabled?: boolean | null;

  @Field(() => String, { nullable: true, description: "A note; null clears it." })
  description?: string | null;
}

@InputType({ description: "An endpoint of the account." })
export class WebhookEndpointDeleteInput {
  @Field(() => ID, { description: "The endpoint." })
  id!: string;
}

@InputType({ description: "Deliver one event to one endpoint again." })
export class WebhookEventResendInput {
  @Field(() => ID, { description: "The endpoint (enabled)." })
  endpointId!: string;

  @Field(() => ID, { description: "The account's event." })
  eventId!: string;
}

@ObjectType({ simpleResolvers: true, description: "Result of webhookEndpointCreate." })
export class WebhookEndpointCreatePayload {
  @Field(() => WebhookEndpoint, { nullable: true, description: "The endpoint." })
  webhookEndpoint!: unknown;

  @Field(() => String, { nullable: true, description: 'Its signing secret ("whsec_…"), shown this once: verify deliveries with it.' })
  secret!: string | null;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: "Result of webhookEndpointUpdate." })
export class WebhookEndpointUpdatePayload {
  @Field(() => WebhookEndpoint, { nullable: true, description: "The endpoint as it now is." })
  webhookEndpoint!: unknown;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: "Result of webhookEndpointDelete." })
export class WebhookEndpointDeletePayload {
  @Field(() => WebhookEndpoint, { nullable: true, description: "The endpoint as it was; its deliveries and attempts are gone." })
  webhookEndpoint!: unknown;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@InputType({ description: "A new signing secret for an endpoint." })
export class WebhookEndpointSecretRotateInput {
  @Field(() => ID, { description: "The endpoint." })
  id!: string;

  @Field(() => Int, { nullable: true, description: "How long the old secret signs deliveries too, in hours: 0 to 168 (default 24; 0: it stops at once)." })
  previousSecretExpiresInHours?: number | null;
}

@ObjectType({ simpleResolvers: true, description: "Result of webhookEndpointSecretRotate." })
export class WebhookEndpointSecretRotatePayload {
  @Field(() => WebhookEndpoint, { nullable: true, description: "The endpoint, with previousSecretExpiresAt." })
  webhookEndpoint!: unknown;

  @Field(() => String, { nullable: true, description: 'The new signing secret ("whsec_…"), shown this once.' })
  secret!: string | null;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: "Result of webhookEventResend." })
export class WebhookEventResendPayload {
  @Field(() => WebhookDelivery, { nullable: true, description: "The delivery, queued (PENDING) and due now." })
  delivery!: unknown;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}
