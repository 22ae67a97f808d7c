/**
 * One authenticated WebSocket connection: its key and account, and the slow-consumer rule. A client
 * that does not read is disconnected rather than buffered for without limit.
 */
import type { WebSocket } from "ws";
import { LiveClose } from "../../../error-codes.js";
import type { Logger } from "../../../logger.js";
import type { Context } from "../../shared/context.js";
import type { EventFollower } from "../../../events/live/follower.js";
import type { LiveSettings } from "../../../events/live/settings.js";

/** How long a closed socket may take to say goodbye before it is cut. */
const CLOSE_GRACE_MS = 1000;

export class LiveConnection {
  private ending = false;

  constructor(
    readonly socket: WebSocket,
    readonly apiKey: string,
    readonly keyId: string,
    readonly accountId: string,
    private readonly settings: LiveSettings,
    private readonly logger: Logger,
  ) {}

  /** Being closed: nothing more is queued for it. */
  get closing(): boolean {
    return this.ending;
  }

  /** After an event was queued for one of its subscriptions (`queued`: that subscription's backlog). */
  checkBackpressure(queued: number): void {
    const buffered = this.socket.bufferedAmount;
    if (buffered <= this.settings.maxBufferedBytes && queued <= this.settings.maxQueuedEvents) return;
    this.logger.info("slow live subscriber disconnected", { accountId: this.accountId, keyId: this.keyId, bufferedBytes: buffered, queuedEvents: queued });
    this.end(LiveClose.policyViolation, "Slow consumer: events were not read fast enough; reconnect and catch up with viewer.events");
  }

  /** Closes with a code and reason; a socket that cannot send them (it is not read) is cut after a grace period. */
  end(code: number, reason: string): void {
    if (this.ending) return;
    this.ending = true;
    this.socket.close(code, reason);
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
  }
}

/** What the subscription resolvers receive. */
/** A subscription's context: a request's (its account's key, fresh loaders), and the connection's follower. */
export interface LiveContext extends Context {
  accountId: string;
  follower: EventFollower;
  connection: LiveConnection;
}
