/** Reading a request's body: size limit, strict UTF-8, JSON; each refusal is an HttpError (4xx). */
import type { IncomingMessage } from "node:http";
import { HttpError } from "./errors.js";

/** Reads the raw body, refusing (413) as soon as it passes the limit rather than buffering it all. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new HttpError(413, `Request body is larger than ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `Request body is larger than ${limit} bytes`));
        req.removeAllListeners("data");
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A body with bytes that are not UTF-8 is refused, not silently repaired into U+FFFD. */
export function decodeUtf8(body: Buffer): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw new HttpError(400, "Request body is not valid UTF-8");
  }
}

/** Apollo takes the parsed JSON body; other content types reach it as text, which it refuses with a 400. */
export function parseJsonBody(contentType: string | undefined, body: string): unknown {
  const mediaType = contentType?.split(";")[0].trim().toLowerCase();
  if (mediaType !== "application/json" && mediaType !== "application/graphql-response+json") return body;
  if (body.trim() === "") return undefined;
  try {
    return JSON.parse(body);
  } catch {
    throw new HttpError(400, "Request body is not valid JSON");
  }
}
