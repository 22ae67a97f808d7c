/**
 * One HTTP POST of a signed delivery: connects only to allowed addresses (./urls.ts), follows no
 * redirect, gives up after the timeout, and keeps no more of the answer than a short excerpt.
 */
import http from "node:http";
import https from "node:https";
import { guardedLookup, refusedLiteral, type UrlPolicy } from "./urls.js";

export const SEND_TIMEOUT_MS = 10_000;
export const EXCERPT_CHARS = 500;

/**
 * Kept-alive connections of one sender, so a busy endpoint is not a new connection per delivery.
 * One pair per sender and its policy: a socket is reused only for the host it was opened to, through
 * that sender's own guarded lookup.
 */
export class SenderAgents {
  // An idle connection is closed after a few seconds: receivers close theirs too (Node's own server
  // after 5 s), and one reused just as the other side closes it fails the send.
  readonly http = new http.Agent({ keepAlive: true, maxFreeSockets: 64, timeout: 4_000 });
  readonly https = new https.Agent({ keepAlive: true, maxFreeSockets: 64, timeout: 4_000 });

  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

export interface SendResult {
  succeeded: boolean;
  status: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
}

export async function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  policy: UrlPolicy,
  timeoutMs = SEND_TIMEOUT_MS,
  agents?: SenderAgents,
): Promise<SendResult> {
  const result = await postOnce(target, headers, body, policy, timeoutMs, agents);
  // A kept-alive connection the receiver had just closed: not the receiver's failure, so once more on a new one.
  if (!result.reusedClosed) return result.sent;
  return (await postOnce(target, headers, body, policy, timeoutMs, agents)).sent;
}

function postOnce(
  target: string,
  headers: Record<string, string>,
  body: string,
  policy: UrlPolicy,
  timeoutMs: number,
  agents: SenderAgents | undefined,
): Promise<{ sent: SendResult; reusedClosed: boolean }> {
  const started = performance.now();
  const done = (result: Omit<SendResult, "latencyMs">): SendResult => ({ ...result, latencyMs: Math.round(performance.now() - started) });
  const url = new URL(target);
  const literal = refusedLiteral(url, policy);
  if (literal)
    return Promise.resolve({ sent: done({ succeeded: false, status: null, excerpt: null, error: `refused to connect to ${literal}` }), reusedClosed: false });
  return new Promise((resolve) => {
    let settled = false;
    let answered = false;
    const finish = (result: Omit<SendResult, "latencyMs">, reusedClosed = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve({ sent: done(result), reusedClosed });
    };
    const client = url.protocol === "https:" ? https : http;
    const request = client.request(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "pricing-api-webhooks/1" },
      lookup: guardedLookup(policy) as never,
      agent: agents ? (url.protocol === "https:" ? agents.https : agents.http) : false,
    });
    const timer = setTimeout(() => finish({ succeeded: false, status: null, excerpt: null, error: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
    request.on("error", (error) =>
      finish(
        { succeeded: false, status: null, excerpt: null, error: error.message },
        request.reusedSocket && !answered && (error as NodeJS.ErrnoException).code === "ECONNRESET",
      ),
    );
    request.on("response", (response) => {
      answered = true;
      const status = response.statusCode ?? 0;
      const succeeded = status >= 200 && status < 300;
      let text = "";
      response.setEncoding("utf8");
      // Only the excerpt is read: a huge or endless body is cut off, never buffered.
      response.on("data", (chunk: string) => {
        text += chunk;
        if (text.length >= EXCERPT_CHARS) finish({ succeeded, status, excerpt: text.slice(0, EXCERPT_CHARS), error: succeeded ? null : `HTTP ${status}` });
      });
      response.on("end", () => finish({ succeeded, status, excerpt: text || null, error: succeeded ? null : `HTTP ${status}` }));
      response.on("error", () => finish({ succeeded, status, excerpt: text.slice(0, EXCERPT_CHARS) || null, error: succeeded ? null : `HTTP ${status}` }));
    });
    request.end(body);
  });
}
