/** Webhook endpoints: the account's list with each endpoint's attempts, and the four mutations. */
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from "type-graphql";
import { Account } from "../../accounts/types.js";
import type { AccountRecord } from "../../../accounts/records.js";
import { connection, decodeCursor, pageSize } from "../../shared/connections.js";
import { requireAccount, type Context } from "../../shared/context.js";
import { mutate } from "../../shared/mutation.js";
import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from "../../../store/repositories/index.js";
import {
  WebhookAttemptConnection,
  WebhookEndpoint,
  WebhookEndpointCreateInput,
  WebhookEndpointCreatePayload,
  WebhookEndpointDeleteInput,
  WebhookEndpointDeletePayload,
  WebhookEndpointSecretRotateInput,
  WebhookEndpointSecretRotatePayload,
  WebhookEndpointUpdateInput,
  WebhookEndpointUpdatePayload,
  WebhookEventResendInput,
  WebhookEventResendPayload,
} from "./types.js";

const date = (value: string | null) => (value ? new Date(value) : null);

/** Never a secret: the current one is shown once, in the create (or rotate) payload. */
export function toEndpoint(row: WebhookEndpointRow) {
  const { secret: _secret, previousSecret: _previous, ...rest } = row;
  return {
    ...rest,
    eventTypes: row.eventTypes as string[] | null,
    failingSince: date(row.failingSince),
    previousSecretExpiresAt: date(row.previousSecretExpiresAt),
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
}
type EndpointRecord = ReturnType<typeof toEndpoint>;

const toAttempt = (row: WebhookAttemptRow) => ({
  ...row,
  id: `wha_${row.seq}`,
  status: row.succeeded ? "SUCCEEDED" : "FAILED",
  attemptedAt: new Date(row.attemptedAt),
});

const toDelivery = (row: WebhookDeliveryRow) => ({ ...row, nextAttemptAt: new Date(row.nextAttemptAt), deliveredAt: date(row.deliveredAt) });

@Resolver(() => Account)
export class AccountWebhookResolver {
  @FieldResolver(() => [WebhookEndpoint], { description: "Where the account's events are pushed, oldest first." })
  async webhookEndpoints(@Root() root: AccountRecord, @Ctx() context: Context) {
    return (await context.services.webhooks.endpoints.list(root.id)).map(toEndpoint);
  }
}

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointResolver {
  @FieldResolver(() => WebhookAttemptConnection, {
    nullable: true,
    description:
      "Delivery attempts to this endpoint, newest first. Null, with an error at this field alone, when an argument is invalid (a cursor not from this server, first out of range).",
  })
  async attempts(
    @Root() root: EndpointRecord,
    @Ctx() context: Context,
    @Arg("first", () => Int, { nullable: true, description: "Page size, 0 to 100 (default 20)." }) first: number | null,
    @Arg("after", () => String, { nullable: true, description: "endCursor of the previous page." }) after: string | null,
    @Arg("eventId", () => ID, { nullable: true, description: "Only attempts to deliver this event." }) eventId: string | null,
  ) {
    const size = pageSize(first);
    const page = await context.services.webhooks.endpoints.attempts(root.id, { first: size, beforeSeq: decodeCursor("wha", after), eventId });
    return connection("wha", page.items.map(toAttempt), page.hasNextPage, (attempt) => attempt.seq);
  }
}

@Resolver()
export class WebhookMutationResolver {
  @Mutation(() => WebhookEndpointCreatePayload, {
    description: "Registers an endpoint for the account's events; the payload carries its signing secret, shown once.",
  })
  webhookEndpointCreate(@Arg("input", () => WebhookEndpointCreateInput) input: WebhookEndpointCreateInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    return mutate({ webhookEndpoint: null, secret: null }, async () => {
      const row = await context.services.webhooks.endpoints.create(accountId, input);
      return { webhookEndpoint: toEndpoint(row), secret: row.secret };
    });
  }

  @Mutation(() => WebhookEndpointUpdatePayload, { description: "Changes an endpoint's URL, event types, note, or whether it is enabled." })
  webhookEndpointUpdate(@Arg("input", () => WebhookEndpointUpdateInput) input: WebhookEndpointUpdateInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    return mutate({ webhookEndpoint: null }, async () => ({
      webhookEndpoint: toEndpoint(await context.services.webhooks.endpoints.update(accountId, input.id, input)),
    }));
  }

  @Mutation(() => WebhookEndpointDeletePayload, { description: "Removes an endpoint; nothing more is sent to it." })
  webhookEndpointDelete(@Arg("input", () => WebhookEndpointDeleteInput) input: WebhookEndpointDeleteInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    return mutate({ webhookEndpoint: null }, async () => ({
      webhookEndpoint: toEndpoint(await context.services.webhooks.endpoints.delete(accountId, input.id)),
    }));
  }

  @Mutation(() => WebhookEndpointSecretRotatePayload, {
    description: "Gives an endpoint a new signing secret, shown once; the old one signs deliveries too until previousSecretExpiresInHours have passed.",
  })
  webhookEndpointSecretRotate(@Arg("input", () => WebhookEndpointSecretRotateInput) input: WebhookEndpointSecretRotateInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    return mutate({ webhookEndpoint: null, secret: null }, async () => {
      const row = await context.services.webhooks.endpoints.rotateSecret(accountId, input.id, input.previousSecretExpiresInHours);
      return { webhookEndpoint: toEndpoint(row), secret: row.secret };
    });
  }

  @Mutation(() => WebhookEventResendPayload, {
    description: "Delivers one of the account's events to one endpoint again (same webhook-id), whatever became of earlier deliveries.",
  })
  webhookEventResend(@Arg("input", () => WebhookEventResendInput) input: WebhookEventResendInput, @Ctx() context: Context) {
    const accountId = requireAccount(context);
    return mutate({ delivery: null }, async () => ({
      delivery: toDelivery(await context.services.webhooks.endpoints.resend(accountId, input.endpointId, input.eventId)),
    }));
  }
}

export const webhookResolvers = [AccountWebhookResolver, WebhookEndpointResolver, WebhookMutationResolver] as const;
