/**
 * API keys. A key is `pak_<mode>_<key id>_<secret>` (`pak_live_…`, `pak_test_…`; keys issued before
 * modes are `pak_<key id>_<secret>` and keep working) with a 256-bit random secret; only its SHA-256 is
 * stored. Lookup is by the key id embedded in it, then the hashes are compared in constant time,
 * so neither the database nor the comparison leaks how much of a guess was right.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { randomHex } from "../ids.js";
import { keyPrefixOf, type Mode } from "./modes.js";

export interface GeneratedKey {
  id: string;
  /** The full key, shown once to its owner and never stored. */
  token: string;
  hash: string;
  displayPrefix: string;
}

const ACCOUNT_KEY = /^pak_(?:live_|test_)?([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

export function generateApiKey(mode: Mode): GeneratedKey {
  const keyPart = randomHex(8);
  const prefix = keyPrefixOf(mode);
  const token = `${prefix}${keyPart}_${randomBytes(32).toString("base64url")}`;
  // The mode and the key id's first 8 characters: enough to tell keys apart in a list.
  return { id: `key_${keyPart}`, token, hash: sha256(token), displayPrefix: token.slice(0, prefix.length + 8) };
}

/** The key id a presented account key claims, or null when it is not shaped like one. */
export function keyIdOf(token: string): string | null {
  const match = ACCOUNT_KEY.exec(token);
  return match ? `key_${match[1]}` : null;
}

/** Constant-time comparison of a presented key with a stored SHA-256 hex digest. */
export function matchesHash(token: string, storedHash: string): boolean {
  const given = Buffer.from(sha256(token), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}

export function generateAdminKey(): string {
  return `adm_${randomBytes(32).toString("base64url")}`;
}

/** A request sent two different keys (X-API-Key and Authorization: Bearer): it is refused, not guessed at. */
export class AmbiguousApiKeyError extends Error {
  constructor() {
    super("The request sends two different API keys, in X-API-Key and in Authorization: Bearer; send one key (or the same key in both)");
  }
}

/**
 * The key a request presents: `X-API-Key`, or `Authorization: Bearer`. Both may be sent only with
 * the same key; two different ones throw AmbiguousApiKeyError (RFC 6750 allows one method per request).
 */
export function presentedKey(headers: { get(name: string): string | undefined | null }): string | null {
  const direct = headers.get("x-api-key")?.trim() || null;
  const bearer =
    headers
      .get("authorization")
      ?.trim()
      .match(/^Bearer\s+(\S+)$/i)?.[1] ?? null;
  if (direct && bearer && direct !== bearer) throw new AmbiguousApiKeyError();
  return direct ?? bearer;
}
