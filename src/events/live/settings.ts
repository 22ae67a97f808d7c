/** Bounds and timings of live subscriptions (LIVE_* variables; see README, "Live updates"). */
export interface LiveSettings {
  /** WebSocket connections one API key may hold open on one node. */
  maxConnectionsPerKey: number;
  /** Subscriptions running at once on one connection. */
  maxSubscriptionsPerConnection: number;
  /** Largest message a client may send (ws `maxPayload`); a larger one closes the socket with 1009. */
  maxMessageBytes: number;
  /** Unsent bytes a socket may hold before its client counts as a slow consumer and is disconnected. */
  maxBufferedBytes: number;
  /** Events one subscription may hold waiting to be sent before the same happens. */
  maxQueuedEvents: number;
  /** How often the follower reads the event log for events committed on other nodes. */
  pollIntervalMs: number;
  /** How often each connected key is checked again, so a revoked key's subscriptions end. */
  authCheckIntervalMs: number;
}

export const DEFAULT_LIVE: LiveSettings = {
  maxConnectionsPerKey: 10,
  maxSubscriptionsPerConnection: 20,
  maxMessageBytes: 64 * 1024,
  maxBufferedBytes: 1024 * 1024,
  maxQueuedEvents: 1000,
  pollIntervalMs: 250,
  authCheckIntervalMs: 5000,
};
