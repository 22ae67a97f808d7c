/**
 * Recording what a run of sends did, in one transaction: every attempt, each delivery settled
 * while the run's claim is still its own, the unsent rest let go, and the endpoint's run of
 * failures (3 days of it disable the endpoint, and the account is told by email).
 */
import type { Logger } from "../../logger.js";
import type { WebhookDeliveryRow, WebhookEndpointRow } from "../../store/repositories/index.js";
import type { Tx } from "../../store/store.js";
import type { SendResult } from "./send.js";

const SECOND = 1000;
const DAY = 24 * 3600 * SECOND;
/** Waits after the 1st, 2nd … failed attempt; the last repeats. */
export const BACKOFF_MS = [5 * SECOND, 30 * SECOND, 120 * SECOND, 600 * SECOND, 3600 * SECOND, 3 * 3600 * SECOND, 6 * 3600 * SECOND];
/** A delivery is retried this long, then FAILED; an endpoint failing this long is disabled. */
export const RETRY_WINDOW_MS = 3 * DAY;

/** The wait after `failures` failed attempts, with ±20 % jitter so retries of many deliveries spread out. */
export const backoff = (failures: number) => BACKOFF_MS[Math.min(failures - 1, BACKOFF_MS.length - 1)] * (0.8 + Math.random() * 0.4);

/** One send of a claimed delivery: when it was made and what came back. */
export interface Sent {
  delivery: WebhookDeliveryRow;
  attemptedAt: Date;
  result: SendResult;
  /** Not sent, and never will be (its event is gone): FAILED at once, not the endpoint's failure. */
  unsendable?: boolean;
}

export interface RunOutcome {
  delivered: number;
  /** Whether the endpoint's line moved (a delivery settled for good, or unsent ones let go): look again. */
  moved: boolean;
}

export class DeliveryRecorder {
  constructor(
    private readonly logger: Logger,
    /** An email was queued and its transaction is durable: send it. */
    private readonly onEmailQueued: () => void,
  ) {}

  /** `run` is what was claimed under `claimedUntil`, in event order; `sent` its first sends (a failure ends them). */
  async record(tx: Tx, run: WebhookDeliveryRow[], sent: Sent[], claimedUntil: string): Promise<RunOutcome> {
    // Deleted while the sends were in flight: its deliveries and attempts went with it.
    const endpoint = await tx.webhooks.endpointById(run[0].endpointId);
    if (!endpoint) return { delivered: 0, moved: false };
    await tx.webhooks.insertAttempts(
      sent.map(({ delivery, attemptedAt, result }) => ({
        deliveryId: delivery.id,
        endpointId: delivery.endpointId,
        eventId: delivery.eventId,
        attemptedAt: attemptedAt.toISOString(),
        succeeded: result.succeeded,
        responseStatus: result.status,
        latencyMs: result.latencyMs,
        responseExcerpt: result.excerpt,
        error: result.error,
      })),
    );
    let delivered = 0;
    let moved = false;
    let failingSince = endpoint.failingSince;
    for (const { delivery, attemptedAt, result, unsendable } of sent) {
      const at = attemptedAt.toISOString();
      if (unsendable) {
        if (await tx.webhooks.settle(delivery.id, claimedUntil, { status: "FAILED", nextAttemptAt: at, deliveredAt: null })) moved = true;
        continue;
      }
      if (result.succeeded) {
        failingSince = null;
        if (await tx.webhooks.settle(delivery.id, claimedUntil, { status: "DELIVERED", nextAttemptAt: at, deliveredAt: at })) delivered++;
        continue;
      }
      const deadline = new Date(delivery.createdAt).getTime() + RETRY_WINDOW_MS;
      const status = attemptedAt.getTime() >= deadline ? "FAILED" : "PENDING";
      const next = new Date(Math.min(attemptedAt.getTime() + backoff(delivery.attempts), deadline)).toISOString();
      const settled = await tx.webhooks.settle(delivery.id, claimedUntil, { status, nextAttemptAt: status === "FAILED" ? at : next, deliveredAt: null });
      if (settled && status === "FAILED") moved = true;
      failingSince ??= at;
      this.logger.warn("webhook delivery failed", { endpointId: endpoint.id, eventId: delivery.eventId, error: result.error });
    }
    const unsent = run.slice(sent.length).map((delivery) => delivery.id);
    await tx.webhooks.release(unsent, claimedUntil);
    const last = sent.filter((one) => !one.unsendable).at(-1);
    if (
      last &&
      !last.result.succeeded &&
      endpoint.enabled &&
      failingSince &&
      last.attemptedAt.getTime() - new Date(failingSince).getTime() >= RETRY_WINDOW_MS
    ) {
      await this.disable(tx, endpoint, failingSince, last.attemptedAt.toISOString());
    } else if (failingSince !== endpoint.failingSince) {
      await tx.webhooks.updateEndpoint(endpoint.accountId, endpoint.id, { failingSince });
    }
    return { delivered, moved: moved || delivered > 0 || (sent.length > 0 && unsent.length > 0) };
  }

  /** Failing for 3 days: disabled, and the account told at the addresses of its credit alerts. */
  private async disable(tx: Tx, endpoint: WebhookEndpointRow, failingSince: string, at: string): Promise<void> {
    const reason = `Every delivery failed from ${failingSince} to ${at}`;
    await tx.webhooks.updateEndpoint(endpoint.accountId, endpoint.id, { enabled: false, failingSince, disabledReason: reason, updatedAt: at });
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
}
