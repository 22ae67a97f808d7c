/** The one way every answer is written: status, headers (on top of those already set), body. */
import type { ServerResponse } from "node:http";

export type Headers = Iterable<readonly [string, string]> | Record<string, string>;

export function respond(res: ServerResponse, status: number, headers: Headers, body: string | Buffer): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [name, value] of Symbol.iterator in headers ? (headers as Iterable<readonly [string, string]>) : Object.entries(headers))
    res.setHeader(name, value);
  res.statusCode = status;
  res.end(body);
}
