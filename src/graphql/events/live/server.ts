/**
 * GraphQL subscriptions over WebSocket (the graphql-ws protocol) on /graphql, sharing the HTTP
 * server. A connection authenticates with `connectionParams.apiKey` (the same check as the HTTP
 * API's) and sees only its key's account's events; a revoked key's connections are closed at the
 * next check. Bounded: connections per key, subscriptions per connection, message size, and a
 * slow consumer is disconnected (./connection.ts).
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { getOperationAST, GraphQLError, parse, specifiedRules, validate, type GraphQLSchema, type ValidationRule } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer, type WebSocket } from "ws";
import { createErrorFormatter, ErrorCode, logGraphQLError, parseFailedError, validationFailedError } from "../../shared/errors.js";
import { createLiveContext } from "../../shared/context.js";
import { controlCharacterError } from "../../shared/input-text.js";
import { limitError } from "../../shared/limit-errors.js";
import type { Logger } from "../../../logger.js";
import type { Services } from "../../../services.js";
import { LiveConnection, type LiveContext } from "./connection.js";
import { LiveClose } from "../../../error-codes.js";
import { EventFollower } from "../../../events/live/follower.js";
import type { LiveSettings } from "../../../events/live/settings.js";
import { subscribeWithFreshLoaders } from "./per-event.js";

export interface LiveServerOptions {
  httpServer: Server;
  services: Services;
  schema: GraphQLSchema;
  /** The HTTP API's own limits (depth, aliases, cost …) and parse options, so a subscription meets the same. */
  validationRules: readonly ValidationRule[];
  parseOptions: { maxTokens: number };
  settings: LiveSettings;
  logger: Logger;
  production: boolean;
  /**
   * Counts an upgrade against the client address's rate limit (the HTTP API's): null to let it
   * through, or the seconds to wait when the address spent its window.
   */
  admitUpgrade?: (req: IncomingMessage) => Promise<{ retryAfterSeconds: number } | null>;
}

export interface LiveServer {
  follower: EventFollower;
  /** Open, authenticated connections on this node. */
  readonly connections: number;
  /** Closes every connection (1001, reconnect elsewhere) and stops following the log. */
  close(): Promise<void>;
}

/** How long a closing socket may take to say goodbye at shutdown before it is cut. */
const SHUTDOWN_GRACE_MS = 1000;

type Extra = {
  connection?: LiveConnection;
};

export function createLiveServer(options: LiveServerOptions): LiveServer {
  const { services, settings, logger, schema } = options;
  const follower = new EventFollower(services.store, services.events, settings.pollIntervalMs, logger);
  const byKey = new Map<string, Set<LiveConnection>>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxMessageBytes });
  const formatError = createErrorFormatter();
  const rules = [...specifiedRules, ...options.validationRules];
  let closing = false;

  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // No URL parsing: a malformed target must not throw in an event handler.
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/graphql" || closing) {
      socket.end(`HTTP/1.1 ${closing ? "503 Service Unavailable" : "404 Not Found"}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    // An address that opens connections faster than the API's limit allows is refused before any
    // WebSocket work (a refused handshake costs the server only this answer).
    let refused: { retryAfterSeconds: number } | null = null;
    // Node leaves an upgraded socket without an error listener: one reset while the limit is checked must not crash.
    const dropOnError = () => socket.destroy();
    socket.on("error", dropOnError);
    try {
      refused = (await options.admitUpgrade?.(req)) ?? null;
    } catch (error) {
      logger.warn("the rate limit of a WebSocket upgrade could not be checked", { error });
    }
    if (refused) {
      const body = `Too many requests for this client address; retry after ${refused.retryAfterSeconds} s\n`;
      socket.end(
        `HTTP/1.1 429 Too Many Requests\r\nretry-after: ${refused.retryAfterSeconds}\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    if (socket.destroyed) return;
    socket.off("error", dropOnError); // ws's own handler takes over
    wss.handleUpgrade(req, socket, head, (ws) => {
      // An oversized message is the client's mistake (ws closes with 1009): not graphql-ws's "internal error".
      const emit = ws.emit.bind(ws);
      ws.emit = ((event: string | symbol, ...args: unknown[]) => {
        const code = event === "error" ? (args[0] as { code?: unknown } | undefined)?.code : undefined;
        if (code !== "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") return emit(event, ...args);
        logger.info("live client sent a message over the size limit", { maxBytes: settings.maxMessageBytes });
        return true;
      }) as typeof ws.emit;
      wss.emit("connection", ws, req);
    });
  };
  const onUpgradeEvent = (req: IncomingMessage, socket: Duplex, head: Buffer) => void onUpgrade(req, socket, head);
  options.httpServer.on("upgrade", onUpgradeEvent);

  const forget = (connection: LiveConnection) => {
    const same = byKey.get(connection.keyId);
    same?.delete(connection);
    if (same?.size === 0) byKey.delete(connection.keyId);
  };

  /** The errors a client is sent: coded, masked and logged as over HTTP. */
  const format = (errors: readonly GraphQLError[]) =>
    errors.map((error) => {
      logGraphQLError(logger, error, { transport: "graphql-ws" });
      return formatError(error.toJSON(), error);
    });

  useServer<Record<string, unknown>, Extra>(
    {
      schema,
      subscribe: subscribeWithFreshLoaders,
      async onConnect(ctx) {
        const socket: WebSocket = ctx.extra.socket;
        const refuse = (code: number, reason: string) => {
          socket.close(code, reason);
          return false;
        };
        const apiKey = ctx.connectionParams?.apiKey;
        if (typeof apiKey !== "string" || apiKey === "")
          return refuse(LiveClose.unauthorized, "Unauthorized: send an account's API key as connectionParams.apiKey");
        let auth;
        try {
          auth = await services.accountService.authenticate(apiKey);
        } catch (error) {
          logger.warn("a live connection could not be authenticated", { error });
          return refuse(LiveClose.tryAgainLater, "The service is unavailable; try again later");
        }
        if (auth.kind === "admin") return refuse(LiveClose.forbidden, "Forbidden: the admin key has no account; use an account's API key");
        if (auth.kind !== "account") return refuse(LiveClose.unauthorized, "Unauthorized: the API key is not valid (unknown, malformed or revoked)");
        // Closed while the key was checked: nothing to keep.
        if (socket.readyState !== socket.OPEN || closing) return false;
        const same = byKey.get(auth.keyId) ?? new Set<LiveConnection>();
        if (same.size >= settings.maxConnectionsPerKey) {
          return refuse(LiveClose.tryAgainLater, `Too many connections for this API key (at most ${settings.maxConnectionsPerKey} per node)`);
        }
        const connection = new LiveConnection(socket, apiKey, auth.keyId, auth.accountId, settings, logger);
        same.add(connection);
        byKey.set(auth.keyId, same);
        ctx.extra.connection = connection;
        return true;
      },
      onClose(ctx) {
        if (ctx.extra.connection) forget(ctx.extra.connection);
      },
      onSubscribe(ctx, _id, payload) {
        const connection = ctx.extra.connection!;
        // Counts this one too: graphql-ws reserves its id before asking.
        const running = Object.keys(ctx.subscriptions).length;
        const max = settings.maxSubscriptionsPerConnection;
        if (running > max) {
          return [
            limitError("subscriptions", `A connection may run at most ${max} subscriptions at once; complete one, or open another connection`, {
              maximum: max,
              actual: running,
            }),
          ];
        }
        let document;
        try {
          document = parse(payload.query, options.parseOptions);
        } catch (error) {
          return [error instanceof GraphQLError ? parseFailedError(error) : new GraphQLError(String(error))];
        }
        const operation = getOperationAST(document, payload.operationName);
        if (operation && operation.operation !== "subscription") {
          const message = `Only subscriptions are served over WebSocket; send a ${operation.operation} with POST /graphql`;
          return [new GraphQLError(message, { extensions: { code: ErrorCode.BAD_REQUEST } })];
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return errors.map((error) => validationFailedError(error, options.production));
        const refused = controlCharacterError(document, payload.variables);
        if (refused) return [refused];
        const auth = { kind: "account" as const, accountId: connection.accountId, keyId: connection.keyId };
        const contextValue: LiveContext = {
          ...createLiveContext(services, `live-${connection.keyId}`, auth),
          accountId: connection.accountId,
          follower,
          connection,
        };
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors) } : undefined),
      isProd: options.production,
    },
    wss,
  );

  // Each key with connections is checked again now and then: a revoked key's subscriptions end.
  let checking = false;
  const authCheck = setInterval(async () => {
    if (checking || byKey.size === 0) return;
    checking = true;
    try {
      for (const connections of [...byKey.values()]) {
        const [first] = connections;
        if (!first) continue;
        const auth = await services.accountService.authenticate(first.apiKey).catch(() => null);
        // The store unreachable (null): keep the connections until it answers.
        if (auth && (auth.kind !== "account" || auth.keyId !== first.keyId)) {
          for (const connection of connections) connection.end(LiveClose.unauthorized, "Unauthorized: the API key was revoked");
        }
      }
    } finally {
      checking = false;
    }
  }, settings.authCheckIntervalMs);
  authCheck.unref();

  return {
    follower,
    get connections() {
      let count = 0;
      for (const connections of byKey.values()) count += connections.size;
      return count;
    },
    async close() {
      closing = true;
      clearInterval(authCheck);
      for (const socket of wss.clients) {
        socket.close(LiveClose.goingAway, "The server is shutting down; reconnect");
        setTimeout(() => socket.terminate(), SHUTDOWN_GRACE_MS).unref();
      }
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      options.httpServer.off("upgrade", onUpgradeEvent);
      await follower.stop();
    },
  };
}
