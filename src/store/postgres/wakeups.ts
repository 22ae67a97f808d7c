/**
 * Wake-ups between nodes over PostgreSQL's LISTEN/NOTIFY: after a node commits events it tells the
 * others which accounts have new ones, so their live subscribers hear of them in milliseconds
 * rather than at the next poll. A hint only: the events are read from the log, and the poll stays
 * as the backstop for a wake-up lost to a dropped connection.
 *
 * Notifications are sent after the commit, outside the event's transaction (a NOTIFY inside it
 * would take PostgreSQL's global notify lock at every commit), coalesced over 25 ms.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { EventWakeups } from "../store.js";

const CHANNEL = "pricing_api_events";
/**
 * Announcements gathered before one NOTIFY: at most 40 a second per node, whatever the load (one
 * per event would add a round trip to every change), for a few tens of milliseconds more latency.
 */
const COALESCE_MS = 25;
/** NOTIFY's payload must stay under 8000 bytes. */
const MAX_PAYLOAD = 7000;
const RECONNECT_MS = 1000;

export class PgEventWakeups implements EventWakeups {
  /** This node's own notifications come back to it: they are recognised by this tag and skipped. */
  private readonly node = randomBytes(6).toString("hex");
  private readonly pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(accountIds: string[] | null) => void>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  announce(accountId: string): void {
    if (this.closed) return;
    this.pending.add(accountId);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      this.flushing = this.flushing.then(() => this.flush());
    }, COALESCE_MS);
  }

  listen(listener: (accountIds: string[] | null) => void): () => void {
    this.listeners.add(listener);
    void this.connect();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Whether the listening connection is up (for tests). */
  get listening(): boolean {
    return this.client !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.retry) clearTimeout(this.retry);
    await this.flushing;
    await this.connecting;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async flush(): Promise<void> {
    const accounts = [...this.pending];
    this.pending.clear();
    for (const payload of this.payloads(accounts)) {
      try {
        await this.pool.query("SELECT pg_notify($1, $2)", [CHANNEL, payload]);
      } catch (error) {
        // Lost: the other nodes find these events at their next poll.
        this.onError(error);
      }
    }
  }

  /** "<node>|id,id,…", as many payloads as the accounts need. */
  private payloads(accounts: string[]): string[] {
    const payloads: string[] = [];
    let ids: string[] = [];
    let length = this.node.length;
    for (const id of accounts) {
      if (ids.length > 0 && length + 1 + id.length > MAX_PAYLOAD) {
        payloads.push(`${this.node}|${ids.join(",")}`);
        ids = [];
        length = this.node.length;
      }
      ids.push(id);
      length += 1 + id.length;
    }
    if (ids.length > 0) payloads.push(`${this.node}|${ids.join(",")}`);
    return payloads;
  }

  private connect(): Promise<void> {
    if (this.closed || this.client || this.connecting) return this.connecting ?? Promise.resolve();
    this.connecting = (async () => {
      const client = new pg.Client({
        connectionString: this.url,
        connectionTimeoutMillis: 5_000,
        // A half-open connection (a partition) is noticed within seconds, and then reopened.
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
        application_name: "pricing-account-api wake-ups",
      });
      client.on("notification", (message) => this.heard(message));
      client.on("error", (error) => this.dropped(client, error));
      client.on("end", () => this.dropped(client));
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANNEL}`);
      } catch (error) {
        await client.end().catch(() => undefined);
        this.dropped(client, error);
        return;
      }
      if (this.closed) return void (await client.end().catch(() => undefined));
      this.client = client;
      // Whatever was announced while this node was not listening is unknown: read everything.
      this.tell(null);
    })().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private heard(message: pg.Notification): void {
    if (message.channel !== CHANNEL || !message.payload) return;
    const bar = message.payload.indexOf("|");
    if (bar === -1 || message.payload.slice(0, bar) === this.node) return;
    this.tell(message.payload.slice(bar + 1).split(","));
  }

  private tell(accountIds: string[] | null): void {
    for (const listener of this.listeners) {
      try {
        listener(accountIds);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  /** The listening connection failed or ended: listen again shortly (the poll covers the gap). */
  private dropped(client: pg.Client, error?: unknown): void {
    if (error) this.onError(error);
    if (this.client === client) this.client = null;
    if (this.closed || this.retry || this.client || this.listeners.size === 0) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, RECONNECT_MS);
    this.retry.unref();
  }
}
