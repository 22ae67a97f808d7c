/**
 * An account's webhook endpoints: created with a signing secret shown once, updated, deleted, and
 * asked to redeliver one event. Another account's endpoint or event is NOT_FOUND.
 */
import { randomBytes } from "node:crypto";
import { randomHex } from "../../ids.js";
import type { Clock } from "../../clock.js";
import { badInput, notFound } from "../../errors.js";
import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from "../../store/repositories/index.js";
import type { Page } from "../../store/paging.js";
import type { Store } from "../../store/store.js";
import { EVENT_TYPES, isEventType } from "../log.js";
import { checkEndpointUrl, type UrlPolicy } from "./urls.js";

export const MAX_ENDPOINTS = 20;
const DEFAULT_PREVIOUS_SECRET_HOURS = 24;
const MAX_PREVIOUS_SECRET_HOURS = 7 * 24;
const MAX_DESCRIPTION = 500;

export interface EndpointInput {
  url?: string | null;
  /** Null or empty: every type; undefined (on update): unchanged. */
  eventTypes?: string[] | null;
  enabled?: boolean | null;
  description?: string | null;
}

/** A Standard Webhooks secret: "whsec_" and base64 of 24 random bytes. */
export const newSecret = () => `whsec_${randomBytes(24).toString("base64")}`;

function eventTypesOf(types: string[] | null | undefined): string[] | null {
  if (!types || types.length === 0) return null;
  for (const [i, type] of types.entries()) {
    if (!isEventType(type)) throw badInput(`"${type}" is not an event type; they are ${EVENT_TYPES.join(", ")}`, ["eventTypes", String(i)]);
  }
  return [...new Set(types)];
}

function descriptionOf(description: string | null | undefined): string | null {
  const trimmed = description?.trim() || null;
  if (trimmed && trimmed.length > MAX_DESCRIPTION) throw badInput(`The description must be at most ${MAX_DESCRIPTION} characters`, ["description"]);
  return trimmed;
}

export class WebhookEndpointService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly policy: UrlPolicy,
    /** Deliveries were queued and are committed: send them. */
    private readonly wake: () => void,
  ) {}

  list(accountId: string): Promise<WebhookEndpointRow[]> {
    return this.store.reads.webhooks.endpointsOf(accountId);
  }

  attempts(endpointId: string, options: { first: number; beforeSeq?: number; eventId?: string | null }): Promise<Page<WebhookAttemptRow>> {
    return this.store.reads.webhooks.attempts(endpointId, options);
  }

  async create(accountId: string, input: EndpointInput): Promise<WebhookEndpointRow> {
    if (!input.url) throw badInput("url is needed", ["url"]);
    const url = await checkEndpointUrl(input.url, this.policy);
    const eventTypes = eventTypesOf(input.eventTypes);
    const description = descriptionOf(input.description);
    return this.store.transaction(async (tx) => {
      // The account's lock: two creates at once count each other against the limit.
      if (!(await tx.accounts.lock(accountId))) throw notFound(`No account ${accountId}`);
      const existing = await tx.webhooks.endpointsOf(accountId);
      if (existing.length >= MAX_ENDPOINTS) throw badInput(`An account has at most ${MAX_ENDPOINTS} webhook endpoints`);
      const now = this.clock.now().toISOString();
      const id = `we_${randomHex(10)}`;
      await tx.webhooks.insertEndpoint({
        id,
        accountId,
        url,
        eventTypes,
        enabled: input.enabled ?? true,
        description,
        secret: newSecret(),
        seq: Math.max(0, ...existing.map((endpoint) => endpoint.seq)) + 1,
        createdAt: now,
        updatedAt: now,
      });
      return (await tx.webhooks.endpoint(accountId, id))!;
    });
  }

  async update(accountId: string, id: string, input: EndpointInput): Promise<WebhookEndpointRow> {
    const url = input.url === undefined || input.url === null ? undefined : await checkEndpointUrl(input.url, this.policy);
    const set: Partial<WebhookEndpointRow> = {};
    if (url !== undefined) set.url = url;
    if (input.eventTypes !== undefined) set.eventTypes = eventTypesOf(input.eventTypes);
    if (input.description !== undefined) set.description = descriptionOf(input.description);
    return this.store.transaction(async (tx) => {
      const current = await tx.webhooks.endpoint(accountId, id);
      if (!current) throw notFound(`No webhook endpoint ${id}`, ["id"]);
      const now = this.clock.now().toISOString();
      if (input.enabled != null) set.enabled = input.enabled;
      // Enabled again: a fresh start, and what waited is sent now.
      const reenabled = input.enabled === true && !current.enabled;
      if (reenabled) {
        Object.assign(set, { disabledReason: null, failingSince: null });
        await tx.webhooks.wakeEndpoint(id, now);
        tx.afterCommit(this.wake);
      }
      return (await tx.webhooks.updateEndpoint(accountId, id, { ...set, updatedAt: now }))!;
    });
  }

  delete(accountId: string, id: string): Promise<WebhookEndpointRow> {
    return this.store.transaction(async (tx) => {
      const current = await tx.webhooks.endpoint(accountId, id);
      if (!current || !(await tx.webhooks.deleteEndpoint(accountId, id))) throw notFound(`No webhook endpoint ${id}`, ["id"]);
      return current;
    });
  }

  /**
   * A new signing secret, shown once. The old one keeps signing too, beside it, for
   * `previousSecretExpiresInHours` (default 24; 0: it stops at once), so receivers can switch
   * without missing a delivery (Standard Webhooks: several signatures in one header).
   */
  async rotateSecret(accountId: string, id: string, previousSecretExpiresInHours?: number | null): Promise<WebhookEndpointRow> {
    const hours = previousSecretExpiresInHours ?? DEFAULT_PREVIOUS_SECRET_HOURS;
    if (!Number.isInteger(hours) || hours < 0 || hours > MAX_PREVIOUS_SECRET_HOURS) {
      throw badInput(`previousSecretExpiresInHours must be a whole number from 0 to ${MAX_PREVIOUS_SECRET_HOURS}`, ["previousSecretExpiresInHours"]);
    }
    return this.store.transaction(async (tx) => {
      // The account's lock: of two rotations at once, the second keeps the first's secret as the previous one.
      if (!(await tx.accounts.lock(accountId))) throw notFound(`No account ${accountId}`);
      const current = await tx.webhooks.endpoint(accountId, id);
      if (!current) throw notFound(`No webhook endpoint ${id}`, ["id"]);
      const now = this.clock.now();
      const previous =
        hours === 0
          ? { previousSecret: null, previousSecretExpiresAt: null }
          : { previousSecret: current.secret, previousSecretExpiresAt: new Date(now.getTime() + hours * 3600_000).toISOString() };
      return (await tx.webhooks.updateEndpoint(accountId, id, { secret: newSecret(), ...previous, updatedAt: now.toISOString() }))!;
    });
  }

  /** Queues one event for one endpoint again, due now (its delivery's retry window starts afresh). */
  resend(accountId: string, endpointId: string, eventId: string): Promise<WebhookDeliveryRow> {
    return this.store.transaction(async (tx) => {
      const endpoint = await tx.webhooks.endpoint(accountId, endpointId);
      if (!endpoint) throw notFound(`No webhook endpoint ${endpointId}`, ["endpointId"]);
      // Locked: retention, deleting it meanwhile, either sees this resend or makes it NOT_FOUND.
      const event = await tx.events.getLocked(eventId);
      if (!event || event.accountId !== accountId) throw notFound(`No event ${eventId}`, ["eventId"]);
      if (!endpoint.enabled) throw badInput("The endpoint is disabled: enable it first", ["endpointId"]);
      const now = this.clock.now().toISOString();
      const delivery = await tx.webhooks.requeue({
        id: `whd_${randomHex(12)}`,
        endpointId,
        eventId,
        accountId,
        eventSeq: event.seq,
        status: "PENDING",
        nextAttemptAt: now,
        createdAt: now,
      });
      tx.afterCommit(this.wake);
      return delivery;
    });
  }
}
