/**
 * Outgoing webhook deliveries. The fan-out writes one delivery per endpoint that wants an event,
 * in the event's transaction; this worker claims due ones (a conditional update, so with several
 * nodes each attempt is made once), sends them signed per Standard Webhooks, records each attempt
 * and retries with backoff for up to 3 days. Each endpoint gets its events in sequence order: a
 * delivery waits while an earlier one of its endpoint is pending (head of line).
 */
import { Webhook } from "standardwebhooks";
import { randomHex } from "../../accounts/keys.js";
import type { BackgroundTasks } from "../../background.js";
import type { Clock } from "../../clock.js";
import type { Logger } from "../../logger.js";
import type { EventRow, WebhookDeliveryRow, WebhookEndpointRow } from "../../store/repositories/index.js";
import type { Store, Tx } from "../../store/store.js";
import type { EventRecord } from "../log.js";
import { postWebhook, SEND_TIMEOUT_MS, type SendResult } from "./send.js";
import type { UrlPolicy } from "./urls.js";

const SECOND = 1000;
const DAY = 24 * 3600 * SECOND;
/** Waits after the 1st, 2nd … failed attempt; the last repeats. */
export const BACKOFF_MS = [5 * SECOND, 30 * SECOND, 120 * SECOND, 600 * SECOND, 3600 * SECOND, 3 * 3600 * SECOND, 6 * 3600 * SECOND];
/** A delivery is retried this long, then FAILED; an endpoint failing this long is disabled. */
export const RETRY_WINDOW_MS = 3 * DAY;
/** Longer than any send (the timeout), so a claim never runs out while its send is in flight. */
const CLAIM_MS = 60 * SECOND;
const BATCH = 100;
const PARALLEL = 8;

export interface WebhookConfig extends UrlPolicy {
  /** A 2xx within this is success (WEBHOOK_TIMEOUT_SECONDS). */
  timeoutMs?: number;
}

/** Whether the endpoint wants events of this type (null or empty: every type). */
export const wants = (endpoint: WebhookEndpointRow, type: string) => {
  const types = endpoint.eventTypes as string[] | null;
  return endpoint.enabled && (!types || types.length === 0 || types.includes(type));
};

/** The JSON body partners receive. */
export const deliveryBody = (event: EventRow) =>
  JSON.stringify({ id: event.id, type: event.type, accountId: event.accountId, sequence: event.seq, createdAt: event.createdAt, data: event.data });

/** The wait after `failures` failed attempts, with ±20 % jitter so retries of many deliveries spread out. */
export const backoff = (failures: number) => BACKOFF_MS[Math.min(failures - 1, BACKOFF_MS.length - 1)] * (0.8 + Math.random() * 0.4);

export class WebhookDeliveryWorker {
  private running: Promise<number> | null = null;
  private again = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly config: WebhookConfig,
    private readonly background: BackgroundTasks,
    /** An email was queued and its transaction is durable: send it. */
    private readonly onEmailQueued: () => void,
  ) {}

  /** In the event's transaction: a delivery for each enabled endpoint of the account that wants it. */
  readonly fanOut = async (tx: Tx, event: EventRecord): Promise<void> => {
    const endpoints = (await tx.webhooks.endpointsOf(event.accountId)).filter((endpoint) => wants(endpoint, event.type));
    for (const endpoint of endpoints) {
      await tx.webhooks.insertDelivery({
        id: `whd_${randomHex(12)}`,
        endpointId: endpoint.id,
        eventId: event.id,
        accountId: event.accountId,
        eventSeq: event.seq,
        status: "PENDING",
        nextAttemptAt: event.createdAt,
        createdAt: event.createdAt,
      });
    }
    if (endpoints.length > 0) tx.afterCommit(() => this.wake());
  };

  /** Sends what is due soon, in the background (after a commit that queued deliveries). */
  wake(): void {
    if (!this.closed) this.background.run("webhook delivery", () => this.deliverDue());
  }

  /** Sends what is due; a call during a run makes it go round once more. Returns how many were delivered. */
  deliverDue(): Promise<number> {
    if (this.closed) return Promise.resolve(0);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => (this.running = null));
    return this.running;
  }

  private async loop(): Promise<number> {
    let delivered = 0;
    do {
      this.again = false;
      delivered += await this.round();
    } while (this.again && !this.closed);
    await this.schedule();
    return delivered;
  }

  /** One batch; goes round again when a delivery was settled (its endpoint's next is now first in line). */
  private async round(): Promise<number> {
    const due = await this.store.reads.webhooks.due(this.clock.now().toISOString(), BATCH);
    if (due.length === BATCH) this.again = true;
    let delivered = 0;
    const queue = [...due];
    const work = async () => {
      for (let delivery = queue.shift(); delivery; delivery = queue.shift()) {
        const outcome = await this.attempt(delivery);
        if (outcome === "DELIVERED") delivered++;
        if (outcome === "DELIVERED" || outcome === "FAILED") this.again = true;
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, work));
    return delivered;
  }

  /** A timer for the next retry on this node (the sweeper is the backstop). */
  private async schedule(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed) return;
    const next = await this.store.reads.webhooks.nextDue(this.clock.now().toISOString());
    if (!next) return;
    const wait = Math.min(Math.max(new Date(next).getTime() - this.clock.now().getTime(), 50), 60 * SECOND);
    this.timer = setTimeout(() => this.wake(), wait).unref();
  }

  /** One attempt of one delivery, if this worker wins its claim; its outcome, or null when it did not. */
  private async attempt(delivery: WebhookDeliveryRow): Promise<WebhookDeliveryRow["status"] | null> {
    const now = this.clock.now();
    const claimedUntil = new Date(now.getTime() + CLAIM_MS).toISOString();
    if (!(await this.store.transaction((tx) => tx.webhooks.claim(delivery, now.toISOString(), claimedUntil)))) return null;
    const [endpoint, event] = await Promise.all([this.store.reads.webhooks.endpointById(delivery.endpointId), this.store.reads.events.get(delivery.eventId)]);
    if (!endpoint || !event) return null;
    const result = await this.send(endpoint, event);
    return this.store.transaction((tx) => this.record(tx, delivery, claimedUntil, now, result));
  }

  private send(endpoint: WebhookEndpointRow, event: EventRow): Promise<SendResult> {
    const body = deliveryBody(event);
    // The signature's time is the wall clock's: receivers check it against theirs (a test clock would fail them).
    const sentAt = new Date();
    const headers = {
      "webhook-id": event.id,
      "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
      "webhook-signature": new Webhook(endpoint.secret).sign(event.id, sentAt, body),
    };
    return postWebhook(endpoint.url, headers, body, this.config, this.config.timeoutMs ?? SEND_TIMEOUT_MS);
  }

  /** Records the attempt, settles the delivery (if still ours) and the endpoint's run of failures. */
  /** `now` is when the attempt was made (its claim), whatever the send took. */
  private async record(tx: Tx, delivery: WebhookDeliveryRow, claimedUntil: string, now: Date, result: SendResult): Promise<WebhookDeliveryRow["status"] | null> {
    const at = now.toISOString();
    // Deleted while the send was in flight: its deliveries and attempts went with it.
    const endpoint = await tx.webhooks.endpointById(delivery.endpointId);
    if (!endpoint) return null;
    await tx.webhooks.insertAttempt({
      deliveryId: delivery.id,
      endpointId: delivery.endpointId,
      eventId: delivery.eventId,
      attemptedAt: at,
      succeeded: result.succeeded,
      responseStatus: result.status,
      latencyMs: result.latencyMs,
      responseExcerpt: result.excerpt,
      error: result.error,
    });
    if (result.succeeded) {
      if (endpoint.failingSince) await tx.webhooks.updateEndpoint(endpoint.accountId, endpoint.id, { failingSince: null });
      return (await tx.webhooks.settle(delivery.id, claimedUntil, { status: "DELIVERED", nextAttemptAt: at, deliveredAt: at })) ? "DELIVERED" : null;
    }
    const deadline = new Date(delivery.createdAt).getTime() + RETRY_WINDOW_MS;
    const status = now.getTime() >= deadline ? "FAILED" : "PENDING";
    const next = new Date(Math.min(now.getTime() + backoff(delivery.attempts + 1), deadline)).toISOString();
    const settled = await tx.webhooks.settle(delivery.id, claimedUntil, { status, nextAttemptAt: status === "FAILED" ? at : next, deliveredAt: null });
    const failingSince = endpoint.failingSince ?? at;
    if (endpoint.enabled && now.getTime() - new Date(failingSince).getTime() >= RETRY_WINDOW_MS) await this.disable(tx, endpoint, at);
    else if (!endpoint.failingSince) await tx.webhooks.updateEndpoint(endpoint.accountId, endpoint.id, { failingSince });
    this.logger.warn("webhook delivery failed", { endpointId: endpoint.id, eventId: delivery.eventId, error: result.error });
    return settled ? status : null;
  }

  /** Failing for 3 days: disabled, and the account told at the addresses of its credit alerts. */
  private async disable(tx: Tx, endpoint: WebhookEndpointRow, at: string): Promise<void> {
    const reason = `Every delivery failed from ${endpoint.failingSince} to ${at}`;
    await tx.webhooks.updateEndpoint(endpoint.accountId, endpoint.id, { enabled: false, disabledReason: reason, updatedAt: at });
    const recipients = [...new Set((await tx.creditAlerts.ofAccount(endpoint.accountId)).map((alert) => alert.email).filter(Boolean))];
    for (const recipient of recipients) {
      await tx.emails.insert({
        accountId: endpoint.accountId,
        kind: "WEBHOOK_ENDPOINT_DISABLED",
        recipient,
        subject: `Webhook endpoint ${endpoint.id} was disabled`,
        body:
          `Deliveries to ${endpoint.url} (endpoint ${endpoint.id} of account ${endpoint.accountId}) failed for 3 days, so it was disabled.\n\n` +
          `${reason}.\nFix the receiver, then enable the endpoint again with webhookEndpointUpdate; its pending deliveries are then sent.\n`,
        createdAt: at,
      });
    }
    if (recipients.length === 0) this.logger.warn("webhook endpoint disabled; the account has no email to tell", { endpointId: endpoint.id });
    else tx.afterCommit(this.onEmailQueued);
    this.logger.warn("webhook endpoint disabled", { endpointId: endpoint.id, accountId: endpoint.accountId });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
