/** Random ids for rows and events. */
import { randomBytes, randomFillSync } from "node:crypto";

// Ids are drawn from a pool refilled 4 KiB at a time: one call into the CSPRNG per id cost more
// than the rest of an id's making (it is on every ledger write).
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/** `bytes` random bytes (from the CSPRNG) as hex; for ids, at most 64 bytes. */
export function randomHex(bytes: number): string {
  if (bytes > 64) return randomBytes(bytes).toString("hex");
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString("hex", poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}
