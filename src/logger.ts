/**
 * Structured JSON logs (pino), one object per line; `child` binds fields such as the request id.
 *
 * The one place that makes a log line safe: a field holding an Error is logged as its class, code
 * and message (with its stack at error level), and no field says a query's parameters (drizzle
 * words a failed query as "Failed query: … params: …", and they carry what users sent: emails,
 * idempotency keys, webhook secrets) or a secret of ours (API keys, webhook signing secrets).
 */
import { pino, type DestinationStream, type Logger as Pino } from "pino";

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function wrap(logger: Pino): Logger {
  return {
    info: (message, fields) => logger.info(fields ? safeFields(fields, false) : {}, redact(message)),
    warn: (message, fields) => logger.warn(fields ? safeFields(fields, false) : {}, redact(message)),
    error: (message, fields) => logger.error(fields ? safeFields(fields, true) : {}, redact(message)),
    child: (bindings) => wrap(logger.child(safeFields(bindings, false))),
  };
}

function safeFields(fields: Record<string, unknown>, withStack: boolean): Record<string, unknown> {
  let safe: Record<string, unknown> | undefined;
  for (const name in fields) {
    const value = fields[name];
    const replaced = value instanceof Error ? describeError(value, withStack) : typeof value === "string" ? redact(value) : value;
    if (replaced !== value) (safe ??= { ...fields })[name] = replaced;
  }
  return safe ?? fields;
}

/** Drizzle's "params: …" runs to the end of its message, which a stack continues with "    at …". */
const QUERY_PARAMS = /\nparams: [\s\S]*?(?=\n\s+at |$)/g;
/** API keys (pak_…, adm_…) and webhook signing secrets (whsec_…), as src/accounts/keys.ts and webhooks make them. */
const SECRET = /\b(?:pak_[A-Za-z0-9]+_|adm_|whsec_)[A-Za-z0-9+/=_-]{16,}/g;

/** `text` without query parameters or secrets. */
export function redact(text: string): string {
  if (!text.includes("params: ") && !text.includes("_")) return text;
  return text.replace(QUERY_PARAMS, "").replace(SECRET, "(secret not logged)");
}

/** What a log line says of an error: class, code (the driver's, from beneath wrappers), message and causes; the stack when asked. */
export function describeError(error: Error, withStack = false): Record<string, unknown> {
  const described: Record<string, unknown> = { class: error.name, message: redact(error.message) };
  const causes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (described.code === undefined && (typeof code === "string" || typeof code === "number")) described.code = code;
    if (current !== error) causes.push(`${current.name}: ${redact(current.message)}`);
    current = (current as { originalError?: unknown }).originalError ?? current.cause;
  }
  if (causes.length > 0) described.causes = causes;
  if (withStack && error.stack) described.stack = redact(error.stack);
  return described;
}

let lastMillisecond = -1;
let lastTime = "";

/** pino's ISO timestamp, formatted once per millisecond: busy servers log many lines in each. */
function isoTime(): string {
  const now = Date.now();
  if (now !== lastMillisecond) {
    lastMillisecond = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

export function createLogger(level: LogLevel = "info", destination?: DestinationStream): Logger {
  const options = {
    level,
    messageKey: "message",
    base: undefined,
    timestamp: isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return wrap(destination ? pino(options, destination) : pino(options));
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, child: () => silentLogger };
