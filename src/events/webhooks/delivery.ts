/**
 * Outgoing webhook deliveries. The event log's append writes one delivery per endpoint that wants an event,
 * in the event's transaction; this worker claims due ones (a conditional update, so with several
 * nodes each attempt is made once), sends them signed per Standard Webhooks, records each attempt
 * and retries with backoff for up to 3 days. Each endpoint gets its events in sequence order: a
 * delivery waits while an earlier one of its endpoint is pending (head of line). Whoever claims an
 * endpoint's head claims the run behind it too, sends the run one by one (a failure ends it) and
 * records it in one transaction, so a busy endpoint costs a few statements per run, not per event.
 */
import { Webhook } from "standardwebhooks";
import type { BackgroundTasks } from "../../background.js";
import type { Clock } from "../../clock.js";
import type { Logger } from "../../logger.js";
import type { EventRow, WebhookDeliveryRow, WebhookEndpointRow } from "../../store/repositories/index.js";
import type { Store } from "../../store/store.js";
import { DeliveryRecorder, type RunOutcome, type Sent } from "./record.js";
import { postWebhook, SEND_TIMEOUT_MS, SenderAgents, type SendResult } from "./send.js";
import type { UrlPolicy } from "./urls.js";

const SECOND = 1000;
/** A run starts sends only this long after it was claimed… */
const RUN_BUDGET_MS = 20 * SECOND;
/**
 * …so that its last send has ended and its record committed this long before the claim runs out,
 * whatever a slow commit or nodes' clocks a few seconds apart take from it.
 */
const CLAIM_MARGIN_MS = 30 * SECOND;
/** How stale the endpoint a run sends to may be: disabled or deleted, the run stops within this. */
const ENDPOINT_RECHECK_MS = 1 * SECOND;
const BATCH = 100;
const PARALLEL = 8;
/** Deliveries of one endpoint claimed, sent and recorded together. */
const RUN = 32;

export interface WebhookConfig extends UrlPolicy {
  /** A 2xx within this is success (WEBHOOK_TIMEOUT_SECONDS). */
  timeoutMs?: number;
}

/** The JSON body partners receive. */
export const deliveryBody = (event: EventRow) =>
  JSON.stringify({ id: event.id, type: event.type, accountId: event.accountId, sequence: event.seq, createdAt: event.createdAt, data: event.data });

export class WebhookDeliveryWorker {
  private running: Promise<number> | null = null;
  private again = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly recorder: DeliveryRecorder;
  private readonly agents = new SenderAgents();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    logger: Logger,
    private readonly config: WebhookConfig,
    private readonly background: BackgroundTasks,
    /** An email was queued and its transaction is durable: send it. */
    onEmailQueued: () => void,
    /** Told of each attempt once it is recorded (metrics). */
    private readonly onAttempt: (succeeded: boolean) => void = () => {},
  ) {
    this.recorder = new DeliveryRecorder(logger, onEmailQueued);
  }

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
    // A wake-up while the next retry is looked up (schedule) goes round again too, or it would wait for the timer.
    do {
      do {
        this.again = false;
        delivered += await this.round();
      } while (this.again && !this.closed);
      await this.schedule();
    } while (this.again && !this.closed);
    return delivered;
  }

  /** One batch of heads; goes round again when a line moved (its endpoint's next is now first in line). */
  private async round(): Promise<number> {
    const due = await this.store.reads.webhooks.due(this.clock.now().toISOString(), BATCH);
    if (due.length === BATCH) this.again = true;
    let delivered = 0;
    const queue = [...due];
    const work = async () => {
      for (let delivery = queue.shift(); delivery; delivery = queue.shift()) {
        const outcome = await this.attempt(delivery);
        delivered += outcome.delivered;
        if (outcome.moved) this.again = true;
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

  /** Claims the endpoint's line at this head, sends the run behind it and records it (nothing when another worker won). */
  private async attempt(due: WebhookDeliveryRow): Promise<RunOutcome> {
    const timeoutMs = this.config.timeoutMs ?? SEND_TIMEOUT_MS;
    // Measured from before the claim's transaction, so that waiting for it counts against the run.
    const claimedAt = this.clock.now().getTime();
    const at = new Date(claimedAt).toISOString();
    const claimedUntil = new Date(claimedAt + RUN_BUDGET_MS + timeoutMs + CLAIM_MARGIN_MS).toISOString();
    const run = await this.store.transaction(async (tx) => {
      const head = await tx.webhooks.claim(due, at, claimedUntil);
      return head ? [head, ...(await tx.webhooks.claimFollowers(head, at, claimedUntil, RUN - 1))] : [];
    });
    if (run.length === 0) return { delivered: 0, moved: false };
    const events = new Map((await this.store.reads.events.getMany(run.map((delivery) => delivery.eventId))).map((event) => [event.id, event]));
    let endpoint: WebhookEndpointRow | undefined;
    let endpointReadAt = -Infinity;
    const sent: Sent[] = [];
    for (const delivery of run) {
      const attemptedAt = this.clock.now();
      if (this.closed || attemptedAt.getTime() > claimedAt + RUN_BUDGET_MS) break;
      if (attemptedAt.getTime() - endpointReadAt >= ENDPOINT_RECHECK_MS) {
        // A run can outlast a change of its endpoint: a new URL is used from here on, and a disabled
        // or deleted endpoint ends the run (the rest is let go).
        endpoint = await this.store.reads.webhooks.endpointById(due.endpointId);
        endpointReadAt = attemptedAt.getTime();
      }
      const event = events.get(delivery.eventId);
      if (!endpoint?.enabled) break;
      if (!event) {
        // Deleted by retention while a resend queued it: failed for good, or it would block the line.
        sent.push({
          delivery,
          attemptedAt,
          result: { succeeded: false, status: null, latencyMs: 0, excerpt: null, error: "the event is no longer kept" },
          unsendable: true,
        });
        continue;
      }
      const result = await this.send(endpoint, event, timeoutMs);
      sent.push({ delivery, attemptedAt, result });
      if (!result.succeeded) break;
    }
    const outcome = await this.store.transaction((tx) => this.recorder.record(tx, run, sent, claimedUntil));
    for (const { result } of sent) this.onAttempt(result.succeeded);
    return outcome;
  }

  private send(endpoint: WebhookEndpointRow, event: EventRow, timeoutMs: number): Promise<SendResult> {
    const body = deliveryBody(event);
    // The signature's time is the wall clock's: receivers check it against theirs (a test clock would fail them).
    const sentAt = new Date();
    const sign = (secret: string) => new Webhook(secret).sign(event.id, sentAt, body);
    // After a rotation the previous secret signs too, until it expires: a receiver may check either.
    const previous = endpoint.previousSecret && endpoint.previousSecretExpiresAt && this.clock.now().toISOString() < endpoint.previousSecretExpiresAt;
    const headers = {
      "webhook-id": event.id,
      "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
      "webhook-signature": previous ? `${sign(endpoint.secret)} ${sign(endpoint.previousSecret!)}` : sign(endpoint.secret),
    };
    return postWebhook(endpoint.url, headers, body, this.config, timeoutMs, this.agents);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    this.agents.destroy();
  }
}
