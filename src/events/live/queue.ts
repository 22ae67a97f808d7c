/**
 * The async iterator a subscription's `subscribe` returns: the follower pushes, graphql-ws pulls
 * as fast as the socket takes it. What waits here is bounded by the connection (a slow consumer
 * is disconnected), not here.
 */
export class LiveQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private failure: ((error: Error) => void) | null = null;
  private done = false;
  private error: Error | null = null;

  /** `onEnd`: run once when the subscription ends, whichever side ends it. */
  constructor(private onEnd: () => void = () => {}) {}

  get size(): number {
    return this.items.length;
  }

  get ended(): boolean {
    return this.done;
  }

  /** Sets what ends the source (known once the follower has started following). */
  setOnEnd(onEnd: () => void): void {
    if (this.done) onEnd();
    else this.onEnd = onEnd;
  }

  push(item: T): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = this.failure = null;
      resolve({ value: item, done: false });
    } else this.items.push(item);
  }

  /** Ends the subscription with an error the client is sent. */
  fail(error: Error): void {
    if (this.done) return;
    if (this.failure) {
      const reject = this.failure;
      this.finish();
      reject(error);
    } else {
      this.error = error;
      this.finish();
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.error) {
      const error = this.error;
      this.error = null;
      return Promise.reject(error);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failure = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.items.length = 0;
    const resolve = this.waiting;
    this.waiting = this.failure = null;
    resolve?.({ value: undefined, done: true });
    this.onEnd();
  }
}
