/**
 * Comparing a presented secret (a token, a key, a signature) with the expected one: in constant
 * time, over SHA-256 digests of both, so that how long a wrong guess takes tells neither how much
 * of it was right nor how long the expected secret is.
 */
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string | Buffer) => createHash("sha256").update(value).digest();

export function sameSecret(given: string | Buffer, expected: string | Buffer): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}
