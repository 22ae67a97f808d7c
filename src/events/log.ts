/**
 * The event log: every change a partner cares about is written as an event in the same
 * transaction as the change (a transactional outbox), numbered per account. Outgoing webhooks
 * fan out from it in that transaction (a delivery row per endpoint that wants it, written by the
 * same append); live subscriptions follow it, on every node, by sequence number.
 */
import { randomHex } from "../ids.js";
import type { Clock } from "../clock.js";
import type { EventRow } from "../store/repositories/index.js";
import type { Tx } from "../store/store.js";
import { EVENT_TYPES, type EventData, type EventType } from "./definitions.js";

export { EVENT_TYPES, type EventType } from "./definitions.js";

/** An event just written: its data is of the shape its type declares (./definitions.ts). */
export type EventRecord<T extends EventType = EventType> = Omit<EventRow, "data" | "type"> & { type: T; data: EventData<T> };

export class EventLog {
  private readonly committedListeners = new Set<(event: EventRecord) => void>();
  private deliveriesQueued: () => void = () => {};

  constructor(private readonly clock: Clock) {}

  /**
   * Writes an event of the account, in the transaction of the change it tells of, with a webhook
   * delivery for each of the account's endpoints that wants it (the store's append).
   */
  async record<T extends EventType>(tx: Tx, accountId: string, type: T, data: EventData<T>): Promise<EventRecord<T>> {
    const written = { id: `evt_${randomHex(12)}`, accountId, type, data, createdAt: this.clock.now().toISOString() };
    const { seq, deliveries } = await tx.events.append(written);
    const event: EventRecord<T> = { ...written, seq };
    if (deliveries > 0) tx.afterCommit(this.deliveriesQueued);
    // This node's followers hear of it at once; other nodes' find it on their next read of the log.
    tx.afterCommit(() => {
      for (const listener of this.committedListeners) listener(event);
    });
    return event;
  }

  /** Told after a commit that queued webhook deliveries (the delivery worker's wake-up; set once, at start). */
  onDeliveriesQueued(wake: () => void): void {
    this.deliveriesQueued = wake;
  }

  /** Told of each event this node committed, after the commit; returns the unsubscribe. */
  onCommitted(listener: (event: EventRecord) => void): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }
}

export const isEventType = (type: string): type is EventType => (EVENT_TYPES as readonly string[]).includes(type);

/** Of a filter's types, those that are no event type (quoted, for a refusal's message). */
export const unknownEventTypes = (types: readonly string[] | null | undefined): string[] =>
  (types ?? []).filter((type) => !isEventType(type)).map((type) => `"${type}"`);
