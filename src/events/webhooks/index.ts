/** Outgoing webhooks, wired: the fan-out on the event log, the delivery worker, the endpoints. */
import type { BackgroundTasks } from "../../background.js";
import type { Clock } from "../../clock.js";
import type { Logger } from "../../logger.js";
import type { Store } from "../../store/store.js";
import type { EventLog } from "../log.js";
import { WebhookDeliveryWorker, type WebhookConfig } from "./delivery.js";
import { WebhookEndpointService } from "./endpoints.js";

export type { WebhookConfig };

/** Outside production, local receivers (http://localhost:…) work; in production only public https URLs. */
export const defaultWebhookConfig = (nodeEnv: string): WebhookConfig => ({ requireHttps: nodeEnv === "production", allowPrivate: nodeEnv !== "production" });

export function createWebhooks(deps: {
  store: Store;
  clock: Clock;
  logger: Logger;
  config: WebhookConfig;
  background: BackgroundTasks;
  events: EventLog;
  onEmailQueued: () => void;
  onAttempt?: (succeeded: boolean) => void;
}) {
  const worker = new WebhookDeliveryWorker(deps.store, deps.clock, deps.logger, deps.config, deps.background, deps.onEmailQueued, deps.onAttempt);
  deps.events.onDeliveriesQueued(() => worker.wake());
  const endpoints = new WebhookEndpointService(deps.store, deps.clock, deps.config, () => worker.wake());
  return {
    endpoints,
    worker,
    /** Periodic backstop (the sweeper): what came due without a wake-up on this node. */
    deliverDue: () => worker.deliverDue(),
    close: () => worker.close(),
  };
}

export type Webhooks = ReturnType<typeof createWebhooks>;
