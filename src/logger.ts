/**
 * Structured JSON logs (pino), one object per line; `child` binds fields such as the request id.
 *
 * The one place that makes a log line safe and parseable: no key appears twice (a field named
 * like one the line has already is renamed); a field holding an Error is logged as its class, code
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

/** The keys every line has of its own (messageKey, level, time): pino writes a field of the same name as well. */
const LINE_KEYS: ReadonlySet<string> = new Set(["message", "level", "time"]);

/** `taken`: the line's own keys and those a child bound; a field of one of those names is renamed. */
function wrap(logger: Pino, taken: ReadonlySet<string>): Logger {
  return {
    info: (message, fields) => logger.info(fields ? safeFields(fields, false, taken) : {}, redact(message)),
    warn: (message, fields) => logger.warn(fields ? safeFields(fields, false, taken) : {}, redact(message)),
    error: (message, fields) => logger.error(fields ? safeFields(fields, true, taken) : {}, redact(message)),
    child: (bindings) => {
      const bound = safeFields(bindings, false, taken);
      return wrap(logger.child(bound), new Set([...taken, ...Object.keys(bound)]));
    },
  };
}

/**
 * The fields as logged: errors described, strings redacted, and a field named like a key the line
 * has already (its message, a child's binding) renamed (message: contextMessage): pino would write
 * both, and a JSON parser keeps only the last of two equal keys.
 */
function safeFields(fields: Record<string, unknown>, withStack: boolean, taken: ReadonlySet<string>): Record<string, unknown> {
  let safe: Record<string, unknown> | undefined;
  for (const name in fields) {
    const value = fields[name];
    const replaced = value instanceof Error ? describeError(value, withStack) : typeof value === "string" ? redact(value) : value;
    if (taken.has(name)) {
      safe ??= { ...fields };
      delete safe[name];
      safe[freeName(name, taken, safe)] = replaced;
    } else if (replaced !== value) (safe ??= { ...fields })[name] = replaced;
  }
  return safe ?? fields;
}

function freeName(name: string, taken: ReadonlySet<string>, fields: Record<string, unknown>): string {
  const base = `context${name[0].toUpperCase()}${name.slice(1)}`;
  let candidate = base;
  for (let n = 2; taken.has(candidate) || Object.hasOwn(fields, candidate); n++) candidate = `${base}${n}`;
  return candidate;
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
  return wrap(destination ? pino(options, destination) : pino(options), LINE_KEYS);
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, child: () => silentLogger };
