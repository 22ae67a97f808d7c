/**
 * A real graphql-ws client (with `ws`) for the live-subscription tests: connect with a key, subscribe,
 * and wait for what arrives, with a deadline.
 */
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import type { EventData, EventType, JobState } from "../src/events/definitions.js";
import type { TestServer } from "./helpers.js";

export interface LiveClient {
  client: Client;
  /** Resolves with the close event's code and reason once the socket closes. */
  closed: Promise<{ code: number; reason: string }>;
  subscribe<T = any>(query: string, variables?: Record<string, unknown>): LiveSubscription<T>;
  dispose(): Promise<void>;
}

export interface LiveSubscription<T> {
  values: T[];
  errors: unknown[];
  completed: Promise<void>;
  /** Waits until `count` values arrived (at most `ms`); returns them. */
  take(count: number, ms?: number): Promise<T[]>;
  stop(): void;
}

export const wsUrl = (server: { url: string }) => `${server.url.replace(/^http/, "ws")}/graphql`;

export function liveClient(server: { url: string }, connectionParams: Record<string, unknown> | undefined): LiveClient {
  let closedWith: (value: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (closedWith = resolve));
  const client = createClient({
    url: wsUrl(server),
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => {},
    on: { closed: (event) => closedWith({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason) }) },
  });
  return {
    client,
    closed,
    subscribe<T>(query: string, variables?: Record<string, unknown>) {
      const values: T[] = [];
      const errors: unknown[] = [];
      const waiters = new Set<() => void>();
      const wake = () => waiters.forEach((waiter) => waiter());
      let complete: () => void;
      const completed = new Promise<void>((resolve) => (complete = resolve));
      const stop = client.subscribe<T>(
        { query, variables },
        {
          next: (result) => {
            if (result.errors) errors.push(...result.errors);
            else values.push(result.data as T);
            wake();
          },
          error: (error) => {
            // graphql-ws hands over an Error message's payload: a list of errors.
            errors.push(...(Array.isArray(error) ? error : [error]));
            complete();
            wake();
          },
          complete: () => {
            complete();
            wake();
          },
        },
      );
      return {
        values,
        errors,
        completed,
        stop,
        take: (count, ms = 2000) =>
          new Promise<T[]>((resolve, reject) => {
            const check = () => {
              if (values.length < count) return;
              waiters.delete(check);
              clearTimeout(timer);
              resolve(values.slice(0, count));
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              reject(new Error(`${values.length} of ${count} values within ${ms} ms; errors: ${JSON.stringify(errors)}`));
            }, ms);
            waiters.add(check);
            check();
          }),
      };
    },
    dispose: async () => {
      await client.dispose();
    },
  };
}

/** Waits until `condition` holds (at most `ms`). */
export async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Writes an event as the domain would, in a transaction of the server's store. */
export function recordEvent<T extends EventType>(server: TestServer, accountId: string, type: T, data: EventData<T>) {
  return server.store.transaction((tx) => server.app.services.events.record(tx, accountId, type, data));
}

/** A wallet.credits_added event's data: the wallet's figures after it. */
export const walletData = (provider: string, balance: string, reserved = "0"): EventData<"wallet.credits_added"> => ({
  wallet: { provider, balance, reserved, available: String(Number(balance) - Number(reserved)), owed: "0" },
  grant: null,
  change: { type: "BONUS", credits: balance, transactionId: "txn_000000000000000000000000", refundOf: null },
});

/** A job event's data: the job and its wallet after it. */
export const jobData = (id: string, status: JobState["status"], provider = "ugen"): EventData<"job.completed"> => ({
  job: {
    id,
    status,
    provider,
    product: null,
    reservedCredits: "5",
    consumedCredits: status === "COMPLETED" ? "5" : "0",
    failureReason: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    expiresAt: "2026-01-02T00:00:00.000Z",
    resolvedAt: status === "RESERVED" ? null : "2026-01-01T01:00:00.000Z",
  },
  wallet: { provider, balance: "15", reserved: "0", available: "15", owed: "0" },
});
