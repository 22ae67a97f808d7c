/**
 * Responses to public queries: requests without an API key can only read the catalog and price
 * estimates, which depend on nothing but the catalog. An identical request (same body, same Accept)
 * gets the stored response while the catalog's version is unchanged. Bounded in entries and size;
 * the server stores only successful query responses.
 */
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";

interface Entry {
  version: string;
  headers: Array<[string, string]>;
  body: string;
}

export class PublicResponseCache {
  private readonly entries: LRUCache<string, Entry>;

  constructor(
    maxEntries = 2000,
    private readonly maxBodyBytes = 256 * 1024,
  ) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  /** A short request is its own key (hashing it cost more than the lookup); a long one, its SHA-256. */
  key(accept: string, body: string): string {
    if (body.length <= 2048) return `${accept}\n${body}`;
    // base64url has no newline, so a digest never equals a short request's key.
    return createHash("sha256").update(accept).update("\n").update(body).digest("base64url");
  }

  get(key: string, version: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.version === version) return entry;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, version: string, headers: Array<[string, string]>, body: string): void {
    if (body.length > this.maxBodyBytes) return;
    this.entries.set(key, { version, headers, body });
  }

  get size(): number {
    return this.entries.size;
  }
}
